#!/bin/sh
# bench/redis-snapshot.sh SIZES FRACTIONS - runs inside the guest (calf or Linux),
# for tools/redis-demo: Debian's redis-server snapshotting with fork (BGSAVE) while
# clients write, the use case copy-on-write fork exists for.
#
# For each data-set size (MiB) a fresh redis-server is filled with size * 1024 keys
# of 1000-byte values named as redis-benchmark names them (key:%012d). Then, for
# each write fraction (percent), BGSAVE forks the snapshot child, the child is
# stopped (SIGSTOP: a snapshot slow to reach the disk, so that every write lands
# while it is in progress), redis-benchmark sends fraction * keys SETs of random
# keys of the data set, the child resumes and finishes. One line per run:
#
#   RESULT size=MiB fraction=% keys=N writes=N fork_usec=N cow_bytes=N
#          write_rps=N save_ms=N saved_before_stop=N cow_fault=N cow_copy=N
#
# fork_usec is Redis's latest_fork_usec (the fork system call seen from the
# parent), cow_bytes its rdb_last_cow_size (the child's Private_Dirty from
# /proc/self/smaps: what copy-on-write copied), write_rps redis-benchmark's
# throughput while the snapshot was pending, save_ms the time the child took once
# resumed (10 ms resolution), saved_before_stop the keys the child had written
# before it was stopped (Redis's current_save_keys_processed: the writes that
# follow cannot make it copy those), cow_fault and cow_copy calf's counters over
# the run (- on Linux, which has none).
r=/opt/redis
sock=/tmp/redis.sock
sizes=$1
fractions=$2

cli() { "$r/redis-cli" -s "$sock" "$@" | tr -d '\r'; }
info() { cli INFO "$1" | sed -n "s/^$2://p"; }
vmstat() { awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' /proc/vmstat; }
centiseconds() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }
diff_or_dash() { [ "$1" = - ] && echo - || echo $(($2 - $1)); }

wait_for_server() {
	for i in $(seq 1 100); do
		cli PING 2>/dev/null | grep -q PONG && return 0
		sleep 0.1
	done
	echo "redis-snapshot: redis-server did not start" >&2
	return 1
}

# The pid of the snapshot child: the server's child, found in /proc as soon as
# it exists (every millisecond the child runs unstopped is saving done before
# the writes).
child_pid() {
	for i in $(seq 1 2000); do
		for stat in /proc/[0-9]*/stat; do
			read -r pid comm state ppid rest < "$stat" 2>/dev/null || continue
			[ "$ppid" = "$1" ] && { echo "$pid"; return 0; }
		done
	done
	return 1
}

snapshot() {
	size=$1 fraction=$2 keys=$3
	writes=$((keys * fraction / 100))
	fault0=$(vmstat cow_fault) copy0=$(vmstat cow_copy)
	cli BGSAVE > /dev/null
	child=$(child_pid "$server") || { echo "redis-snapshot: no snapshot child" >&2; return 1; }
	kill -STOP "$child"
	# How far the child got before it stopped, in keys: Redis's own progress.
	saved=$(info persistence current_save_keys_processed)
	rps=0
	if [ "$writes" -gt 0 ]; then
		rps=$("$r/redis-benchmark" -s "$sock" -t set -n "$writes" -r "$keys" -d 1000 -c 8 -q |
			tr '\r' '\n' | sed -n 's/^SET: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
	fi
	resumed=$(centiseconds)
	kill -CONT "$child"
	while info persistence rdb_bgsave_in_progress | grep -q 1; do sleep 0.05; done
	done_at=$(centiseconds)
	echo "RESULT size=$size fraction=$fraction keys=$keys writes=$writes" \
		"fork_usec=$(info stats latest_fork_usec) cow_bytes=$(info persistence rdb_last_cow_size)" \
		"write_rps=${rps:-0} save_ms=$(((done_at - resumed) * 10)) saved_before_stop=${saved:-0}" \
		"cow_fault=$(diff_or_dash "$fault0" "$(vmstat cow_fault)")" \
		"cow_copy=$(diff_or_dash "$copy0" "$(vmstat cow_copy)")"
	[ "$(info persistence rdb_last_bgsave_status)" = ok ] ||
		echo "redis-snapshot: BGSAVE failed" >&2
}

cd /tmp || exit 1
for size in $sizes; do
	rm -f /tmp/dump.rdb /tmp/redis.log
	"$r/redis-server" --port 0 --unixsocket "$sock" --daemonize no --save '' \
		--appendonly no --dir /tmp --logfile /tmp/redis.log &
	server=$!
	wait_for_server || exit 1
	keys=$((size * 1024))
	cli EVAL "local v = string.rep('x', 1000)
		for i = 0, tonumber(ARGV[1]) - 1 do
			redis.call('SET', string.format('key:%012d', i), v)
		end
		return redis.call('DBSIZE')" 0 "$keys" > /dev/null
	for fraction in $fractions; do
		snapshot "$size" "$fraction" "$keys" || exit 1
		rm -f /tmp/dump.rdb
	done
	cli SHUTDOWN NOSAVE > /dev/null 2>&1
	wait "$server"
done
