#!/bin/sh
# tools/elf-closure.sh [--root DIR] FILE[:GUEST]...
#
# Print what a dynamically linked FILE needs to run, one HOST:GUEST pair per line
# (the form tools/calf-run --add and tools/initramfs-add.sh take): its interpreter
# (PT_INTERP) and every shared library it needs, directly or through another
# library, resolved the way ld.so resolves them and ldd reports them, but without
# running anything, so that it works on files of another root (Debian packages
# unpacked with dpkg-deb -x). Each DT_NEEDED name is looked for in the file's
# DT_RPATH (when it has no DT_RUNPATH), its DT_RUNPATH, then ld.so's system search
# path for Debian x86-64 (/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib,
# /usr/lib), all under DIR (default /). GUEST is the path ld.so will open in the
# guest; HOST is that file under DIR with its symlinks followed (DIR's own absolute
# symlinks are resolved inside DIR). A statically linked FILE needs nothing and
# prints nothing. glibc's libgcc_s.so.1, which it opens itself, comes along with
# libc.so.6 when it can be found. Given as FILE:GUEST, the program itself comes first, as the file
# its symlinks lead to (Debian's redis-server is a link). A library that cannot be found is an error (exit 1), never a
# silent omission: the program would not start.
set -e
root=/
if [ "$1" = --root ]; then
	root=$2
	shift 2
fi
[ $# -gt 0 ] || { echo "usage: elf-closure.sh [--root DIR] FILE..." >&2; exit 2; }
root=$(cd "$root" && pwd)
[ "$root" != / ] || root=	# paths are "$root/..." below
system_path="/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib /usr/lib"

# The host file for a guest path: symlinks followed, each absolute one inside root.
host_of() {
	path=$1 hops=0
	while :; do
		# An absolute symlink inside root means root's own path: walk the path
		# component by component instead of letting the host resolve it.
		current=$root
		rest=${path#/}
		while [ -n "$rest" ]; do
			part=${rest%%/*}
			case $rest in */*) rest=${rest#*/} ;; *) rest= ;; esac
			if [ -L "$current/$part" ]; then
				hops=$((hops + 1))
				[ $hops -lt 40 ] || return 1
				target=$(readlink "$current/$part")
				case $target in
				/*) path=$target${rest:+/$rest} ;;
				*) path=${current#"$root"}/$target${rest:+/$rest} ;;
				esac
				continue 2
			fi
			current=$current/$part
		done
		[ -e "$current" ] || return 1
		# No symlink is left in current, so "..": lexical, must stay in root.
		current=$(realpath -s -m -- "$current")
		case $current in "$root"/*) ;; *) return 1 ;; esac
		echo "$current"
		return 0
	done
}

# Print "(TAG) value" lines of the dynamic section: NEEDED, RPATH, RUNPATH.
dynamic() {
	LC_ALL=C readelf -d -W "$1" 2>/dev/null | sed -n \
		-e 's/.*(NEEDED).*Shared library: \[\(.*\)\]$/NEEDED \1/p' \
		-e 's/.*(RPATH).*Library rpath: \[\(.*\)\]$/RPATH \1/p' \
		-e 's/.*(RUNPATH).*Library runpath: \[\(.*\)\]$/RUNPATH \1/p'
}

interpreter() {
	LC_ALL=C readelf -l -W "$1" 2>/dev/null |
		sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p'
}

seen=$(mktemp)
queue=$(mktemp)
trap 'rm -f "$seen" "$queue"' EXIT
status=0
interp_names=

# Add a guest path (and its host file) to the answer once.
emit() {
	grep -qxF "$2" "$seen" && return 0
	echo "$2" >> "$seen"
	echo "$1:$2"
	echo "$1 $2" >> "$queue"
}

# Find one needed library for the object at guest path $2 (host file $1).
resolve() {
	object_host=$1 object_guest=$2 name=$3 search=$4
	case $name in
	*/*) candidates=$name ;;
	*) candidates=$(for dir in $search $system_path; do echo "$dir/$name"; done) ;;
	esac
	for guest in $candidates; do
		guest=$(echo "$guest" | sed "s|\\\$ORIGIN|$(dirname "$object_guest")|g; s|\${ORIGIN}|$(dirname "$object_guest")|g")
		if host=$(host_of "$guest") && [ -f "$host" ]; then
			emit "$host" "$guest"
			return 0
		fi
	done
	echo "elf-closure: $object_guest needs $name, found nowhere under ${root:-/}" >&2
	return 1
}

for file in "$@"; do
	case $file in
	*:*)	# HOST:GUEST: the program too, its symlinks followed (within root).
		guest=${file#*:} file=${file%%:*}
		case $file in
		"$root"/*) file=$(host_of "${file#"$root"}") || file= ;;
		*) file=$(readlink -f -- "$file") || file= ;;
		esac
		[ -f "$file" ] || { echo "elf-closure: no such file: ${file:-$1}" >&2; exit 1; }
		echo "$file:$guest" ;;
	esac
	[ -f "$file" ] || { echo "elf-closure: no such file: $file" >&2; exit 1; }
	interp=$(interpreter "$file")
	if [ -n "$interp" ]; then
		if host=$(host_of "$interp"); then
			emit "$host" "$interp"
			interp_names="$interp_names $(basename "$interp")"
		else
			echo "elf-closure: $file names the interpreter $interp, not found under ${root:-/}" >&2
			status=1
		fi
	fi
	echo "$file $(dirname "$file")/" >> "$queue"
done

# Breadth first over the queue: each object's own needs, with its own search path.
line=1
while :; do
	entry=$(sed -n "${line}p" "$queue")
	[ -n "$entry" ] || break
	line=$((line + 1))
	host=${entry%% *} guest=${entry#* }
	runpath=$(dynamic "$host" | sed -n 's/^RUNPATH //p' | tr ':' ' ')
	search=$runpath
	[ -n "$runpath" ] || search=$(dynamic "$host" | sed -n 's/^RPATH //p' | tr ':' ' ')
	for name in $(dynamic "$host" | sed -n 's/^NEEDED //p'); do
		# A library needing the interpreter by name gets the one already loaded.
		case " $interp_names " in *" $name "*) continue ;; esac
		resolve "$host" "$guest" "$name" "$search" || status=1
	done
done
# glibc opens libgcc_s.so.1 itself (dlopen) to unwind for pthread_exit and thread
# cancellation: ldd cannot see that, but a program that needs libc needs it to run.
if grep -q '/libc\.so\.6$' "$seen" && ! grep -q '/libgcc_s\.so\.1$' "$seen"; then
	libc_guest=$(grep '/libc\.so\.6$' "$seen" | head -1)
	resolve "$(host_of "$libc_guest")" "$libc_guest" libgcc_s.so.1 "" 2>/dev/null || true
fi
exit $status
