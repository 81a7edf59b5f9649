# forks.sh - busybox sh forking heavily: subshells, pipelines, command substitution,
# background jobs and wait, loops of hundreds of processes. Run on calf and on Linux
# by tests/guest/diff.sh; the outputs must be identical, so nothing here prints a
# pid, a time or anything else that may differ between two correct kernels.

echo "== subshells"
x=outer
(x=inner; echo "in subshell: $x")
echo "after subshell: $x"
( (exit 5) ); echo "nested subshell status $?"
(cd /tmp && pwd); pwd
( exit 300 ); echo "status is taken mod 256: $?"

echo "== command substitution"
echo "$(echo $(echo $(echo three levels deep)))"
n=$(seq 1 100 | wc -l); echo "seq gave $n lines"
words=$(for w in alpha beta gamma; do printf '%s-' "$w"; done); echo "$words"

echo "== pipelines"
seq 1 200 | while read -r i; do echo $((i * i)); done | tail -3
seq 1 1000 | awk '{ s += $1 } END { print "sum", s }'
printf 'c\nb\na\nb\n' | sort | uniq -c | awk '{ print $2, $1 }'
yes calf | head -5 | tr a-z A-Z
false | true; echo "status of a pipeline is its last command: $?"
echo abc | (read -r v; echo "read in a subshell of a pipeline: $v")

echo "== a loop of 300 processes"
i=0 fails=0
while [ $i -lt 300 ]; do
	/bin/true || fails=$((fails + 1))
	i=$((i + 1))
done
echo "ran $i, $fails failed"

echo "== exit statuses of 100 subshells"
total=0
for i in $(seq 1 100); do
	(exit $((i % 7)))
	total=$((total + $?))
done
echo "sum of statuses: $total"

echo "== background jobs and wait"
for i in 1 2 3 4 5; do
	(echo "job $i" > /tmp/job.$i) &
done
wait
cat /tmp/job.* | sort
(exit 3) & p=$!
wait $p; echo "wait for one job: status $?"
sleep 0.2 & sleep 0.1 & wait; echo "waited for two sleepers"

echo "== traps and signals"
trap 'echo "caught USR1"' USR1
kill -USR1 $$
echo "after the trap"
trap - USR1
sh -c 'kill -TERM $$; echo not reached'; echo "child killed by TERM: status $?"
sh -c 'exit 42'; echo "child exit: $?"

echo "== redirections and descriptors"
exec 3> /tmp/fd3
echo "through fd 3" >&3
exec 3>&-
cat /tmp/fd3
{ echo one; echo two >&2; } 2>&1 | wc -l
cat <<HERE | tr a-z A-Z
here document $((6 * 7))
HERE

echo "== xargs and find"
mkdir -p /tmp/tree/a/b /tmp/tree/c
touch /tmp/tree/a/one /tmp/tree/a/b/two /tmp/tree/c/three
find /tmp/tree -type f | sort | xargs -n 1 basename
find /tmp/tree -type f | xargs ls | wc -l
rm -r /tmp/tree

echo "== deep recursion of shells"
depth() { if [ "$1" -gt 0 ]; then echo "$(depth $(($1 - 1)))+"; else echo 0; fi; }
depth 20
