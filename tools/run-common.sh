# tools/run-common.sh - what tools/calf-run and tools/linux-run share (sourced; $root
# is the tree).
#
# The command goes to the guest as /calf-run.sh, which user/calf-init hands to
# /bin/sh.

# make_initrd WORK COMMAND [HOST:GUEST]...: WORK/initramfs.cpio, calf's initramfs
# with /calf-run.sh and the added files in a second archive after it.
make_initrd() {
	local work=$1 command=$2
	shift 2
	printf '%s\n' "$command" > "$work/calf-run.sh"
	"$root/tools/initramfs-add.sh" "$root/build/initramfs.cpio" "$work/initramfs.cpio" \
		"$work/added" "$work/calf-run.sh:calf-run.sh" "$@"
}
