#!/bin/sh
# busybox sh on calf through tools/calf-run: the commands the issue names, each
# checked for exactly the output Linux gives.
. "$(dirname "$0")/lib.sh"

# run_case DESCRIPTION EXPECTED COMMAND
run_case() {
	description=$1 expected=$2 command=$3
	log=$OUT/shell.log
	actual=$(CALF_RUN_LOG=$log "$ROOT/tools/calf-run" -- "$command" 2>/dev/null)
	status=$?
	if [ "$actual" = "$expected" ] && [ $status -eq 0 ]; then
		echo "ok - $description"
	else
		echo "not ok - $description"
		echo "# expected: $(printf '%s' "$expected" | head -5 | tr '\n' '|')"
		echo "# got:      $(printf '%s' "$actual" | head -5 | tr '\n' '|') (status $status)"
	fi
}

run_case "arithmetic" "42" 'echo $((6*7))'
run_case "subshells in a loop through a pipe" "3" 'for i in 1 2 3; do (echo $i); done | wc -l'
run_case "command substitution" "sub" 'x=$(echo sub); echo $x'
run_case "sleep 1 sleeps about a second" "slept" \
	'a=$(date +%s); sleep 1; b=$(date +%s); [ $((b - a)) -ge 1 ] && [ $((b - a)) -le 2 ] && echo slept'
run_case "ls / lists the root" "yes" 'ls / | grep -qx bin && ls / | grep -qx proc && echo yes'
run_case "/proc/meminfo starts with MemTotal and MemFree" "MemTotal MemFree" \
	'head -2 /proc/meminfo | cut -d: -f1 | tr "\n" " " | sed "s/ $//"'
run_case "ps lists init as pid 1" "1 init" 'ps -o pid= -o comm= | awk "\$1 == 1 { print \$1, \$2 }"'
run_case "free reports MemTotal as its total" "yes" \
	'set -- $(free | grep "^Mem:"); [ "$2" = "$(awk "/^MemTotal:/ { print \$2 }" /proc/meminfo)" ] && [ "$4" -gt 0 ] && echo yes'
run_case "top -b shows init and itself" "yes" \
	'top -b -n 1 > /tmp/t; grep -q "^ *1 *0 root .*/init" /tmp/t && grep -q "top -b -n 1" /tmp/t && echo yes'
# An orphan is adopted by init: the shell's grandchild moves under pid 1.
run_case "pstree shows an orphan adopted by init" "init-+-sh---pstree|     \`-sleep" \
	'sh -c "sleep 3 & exit"; sleep 0.2; pstree > /tmp/t; tr "\n" "|" < /tmp/t | sed "s/|$//"'
run_case "pstree -p draws the tree with pids" "sh(N)-+-pstree(N)|      \`-sleep(N)" \
	'sleep 3 & sleep 0.2; pstree -p $$ > /tmp/t; sed "s/([0-9]*)/(N)/g" /tmp/t | tr "\n" "|" | sed "s/|$//"'
run_case "/proc/self names the process that reads it" "2 1" \
	'sh -c "echo \$\$; exec readlink /proc/self" > /tmp/o; echo $(wc -l < /tmp/o) $(uniq /tmp/o | wc -l)'
run_case "/proc/<pid>/status gives the parent" "2 1" \
	'sh -c "echo \$PPID; exec awk \"/^PPid:/ { print \\\$2 }\" /proc/self/status" > /tmp/o
	 echo $(wc -l < /tmp/o) $(uniq /tmp/o | wc -l)'
run_case "/proc/self/maps shows one stack" "1" 'grep -c "\[stack\]" /proc/self/maps'
run_case "/proc/<pid>/stat: pid, (comm) and state" "yes" \
	'sh -c "read pid comm state rest < /proc/self/stat; [ \$pid = \$\$ ] && [ \$comm = \"(sh)\" ] && [ \$state = R ] && echo yes"'
# Pids differ between kernels (Linux's kernel threads take some): check the shape,
# and that the child's parent is the parent and the parent's child is the child.
run_case "the seed program forkdemo" "consistent" \
	'/bin/forkdemo > /tmp/out; echo $$ > /dev/null
	 child_says=$(sed -n "s/^I am child, parent pid is \([0-9]*\)$/\1/p" /tmp/out)
	 parent_says=$(sed -n "s/^I am parent, child pid is \([0-9]*\)$/\1/p" /tmp/out)
	 [ $(wc -l < /tmp/out) -eq 2 ] && [ -n "$child_says" ] && [ -n "$parent_says" ] &&
	 [ "$child_says" != "$parent_says" ] && echo consistent'
run_case "exit status comes back" "" 'exit 0'

# The exit status of the command is calf-run's.
CALF_RUN_LOG=$OUT/shell.log "$ROOT/tools/calf-run" -- 'exit 7' > /dev/null 2>&1
code=$?
check "calf-run exits with the command's status (7, got $code)" test $code -eq 7
