# forks.bash - the same kind of fork-heavy work in Debian's static bash: arrays,
# brace expansion, PIPESTATUS, wait -n, coprocess-free job control. Compared byte for
# byte between calf and Linux by tests/guest/diff.sh.

echo "== bash $((BASH_VERSINFO[0] >= 5)) subshells"
declare -a list=()
for i in {1..50}; do list+=("$(echo item$i)"); done
echo "${#list[@]} items, last ${list[-1]}"
( list=(); echo "cleared in subshell: ${#list[@]}" )
echo "still ${#list[@]} outside"

echo "== PIPESTATUS"
true | false | (exit 3) | true
echo "${PIPESTATUS[*]}"

echo "== arithmetic over many processes"
sum=0
for i in {1..200}; do
	v=$(/bin/echo $i)
	(( sum += v ))
done
echo "sum $sum"

echo "== background jobs"
pids=()
for i in {1..8}; do
	( exit $i ) &
	pids+=($!)
done
statuses=0
for pid in "${pids[@]}"; do
	wait "$pid"
	(( statuses += $? ))
done
echo "sum of job statuses $statuses"
wait
sleep 0.5 & (sleep 0.1; exit 4) &
wait -n; echo "wait -n returned $? (the first to finish)"
wait

echo "== mapfile and here strings"
mapfile -t lines <<< "$(printf "%s\n" c a b)"
printf '%s\n' "${lines[@]}" | sort | tr '\n' ' '; echo
read -r first rest <<< "one two three"; echo "$first / $rest"

echo "== functions and recursion"
fib() { if (( $1 < 2 )); then echo "$1"; else echo $(( $(fib $(($1 - 1))) + $(fib $(($1 - 2))) )); fi; }
echo "fib 12 = $(fib 12)"

echo "== traps"
trap 'echo "EXIT trap in subshell"' EXIT
( trap 'echo "subshell exit"' EXIT; exit 0 )
trap - EXIT
bash -c 'trap "echo got TERM; exit 7" TERM; kill -TERM $$; sleep 5'; echo "status $?"
