/*
 * forkdemo - the textbook fork() example.
 *
 * fork() makes a copy of the calling process. Both copies continue from the
 * same point, and fork() tells them apart by its return value:
 *   - in the child it returns 0,
 *   - in the parent it returns the child's process id (pid),
 *   - on failure it returns -1 and there is no child.
 *
 * The parent waits for the child before printing, so the output is always:
 *   I am child, parent pid is N
 *   I am parent, child pid is M
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	/*
	 * Nothing is buffered in stdout yet, but flush anyway: the child gets a
	 * copy of the parent's stdio buffer, and anything in it would be printed
	 * twice, once by each process.
	 */
	fflush(stdout);

	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}

	if (pid == 0) {
		/* The child: getppid() is the pid of the process that forked us. */
		printf("I am child, parent pid is %d\n", (int)getppid());
		exit(0);	/* exit() flushes stdout; the parent sees status 0 */
	}

	/*
	 * The parent: wait until the child has finished. This orders the output,
	 * and it collects the child's exit status, so the child does not linger
	 * as a zombie.
	 */
	int status;
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	printf("I am parent, child pid is %d\n", (int)pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
