#!/bin/sh
# tools/calf-see, checked against the kernel: a scripted fork/write sequence
# (tests/see/writes.see) played on calf under cow and sharedpt and on Linux;
# the sharing figure's counts must equal the kernel's counters (cow_copy,
# cow_reuse, fork_pages_shared) and the pages the script wrote, and be the same
# on every kernel. Then the seed's story on calf: its orphan and zombie, and its
# HTML page as headless chromium shows it.
. "$(dirname "$0")/lib.sh"

# see NAME [calf-see options]: draw into $OUT/see-NAME; sets $status.
see() {
	name=$1
	shift
	CALF_RUN_LOG=$OUT/see-$name.log LINUX_RUN_LOG=$OUT/see-$name.log \
		"$ROOT/tools/calf-see" --out "$OUT/see-$name" "$@" > "$OUT/see-$name.out" 2>&1
	status=$?
	summary=$OUT/see-$name/summary.txt
	dump=$OUT/see-$name/dump.txt
}

# counter NAME STEP: the value of /proc/vmstat's NAME at STEP of the last run.
counter() {
	awk -v name="$1" -v step="$2" '$1 == "step" { s = $2 } $1 == "vmstat" && $2 == name && s == step { print $3 }' "$dump"
}

# change NAME FROM TO: how much NAME grew between two steps.
change() {
	echo $(($(counter "$1" "$3") - $(counter "$1" "$2")))
}

has() {
	grep -qx -- "$1" "$summary"
}

figures_complete() {
	for step in 0 1 2 3 4 5 6; do
		for figure in tree layout sharing; do
			for suffix in svg png; do
				[ -s "$OUT/see-$1/step$step-$figure.$suffix" ] || return 1
			done
		done
	done
	[ -s "$OUT/see-$1/index.html" ]
}

# ---------------------------------------------------------------- the scripted writes, calf

see cow --scenario "$ROOT/tests/see/writes.see"
check "calf-see on calf: the scripted sequence ran and was drawn (status $status)" test $status -eq 0
check "calf-see on calf: SVG and PNG of three figures for each of 7 steps, and the page" \
	figures_complete cow
for step in 1 2 3 4; do
	line=$(grep "^step $step figure_copied=" "$summary")
	figure=$(echo "$line" | sed 's/.*figure_copied=\([0-9]*\).*/\1/')
	kernel=$(echo "$line" | sed 's/.*cow_copy_since_step_0=\([0-9]*\).*/\1/')
	check "step $step: pages drawn copied ($figure) = cow_copy since before fork ($kernel)" \
		test -n "$figure" -a "$figure" = "$kernel"
done
anonymous=$(sed -n 's/^step 0 parent anonymous_present=//p' "$summary")
check "fork shared the parent's anonymous pages: fork_pages_shared grew by $anonymous" \
	test -n "$anonymous" -a "$(change fork_pages_shared 0 1)" = "$anonymous"
check "after fork: all 32 pages of the area shared, in both" \
	sh -c "grep -qx 'step 1 parent mapping shared=32 copied=0 private=0 absent=0' $summary &&
		grep -qx 'step 1 child mapping shared=32 copied=0 private=0 absent=0' $summary"
check "the child wrote 5 pages: cow_copy +$(change cow_copy 1 2), the child has 5 copied, the parent 5 its own" \
	sh -c "[ $(change cow_copy 1 2) = 5 ] &&
		grep -qx 'step 2 child mapping shared=27 copied=5 private=0 absent=0' $summary &&
		grep -qx 'step 2 parent mapping shared=27 copied=0 private=5 absent=0' $summary"
check "the parent wrote a shared page: cow_copy +$(change cow_copy 2 3), one copied in the parent" \
	sh -c "[ $(change cow_copy 2 3) = 1 ] &&
		grep -qx 'step 3 parent mapping shared=26 copied=1 private=5 absent=0' $summary &&
		grep -qx 'step 3 child mapping shared=26 copied=5 private=1 absent=0' $summary"
