/*
 * creds.c - user ids and the per-user process limit.
 *
 * Root may take any identity; anyone else only moves among the ids it holds (real,
 * effective, saved). RLIMIT_NPROC bounds the processes of a user, not root's: a
 * fork bomb by an ordinary user stops at the limit with EAGAIN, and everything it
 * made can be killed and reaped. Runs on both kernels; the outputs must match.
 */
#define _GNU_SOURCE
#include <sys/resource.h>

#include "util.h"

#define USER 1000

static int become_user(void)
{
	return setresgid(USER, USER, USER) == 0 && setresuid(USER, USER, USER) == 0 ? 0 : -1;
}

static int ids_are(uid_t r, uid_t e, uid_t s)
{
	uid_t gr, ge, gs;
	return getresuid(&gr, &ge, &gs) == 0 && gr == r && ge == e && gs == s;
}

/* Each identity test runs in a child and reports a bit per failed check. */
static int user_cannot_become_root(void *unused)
{
	int bad = 0;

	(void)unused;
	if (become_user() < 0)
		return 0x80;
	if (!ids_are(USER, USER, USER))
		bad |= 1;
	if (setuid(0) == 0 || errno != EPERM)
		bad |= 2;
	if (setresuid(-1, 0, -1) == 0 || errno != EPERM)
		bad |= 4;
	if (setreuid(0, -1) == 0 || errno != EPERM)
		bad |= 8;
	if (setuid(USER) != 0)
		bad |= 16;
	return bad;
}

/* With root saved, an ordinary effective id can go back to root. */
static int saved_root_comes_back(void *unused)
{
	int bad = 0;

	(void)unused;
	if (setresuid(USER, USER, 0) != 0)
		return 0x80;
	if (setuid(0) != 0 || !ids_are(USER, 0, 0))
		bad |= 1;
	/* Back to the real id: the saved root stays (it moves only when the
	 * effective id leaves the real one). */
	if (setreuid(-1, USER) != 0 || !ids_are(USER, USER, 0))
		bad |= 2;
	if (seteuid(0) != 0 || !ids_are(USER, 0, 0))
		bad |= 4;
	if (setresuid(USER, USER, USER) != 0 || seteuid(0) == 0 || errno != EPERM)
		bad |= 8;		/* dropped for good */
	return bad;
}

/* Fork until refused; returns the number of children made, then kills them all. */
static int fork_until_refused(int *error)
{
	pid_t kids[512];
	int made = 0;

	*error = 0;
	while (made < 512) {
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid < 0) {
			*error = errno;
			break;
		}
		kids[made++] = pid;
	}
	for (int i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < made; i++)
		waitpid(kids[i], NULL, 0);
	return made;
}

/* A user with RLIMIT_NPROC = 20 makes 19 children (it counts itself), then EAGAIN. */
static int nproc_bounds_a_fork_bomb(void *unused)
{
	struct rlimit limit = { 20, 20 };
	int error;

	(void)unused;
	if (setrlimit(RLIMIT_NPROC, &limit) < 0 || become_user() < 0)
		return 0x80;
	int made = fork_until_refused(&error);
	if (made != 19 || error != EAGAIN) {
		diag("  made %d children, then errno %d", made, error);
		return 1;
	}
	/* All reaped: the same number can be made again. */
	made = fork_until_refused(&error);
	return made == 19 && error == EAGAIN ? 0 : 2;
}

/* Root is not bound by RLIMIT_NPROC. */
static int root_is_exempt(void *unused)
{
	struct rlimit limit = { 3, 3 };
	int error;

	(void)unused;
	if (setrlimit(RLIMIT_NPROC, &limit) < 0)
		return 0x80;
	int made = fork_until_refused(&error);
	return made == 512 ? 0 : 1;
}

int main(void)
{
	plan(5);
	ok_exit(run_child(user_cannot_become_root, NULL), 0,
		"an ordinary user cannot become root by setuid, setresuid or setreuid");
	ok_exit(run_child(saved_root_comes_back, NULL), 0,
		"a saved root id lets the effective id return to root, until it is dropped");
	ok_exit(run_child(nproc_bounds_a_fork_bomb, NULL), 0,
		"RLIMIT_NPROC 20: a user's fork bomb makes 19 children, then EAGAIN, twice");
	ok_exit(run_child(root_is_exempt, NULL), 0, "root forks past RLIMIT_NPROC");
	ok(getuid() == 0 && geteuid() == 0, "the parent is still root");
	return done();
}
