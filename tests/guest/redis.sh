#!/bin/sh
# Debian's own redis-server 7.0, dynamically linked, unmodified, run on calf under
# each fork mode and on Linux: clients over a unix socket set and read keys, and
# BGSAVE forks a child that writes the data set to disk while the parent serves;
# the snapshot is checked with redis-check-rdb. Then the same server over TCP on
# 127.0.0.1:6379 and [::1]:6379 (lo brought up with ifconfig first, as Debian's
# guest boots with it down), with redis-benchmark. The outputs must be identical.
# When the packages cannot be fetched the test is skipped with a message saying so.
. "$(dirname "$0")/lib.sh"

if ! lib_root=$("$ROOT/tools/debian-fetch.sh" redis-server redis-tools 2> "$OUT/redis-fetch.log"); then
	echo "ok - Debian's redis-server # SKIP the packages could not be fetched (see $OUT/redis-fetch.log)"
	exit 0
fi
adds=
for program in redis-server redis-cli redis-check-rdb redis-benchmark; do
	adds="$adds --add-program $lib_root/usr/bin/$program:/opt/redis/$program"
done

command=$(cat <<'EOF'
r=/opt/redis
cli() { $r/redis-cli -s /tmp/redis.sock "$@"; }
tcp() { $r/redis-cli -h "$@"; }
ifconfig lo up
cd /tmp
$r/redis-server --port 6379 --unixsocket /tmp/redis.sock --daemonize no --save '' --enable-debug-command local \
	--logfile /tmp/redis.log &
for i in 1 2 3 4 5 6 7 8 9 10; do cli PING > /dev/null 2>&1 && break; sleep 1; done
cli PING
cli SET greeting hello
cli GET greeting
cli INCR counter
cli INCRBY counter 41
cli RPUSH list a b c
cli LRANGE list 0 -1
cli DEBUG POPULATE 10000 key 100
cli DBSIZE
cli BGSAVE
for i in 1 2 3 4 5 6 7 8 9 10; do
	cli INFO persistence | grep -q 'rdb_bgsave_in_progress:0' && break
	sleep 1
done
cli INFO persistence | grep -E '^rdb_(bgsave_in_progress|last_bgsave_status|saves):' | tr -d '\r'
cli SET greeting changed
cli GET greeting
$r/redis-check-rdb /tmp/dump.rdb | grep -o 'RDB looks OK!\|Checked loaded RDB.*'
tcp 127.0.0.1 PING
tcp 127.0.0.1 GET greeting
tcp 127.0.0.1 SET over tcp4
tcp ::1 GET over
tcp ::1 SET over tcp6
cli GET over
tcp 127.0.0.1 DBSIZE
tcp 127.0.0.1 CLIENT LIST | grep -o 'addr=127.0.0.1\|laddr=127.0.0.1:6379' | sort -u
$r/redis-benchmark -h 127.0.0.1 -p 6379 -n 2000 -c 8 -t set,get,lpush -q > /tmp/bench.out 2>&1 &&
	grep -c 'requests per second' /tmp/bench.out
tcp 127.0.0.1 DBSIZE
cli SHUTDOWN NOSAVE
wait
echo "redis-server exited with status $?"
EOF
)

for mode in cow copy sharedpt; do
	CALF_RUN_LOG=$OUT/redis-$mode.log "$ROOT/tools/calf-run" --mem 512 \
		--append "fork_mode=$mode mm_audit" --lib-root "$lib_root" $adds -- "$command" \
		> "$OUT/redis-$mode.out" 2>/dev/null
	code=$?
	check "fork_mode=$mode: redis-server ran and snapshotted (status $code)" test $code -eq 0
	check "fork_mode=$mode: mm_audit found user memory intact after each exit" \
		grep -q '^calf: mm_audit at the end: clean' "$OUT/redis-$mode.log"
done

if ! "$ROOT/tools/fetch-linux.sh" > /dev/null 2> "$OUT/redis-linux-fetch.log"; then
	echo "ok - redis-server on Linux # SKIP Debian's kernel could not be fetched"
	exit 0
fi
LINUX_RUN_LOG=$OUT/redis-linux.log "$ROOT/tools/linux-run" --mem 512 --lib-root "$lib_root" \
	$adds -- "$command" > "$OUT/redis-linux.out" 2>/dev/null
code=$?
check "Linux ran the same (status $code)" test $code -eq 0

# The same bytes, and not because both printed nothing.
same_as_linux() {
	cmp -s "$1" "$OUT/redis-linux.out" && grep -qx 'rdb_last_bgsave_status:ok' "$1"
}
for mode in cow copy sharedpt; do
	check "fork_mode=$mode: every line matches Linux" same_as_linux "$OUT/redis-$mode.out"
	cmp -s "$OUT/redis-$mode.out" "$OUT/redis-linux.out" ||
		diff "$OUT/redis-$mode.out" "$OUT/redis-linux.out" | head -20 | sed 's/^/# /'
done
