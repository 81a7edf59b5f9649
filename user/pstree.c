/*
 * pstree - draw the process tree from /proc, the way procps' pstree does.
 *
 * Debian's busybox-static has no pstree applet, and the process tree is what
 * calf is about: every process has a parent, orphans are adopted by init (pid 1),
 * and a zombie stays in the tree until its parent waits for it. This program
 * reads /proc/<pid>/stat for every process, links each to its parent, and
 * prints the tree rooted at pid 1 (or at the pid given):
 *
 *   init-+-sh---pstree
 *        `-2*[sleep]
 *
 * Usage: pstree [-p] [-A|-U] [pid]
 *   -p  show pids, as name(pid); identical siblings are then not merged
 *   -A  ASCII lines (the default)   -U  UTF-8 box-drawing lines
 *
 * Like procps, identical sibling subtrees are merged into "N*[subtree]".
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct proc {
	int pid;
	int ppid;
	char name[64];
	struct proc **children;
	int nchildren;
};

/* The line pieces: between a parent and its only child, its first child, a
 * middle child and its last child, and the bar that continues past a parent. */
struct style {
	const char *only, *first, *middle, *last, *bar;
};
static const struct style ascii = { "---", "-+-", " |-", " `-", " | " };
static const struct style utf8 = { "───", "─┬─", " ├─", " └─", " │ " };

static const struct style *style = &ascii;
static int show_pids;

static struct proc *procs;
static int nprocs;

/* Parse "pid (comm) state ppid ...": comm may hold spaces and parentheses,
 * so it ends at the last ')'. */
static int read_stat(int pid, struct proc *p)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;	/* exited since we listed /proc */
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	if (!open || !close || close < open)
		return -1;
	size_t len = (size_t)(close - open - 1);
	if (len >= sizeof p->name)
		len = sizeof p->name - 1;
	memcpy(p->name, open + 1, len);
	p->name[len] = '\0';
	char state;
	if (sscanf(close + 1, " %c %d", &state, &p->ppid) != 2)
		return -1;
	p->pid = pid;
	return 0;
}

static void load_processes(void)
{
	DIR *dir = opendir("/proc");
	if (!dir) {
		perror("pstree: /proc");
		exit(1);
	}
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		if (!isdigit((unsigned char)entry->d_name[0]))
			continue;
		struct proc p = { 0 };
		if (read_stat(atoi(entry->d_name), &p) < 0)
			continue;
		procs = realloc(procs, (nprocs + 1) * sizeof *procs);
		if (!procs) {
			perror("pstree");
			exit(1);
		}
		procs[nprocs++] = p;
	}
	closedir(dir);
}

static struct proc *find(int pid)
{
	for (int i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

static int by_name_then_pid(const void *a, const void *b)
{
	const struct proc *x = *(struct proc *const *)a, *y = *(struct proc *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : x->pid - y->pid;
}

static void link_children(void)
{
	for (int i = 0; i < nprocs; i++) {
		struct proc *parent = find(procs[i].ppid);
		if (!parent || parent == &procs[i])
			continue;
		parent->children = realloc(parent->children,
					   (parent->nchildren + 1) * sizeof *parent->children);
		if (!parent->children) {
			perror("pstree");
			exit(1);
		}
		parent->children[parent->nchildren++] = &procs[i];
	}
	for (int i = 0; i < nprocs; i++)
		qsort(procs[i].children, procs[i].nchildren, sizeof *procs[i].children,
		      by_name_then_pid);
}

/* Two subtrees print the same when names and shapes match (pids aside). */
static int same_tree(const struct proc *a, const struct proc *b)
{
	if (strcmp(a->name, b->name) || a->nchildren != b->nchildren)
		return 0;
	for (int i = 0; i < a->nchildren; i++)
		if (!same_tree(a->children[i], b->children[i]))
			return 0;
	return 1;
}

/* The text of one node: "name", "name(pid)" or "N*[name" (the caller closes
 * the bracket after the subtree). Returns its width in columns. */
static int print_label(const struct proc *p, int repeat)
{
	int width = 0;
	if (repeat > 1)
		width += printf("%d*[", repeat);
	width += show_pids ? printf("%s(%d)", p->name, p->pid) : printf("%s", p->name);
	return width;
}

/*
 * Print p's subtree starting at the current column `column`. `prefix` holds what
 * must be drawn at the start of each following line to reach this column:
 * spaces, and a bar for every ancestor that still has children to come.
 */
static void print_tree(const struct proc *p, int repeat, char *prefix, size_t prefix_len,
		       size_t prefix_cap)
{
	int width = print_label(p, repeat);
	size_t keep = prefix_len;
	for (int i = 0; i < width && prefix_len + 1 < prefix_cap; i++)
		prefix[prefix_len++] = ' ';
	prefix[prefix_len] = '\0';

	int first = 1;
	for (int i = 0; i < p->nchildren;) {
		int same = 1;
		while (!show_pids && i + same < p->nchildren &&
		       same_tree(p->children[i], p->children[i + same]))
			same++;
		int last = i + same == p->nchildren;
		const char *joint;
		if (first)
			joint = last ? style->only : style->first;
		else {
			printf("\n%s", prefix);
			joint = last ? style->last : style->middle;
		}
		printf("%s", joint);
		size_t mark = prefix_len;
		const char *continuation = last ? "   " : style->bar;
		if (prefix_len + strlen(continuation) + 1 < prefix_cap) {
			strcpy(prefix + prefix_len, continuation);
			prefix_len += strlen(continuation);
		}
		print_tree(p->children[i], same, prefix, prefix_len, prefix_cap);
		prefix_len = mark;
		prefix[prefix_len] = '\0';
		first = 0;
		i += same;
	}
	if (repeat > 1)
		printf("]");
	prefix[keep] = '\0';
}

static void usage(void)
{
	fprintf(stderr, "usage: pstree [-p] [-A|-U] [pid]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int opt, root_pid = 1;
	while ((opt = getopt(argc, argv, "pAU")) != -1) {
		switch (opt) {
		case 'p': show_pids = 1; break;
		case 'A': style = &ascii; break;
		case 'U': style = &utf8; break;
		default: usage();
		}
	}
	if (optind < argc)
		root_pid = atoi(argv[optind++]);
	if (optind < argc || root_pid <= 0)
		usage();

	load_processes();
	link_children();
	struct proc *root = find(root_pid);
	if (!root)
		return 1;	/* procps prints nothing for an unknown pid, and fails */
	static char prefix[4096];
	print_tree(root, 1, prefix, 0, sizeof prefix);
	printf("\n");
	return 0;
}
