/*
 * execnull - execve with an empty argv (NULL, or an array holding only NULL) and
 * a NULL envp.
 *
 * Since Linux 5.18 the new program never sees argc 0: the kernel adds "" as
 * argv[0], so a program that starts at argv[1] finds the terminating NULL instead
 * of walking into envp. A NULL envp is an empty environment.
 *
 * The program re-executes itself: started with no argv[0] or an empty one (or
 * as the interpreter of a #! script), it is the new image, and CALF_EXECNULL in
 * its environment says what it should have been given (absent: the empty
 * environment). It exits with a bit per thing wrong.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

extern char **environ;

static const char *self;
static char dir[] = "/tmp/calf-execnull-XXXXXX";

static int count(char **v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

/* The new image: argv must be exactly { "", NULL }, or for a #! script
 * { interpreter, script } (the empty argv[0] replaced, as any argv[0] is). */
static int check_image(int argc, char **argv)
{
	const char *mode = getenv("CALF_EXECNULL");
	int bad = 0;

	if (mode && strcmp(mode, "script") == 0) {
		if (argc != 2 || argv[2] != NULL)
			return 1;
		if (strcmp(argv[0], getenv("CALF_INTERP")) != 0 ||
		    strcmp(argv[1], getenv("CALF_SCRIPT")) != 0)
			bad |= 2;
		return bad;
	}
	if (argc != 1)
		bad |= 1;
	if (argc < 1 || argv[0] == NULL || argv[0][0] != '\0')
		bad |= 2;
	if (argc >= 1 && argv[1] != NULL)
		bad |= 4;
	if (mode ? count(environ) != 1 || strcmp(mode, "env") != 0 : count(environ) != 0)
		bad |= 8;
	return bad;
}

/* Run path with argv and envp in a child; its wait status. */
static int run(const char *path, char *const *argv, char *const *envp)
{
	pid_t pid = xfork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(100 + errno % 100);
	}
	return wait_status(pid);
}

static void test_script(void)
{
	char script[64], env_script[80], env_interp[PATH_MAX + 16], line[PATH_MAX + 8];
	snprintf(script, sizeof script, "%s/script", dir);
	snprintf(env_script, sizeof env_script, "CALF_SCRIPT=%s", script);
	snprintf(env_interp, sizeof env_interp, "CALF_INTERP=%s", self);
	snprintf(line, sizeof line, "#!%s\n", self);
	if (write_file(script, line, 0755) < 0)
		bail("cannot write %s: errno %d", script, errno);
	char *envp[] = { "CALF_EXECNULL=script", env_script, env_interp, NULL };
	int st = run(script, NULL, envp);
	ok_exit(st, 0, "a #! script run with argv NULL: the interpreter gets "
		"{ interpreter, script }");
	unlink(script);
}

int main(int argc, char **argv)
{
	if (argc < 1 || argv[0] == NULL || argv[0][0] == '\0' ||
	    (getenv("CALF_EXECNULL") && strcmp(getenv("CALF_EXECNULL"), "script") == 0)) {
		return check_image(argc, argv);
	}
	self = self_path(argv[0]);
	plan(4);

	char *env[] = { "CALF_EXECNULL=env", NULL };
	char *empty[] = { NULL };
	ok_exit(run(self, NULL, env), 0, "execve(path, NULL, envp): argc 1, argv[0] \"\", "
		"argv[1] NULL, envp as given");
	ok_exit(run(self, empty, env), 0, "execve(path, { NULL }, envp): the same");
	ok_exit(run(self, NULL, NULL), 0, "execve(path, NULL, NULL): argv { \"\" } and an empty "
		"environment");

	if (!mkdtemp(dir))
		bail("mkdtemp failed: errno %d", errno);
	test_script();
	rmdir(dir);
	return done();
}