check "the parent wrote a page the child had copied: reused ($(change cow_reuse 3 4)), not copied ($(change cow_copy 3 4))" \
	sh -c "[ $(change cow_reuse 3 4) = 1 ] && [ $(change cow_copy 3 4) = 0 ] &&
		grep -qx 'step 4 parent mapping shared=26 copied=1 private=5 absent=0' $summary"
check "the child exited: a zombie under its parent, the parent's pages all its own" \
	sh -c "sed -n '/^step 5 /,/^end/p' $dump | grep -qE '^ps [0-9]+ [0-9]+ Z .* see-actor$' &&
		grep -qx 'step 5 parent mapping shared=0 copied=1 private=31 absent=0' $summary"
check "the parent waited: the zombie is gone" \
	sh -c "! sed -n '/^step 6 /,/^end/p' $dump | grep -q '^ps .* Z '"
cp "$summary" "$OUT/see-cow.summary"

# ---------------------------------------------------------------- the same under sharedpt, and on Linux

see sharedpt --scenario "$ROOT/tests/see/writes.see" --append "fork_mode=sharedpt sharedpt_min_resident=0"
check "fork_mode=sharedpt (tables shared at every fork): the same pictures and counts as cow" \
	cmp -s "$OUT/see-cow.summary" "$summary"

if ! "$ROOT/tools/fetch-linux.sh" > /dev/null 2> "$OUT/see-fetch.log"; then
	echo "ok - calf-see on Linux # SKIP Debian's linux-image package could not be fetched (see $OUT/see-fetch.log)"
else
	see linux --linux --scenario "$ROOT/tests/see/writes.see"
	check "calf-see on Linux: the scripted sequence ran and was drawn (status $status)" test $status -eq 0
	grep -v figure_copied "$OUT/see-cow.summary" > "$OUT/see-cow.nocounters"
	check "Linux's pictures count the same pages as calf's at every step" \
		cmp -s "$OUT/see-cow.nocounters" "$summary"
fi

# ---------------------------------------------------------------- the seed's story and its page

see story
check "the seed's story on calf: drawn (status $status)" test $status -eq 0
child=$(sed -n 's/^role \([0-9]*\) child$/\1/p' "$dump" | tail -1)
check "the story ends with the exec'd child an orphan under init and the parent a zombie" \
	sh -c "sed -n '/^step 6 /,/^end/p' $dump | grep -qx 'ps $child 1 S [0-9a-f]* sleep' &&
		sed -n '/^step 6 /,/^end/p' $dump | grep -qE '^ps [0-9]+ [0-9]+ Z [0-9a-f]+ see-actor$'"

browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
	echo "ok - the HTML page in headless chromium # SKIP chromium is not installed"
	exit 0
fi
shot=$OUT/see-page.png
rm -f "$shot"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--window-size=1280,2600 --screenshot="$shot" "file://$OUT/see-story/index.html" \
	> "$OUT/see-chromium.log" 2>&1
check "headless chromium made a screenshot of the page" test -s "$shot"
# The page's own colours are the legend's; the parent's box in the tree and the
# mapping's bar in the layout are drawn only inside the inlined images.
check "the screenshot shows the inlined figures (tree, layout, sharing colours)" \
	/usr/bin/python3 - "$shot" <<'EOF'
import sys
import matplotlib.image
pixels = (matplotlib.image.imread(sys.argv[1])[:, :, :3] * 255).round().astype(int)
colours = {tuple(p) for p in pixels.reshape(-1, 3)}
want = {"tree": (0xfd, 0xe0, 0xc5), "layout": (0xe5, 0xc4, 0x94), "sharing": (0x4a, 0xa5, 0x64)}
missing = [name for name, rgb in want.items() if rgb not in colours]
sys.exit(1 if missing else 0)
EOF
