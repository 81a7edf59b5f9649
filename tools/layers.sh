#!/bin/sh
# tools/layers.sh [--tap] - the kernel's layers, drawn from its #include lines.
#
# calf's kernel directories form a stack; a file may include headers of its own
# directory and of the directories below it, never above (docs/design.md says why
# and what each layer holds). This script reads every #include "dir/file.h" in the
# kernel's sources and prints, for each layer, the layers it uses and how many
# includes go there. A use of a higher layer is a violation: it is printed with the
# file and line, and the script fails. With --tap it prints one TAP line per layer
# instead (tools/run-tests.sh runs it so).
#
# The one exception: mm/internal.h and fs/internal.h include their host-test fakes
# from tests/host/ under CALF_HOST (the seam that lets mm/ and fs/ build on the host).

cd "$(dirname "$0")/.." || exit 1

# Bottom to top. A new directory of kernel code must be placed here.
LAYERS="lib arch kernel mm sched fs net proc syscall init"

rank() {
	i=0
	for layer in $LAYERS; do
		[ "$layer" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

tap=false
[ "${1:-}" = --tap ] && tap=true

# Every include of another directory: "from to file:line".
edges=$(for layer in $LAYERS; do
	[ -d "$layer" ] || continue
	find "$layer" -name '*.[chS]' | sort | while read -r file; do
		grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^"/]+/' "$file" |
		sed -E 's/^([0-9]+):.*"([^"/]+)\/.*/\2 \1/' | while read -r to line; do
			[ "$to" = "$layer" ] && continue
			echo "$layer $to $file:$line"
		done
	done
done)

failed=0
number=0
for layer in $LAYERS; do
	[ -d "$layer" ] || continue
	number=$((number + 1))
	mine=$(echo "$edges" | awk -v l="$layer" '$1 == l')
	uses=$(echo "$mine" | awk 'NF { n[$2]++ } END { for (t in n) printf "%s(%d) ", t, n[t] }')
	bad=$(echo "$mine" | while read -r from to where; do
		[ -n "$from" ] || continue
		case "$to:$where" in
		tests:mm/internal.h:*|tests:fs/internal.h:*) continue ;;
		esac
		if [ "$(rank "$to")" -lt 0 ] || [ "$(rank "$to")" -ge "$(rank "$from")" ]; then
			echo "$where includes $to/"
		fi
	done)
	if $tap; then
		if [ -z "$bad" ]; then
			echo "ok $number - $layer/ includes only layers below it: ${uses:-none}"
		else
			echo "not ok $number - $layer/ includes layers above it or outside the stack"
			echo "$bad" | sed 's/^/# /'
		fi
	else
		printf '%-8s uses %s\n' "$layer" "${uses:-nothing}"
		[ -n "$bad" ] && echo "$bad" | sed 's/^/    VIOLATION: /'
	fi
	[ -n "$bad" ] && failed=1
done
$tap && echo "1..$number"
exit $failed
