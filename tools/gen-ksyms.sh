#!/bin/sh
# Turn `nm -n` output (from a file, or - for stdin) into assembly for the kernel's
# symbol table: the addresses of every text symbol in ascending order, and their
# names, which lib/ksyms.c searches to print backtraces as function+offset.
set -e
input=${1:--}
[ "$input" = "-" ] && input=/dev/stdin

awk 'BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	print "\t.globl ksyms_count"
	print "ksyms_count:\t.quad " n + 0
	print "\t.globl ksyms_addresses"
	print "ksyms_addresses:"
	for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
	print "\t.globl ksyms_name_offsets"
	print "ksyms_name_offsets:"
	for (i = 0; i < n; i++) print "\t.long .Lksyms_name_" i " - ksyms_names"
	print "\t.globl ksyms_names"
	print "ksyms_names:"
	for (i = 0; i < n; i++) print ".Lksyms_name_" i ":\t.asciz \"" name[i] "\""
}' "$input"
