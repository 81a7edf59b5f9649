# tools/run-common.sh - what tools/calf-run and tools/linux-run share (sourced; $root
# is the tree).
#
# The command goes to the guest as /calf-run.sh, which user/calf-init hands to
# /bin/sh. Its first line prints RUN_MARKER on the console: output without it means
# the shell never ran the command (no /bin/sh, a /bin/sh that is not a shell, no
# script), which must never pass for a command that printed nothing and succeeded.
RUN_MARKER='calf-run: the command starts here'

# make_initrd WORK COMMAND [HOST:GUEST]...: WORK/initramfs.cpio, calf's initramfs
# with /calf-run.sh and the added files in a second archive after it.
make_initrd() {
	local work=$1 command=$2
	shift 2
	{
		echo "echo '$RUN_MARKER'"
		printf '%s\n' "$command"
	} > "$work/calf-run.sh"
	"$root/tools/initramfs-add.sh" "$root/build/initramfs.cpio" "$work/initramfs.cpio" \
		"$work/added" "$work/calf-run.sh:calf-run.sh" "$@"
}

# show_output CONSOLE: print what the command wrote on the console, without the
# marker, and succeed only if the marker was there. The console is a tty: it turned
# each \n into \r\n; undo that, and only that.
show_output() {
	[ -f "$1" ] || return 1
	sed 's/\r$//' "$1" > "$1.out"
	sed "0,/^$RUN_MARKER\$/{//d}" "$1.out"
	grep -qxF -- "$RUN_MARKER" "$1.out"
}

# program_closure ROOT HOST:GUEST: the HOST:GUEST pairs of the program (a symlink
# followed), its interpreter and the libraries it needs, found under ROOT
# (tools/elf-closure.sh); an error when one is missing.
program_closure() {
	case $2 in *:*) ;; *) echo "$0: --add-program wants HOST:GUEST, not $2" >&2; return 1 ;; esac
	"$root/tools/elf-closure.sh" --root "$1" "$2"
}

# run_options ARGS...: the options calf-run and linux-run share (their usage lines
# list them), into icount, mem, smp, append and adds; the command line into
# command. The caller defines usage (which exits) and names a temporary file in
# closure (--add-program's list); default_smp, when set, is the CPUs without --smp.
run_options() {
	local lib_root=/ pair
	icount= mem=256 smp=${default_smp:-1} append=
	adds=()
	while [ $# -gt 0 ]; do
		case $1 in
		--icount) icount="-icount shift=0"; shift ;;
		--mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
		--smp) [ $# -ge 2 ] || usage; smp=$2; shift 2 ;;
		--add) [ $# -ge 2 ] || usage; adds+=("$2"); shift 2 ;;
		--lib-root) [ $# -ge 2 ] || usage; lib_root=$2; shift 2 ;;
		--add-program)
			[ $# -ge 2 ] || usage
			program_closure "$lib_root" "$2" > "$closure" || exit 2
			while IFS= read -r pair; do adds+=("$pair"); done < "$closure"
			shift 2 ;;
		--append) [ $# -ge 2 ] || usage; append="$append $2"; shift 2 ;;
		--) shift; break ;;
		*) usage ;;
		esac
	done
	[ $# -eq 1 ] || usage
	command=$1
}
