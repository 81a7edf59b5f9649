#!/bin/sh
# Run every guest test program (tests/progs/, built with musl and with glibc) inside
# calf, once under each fork mode (one boot each), and relay their TAP: each line is
# prefixed with the mode, libc and program name. A program must also print its whole
# plan and exit 0. The kernel runs mm_audit after every process exit (a violation
# panics, failing the run).
. "$(dirname "$0")/lib.sh"

# MemFree is read before and after (files the programs left in /tmp removed): the
# whole run may not cost a frame beyond a few pages of kernel caches. The list of
# programs is made before the first reading: the shell keeps it on its own heap,
# which grows with every program added and is not the kernel's to answer for.
# Each reading first drops the caches (drop_caches: the heap's empty slabs), so
# that it counts pages in use, not what a cache happened to keep.
command='free_kb() { echo 3 > /proc/sys/vm/drop_caches; awk "/^MemFree:/ { print \$2 }" /proc/meminfo; }
set -- /tests/musl/* /tests/glibc/* /tests/glibc-dynamic/*
before=$(free_kb)
for t in "$@"; do
	[ -x "$t" ] || continue
	echo "=== begin $t"
	"$t" 2>&1
	echo "=== end $t $?"
done
rm -rf /tmp/* /tmp/.[!.]* 2>/dev/null
echo "=== memfree $before $(free_kb)"'

# Each program's output under a fork mode against Linux's, which tests/guest/diff.sh
# (run before this script) left in $OUT/diff/linux: the same bytes, status included,
# except where tests/diff/mode-dependent says why a program's output depends on the
# fork mode. Prints the programs that differ; succeeds when none does.
outputs_are_linux() {
	mode=$1 output=$2 dir=$OUT/programs-$1
	patterns=$OUT/diff-allowed.re
	[ -s "$patterns" ] || echo '^calf-never-matches-this-line$' > "$patterns"
	rm -rf "$dir"
	mkdir -p "$dir"
	grep -vE -f "$patterns" "$output" | awk -v dir="$dir" '
	/^=== begin \// { name = $3; gsub("/", "_", name); file = dir "/" name; printf "" > file; next }
	/^=== end \// { if (file != "") print "=== status " $4 > file; file = ""; next }
	file != "" { print > file }'
	found=0
	exceptions=$(grep -vE '^(#|$)' "$ROOT/tests/diff/mode-dependent" |
		awk -v m="$mode" '$1 == m { gsub("/", "_", $2); print $2 }')
	for expected in "$OUT"/diff/linux/_tests_*; do
		name=$(basename "$expected")
		case $name in _tests_scripts_*) continue ;; esac
		label=$(echo "$name" | sed 's|^_tests_\([^_]*\)_|/tests/\1/|')
		printf '%s\n' "$exceptions" | grep -qxF "$name" && continue
		if ! cmp -s "$expected" "$dir/$name"; then
			echo "# fork_mode=$mode: $label differs from Linux"
			diff "$expected" "$dir/$name" 2>&1 | head -4 | sed 's/^/#   /'
			found=1
		fi
	done
	return $found
}

for mode in cow copy sharedpt; do
	log=$OUT/programs-$mode.log
	output=$OUT/programs-$mode.out
	# sharedpt shares every table it can: also small processes and small regions.
	CALF_RUN_LOG=$log CALF_RUN_TIMEOUT=600 "$ROOT/tools/calf-run" \
		--append "fork_mode=$mode sharedpt_min_resident=0 sharedpt_small=0 mm_audit" \
		-- "$command" > "$output" 2>/dev/null
	code=$?
	relay_program_tap "$mode" "$output"
	check "fork_mode=$mode: calf-run of all test programs finished (status $code)" \
		test "$code" = 0
	check "fork_mode=$mode: test programs were found and run" grep -q '^=== end ' "$output"
	check "fork_mode=$mode: mm_audit found user memory intact after each exit" \
		grep -q '^calf: mm_audit at the end: clean' "$log"
	if [ -n "$(ls "$OUT"/diff/linux/_tests_* 2>/dev/null)" ]; then
		check "fork_mode=$mode: every program's output is Linux's, byte for byte" \
			outputs_are_linux "$mode" "$output"
	else
		echo "ok - fork_mode=$mode: outputs against Linux # SKIP no Linux outputs (tests/guest/diff.sh did not run)"
	fi
	set -- $(sed -n 's/^=== memfree //p' "$output")
	echo "# fork_mode=$mode: MemFree ${1:-?} kB before the programs, ${2:-?} kB after"
	check "fork_mode=$mode: MemFree after all programs is within 16 pages of before" \
		test -n "${2:-}" -a "$((${1:-0} - ${2:-0}))" -le 64 -a "$((${2:-0} - ${1:-0}))" -le 64
done
