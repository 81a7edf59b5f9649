/*
 * fs/tty.c - the console terminal on COM1: /dev/console (5:1) and /dev/tty (5:0).
 *
 * Input arrives by interrupt: the serial hook drains the UART and runs each byte
 * through the line discipline (tty_receive): input translation (ICRNL...), signal
 * characters (ISIG), line editing and echo (ICANON, ECHO...). Ready input waits in
 * `ring`; in canonical mode a line becomes readable when its delimiter arrives
 * (newline, VEOL, or VEOF, which is a delimiter that is never delivered, so ^D on
 * an empty line makes read return 0).
 *
 * Job control: the tty belongs to at most one session (TIOCSCTTY) and has a
 * foreground process group, which gets SIGINT/SIGQUIT/SIGTSTP from ^C, ^\, ^Z. A
 * background process that reads gets SIGTTIN (or EIO if it ignores or blocks it).
 *
 * tty.lock guards the input state and the settings, which the interrupt handler and
 * processes share; nothing sleeps or touches user memory while holding it.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/tty.h"

/* termios flag bits used here (Linux values). */
#define IGNCR	0000200
#define ICRNL	0000400
#define INLCR	0000100
#define ISTRIP	0000040
#define IUTF8	0040000
#define IXON	0002000
#define OPOST	0000001
#define ONLCR	0000004
#define ISIG	0000001
#define ICANON	0000002
#define ECHO	0000010
#define ECHOE	0000020
#define ECHOK	0000040
#define ECHONL	0000100
#define NOFLSH	0000200
#define ECHOCTL	0001000
#define ECHOKE	0004000
#define IEXTEN	0100000
#define VINTR	0
#define VQUIT	1
#define VERASE	2
#define VKILL	3
#define VEOF	4
#define VTIME	5
#define VMIN	6
#define VSUSP	10
#define VEOL	11
#define VWERASE	14
#define VLNEXT	15
#define VEOL2	16

#define TCGETS		0x5401
#define TCSETS		0x5402
#define TCSETSW		0x5403
#define TCSETSF		0x5404
#define TCSBRK		0x5409
#define TCXONC		0x540a
#define TCFLSH		0x540b
#define TIOCSCTTY	0x540e
#define TIOCGPGRP	0x540f
#define TIOCSPGRP	0x5410
#define TIOCOUTQ	0x5411
#define TIOCGWINSZ	0x5413
#define TIOCSWINSZ	0x5414
#define TIOCNOTTY	0x5422
#define TIOCGSID	0x5429
#define TCSBRKP		0x5425

#define TTY_RING 4096
#define TTY_LINE 4095
#define ENTRY_EOF   0x100	/* a VEOF delimiter: ends a read, never delivered */
#define ENTRY_DELIM 0x200	/* ends a canonical line */

static struct tty {
	struct spinlock lock;
	struct linux_termios termios;
	struct linux_winsize winsize;
	int session, pgrp;		/* 0: no controlling session / foreground group */
	uint16_t ring[TTY_RING];	/* ready input: a byte, maybe ENTRY_* flags */
	unsigned head, count;
	unsigned lines;			/* delimiters in ring */
	char line[TTY_LINE];		/* canonical: the line being edited */
	unsigned line_len;
	struct wait_queue wait;		/* readers */
} tty = { .lock = SPINLOCK_INIT("tty") };

static void (*tty_output)(const char *bytes, size_t len);

static void serial_out(const char *bytes, size_t len)
{
	serial_write(SERIAL_COM1, bytes, len);
}

/* Output with OPOST|ONLCR applied: each '\n' goes out as "\r\n". */
static void output(const char *bytes, size_t len)
{
	bool onlcr = (tty.termios.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR);
	size_t start = 0;

	for (size_t i = 0; onlcr && i < len; i++) {
		if (bytes[i] != '\n')
			continue;
		tty_output(bytes + start, i - start);
		tty_output("\r\n", 2);
		start = i + 1;
	}
	tty_output(bytes + start, len - start);
}

/* Echo c as typed: control characters as ^X when ECHOCTL. */
static void echo_char(uint8_t c)
{
	if (!(tty.termios.c_lflag & ECHO))
		return;
	if ((tty.termios.c_lflag & ECHOCTL) && (c < 32 || c == 127) && c != '\n' && c != '\t') {
		char caret[2] = { '^', c == 127 ? '?' : c + '@' };
		output(caret, 2);
		return;
	}
	output((const char *)&c, 1);
}

static void echo_erase(unsigned n)
{
	if ((tty.termios.c_lflag & (ECHO | ECHOE)) != (ECHO | ECHOE))
		return;
	while (n--)
		output("\b \b", 3);
}

static bool ring_put(uint16_t entry)
{
	if (tty.count == TTY_RING)
		return false;
	tty.ring[(tty.head + tty.count++) % TTY_RING] = entry;
	if (entry & ENTRY_DELIM)
		tty.lines++;
	return true;
}

static void flush_input(void)
{
	tty.head = tty.count = tty.lines = 0;
	tty.line_len = 0;
}

/* Move the edited line (and its delimiter, if any) to the ring, all or nothing. */
static void commit_line(uint16_t delimiter)
{
	unsigned need = tty.line_len + (delimiter ? 1 : 0);

	if (TTY_RING - tty.count >= need) {
		for (unsigned i = 0; i < tty.line_len; i++)
			ring_put((uint8_t)tty.line[i]);
		if (delimiter)
			ring_put(delimiter);
	}
	tty.line_len = 0;
}

/* Is c the control character at index? (0 disables one, as in Linux) */
static bool is_cc(uint8_t c, int index)
{
	return tty.termios.c_cc[index] && c == tty.termios.c_cc[index];
}

/* Canonical-mode editing of byte c; true when c was an editing character. */
static bool edit(uint8_t c)
{
	if (is_cc(c, VERASE) || c == '\b') {
		if (tty.line_len) {
			tty.line_len--;
			echo_erase(1);
		}
		return true;
	}
	if (is_cc(c, VKILL)) {
		if (tty.termios.c_lflag & ECHOK)
			echo_erase(tty.line_len);
		tty.line_len = 0;
		return true;
	}
	if (is_cc(c, VWERASE) && (tty.termios.c_lflag & IEXTEN)) {
		unsigned n = 0;
		while (tty.line_len && tty.line[tty.line_len - 1] == ' ')
			tty.line_len--, n++;
		while (tty.line_len && tty.line[tty.line_len - 1] != ' ')
			tty.line_len--, n++;
		echo_erase(n);
		return true;
	}
	if (is_cc(c, VEOF)) {
		commit_line(ENTRY_DELIM | ENTRY_EOF);
		return true;
	}
	return false;
}

/* The signal an ISIG character stands for, or 0. */
static int signal_char(uint8_t c)
{
	if (!(tty.termios.c_lflag & ISIG))
		return 0;
	if (is_cc(c, VINTR))
		return SIGINT;
	if (is_cc(c, VQUIT))
		return SIGQUIT;
	if (is_cc(c, VSUSP))
		return SIGTSTP;
	return 0;
}

/*
 * The line discipline for one received byte, with tty.lock held. Returns the signal
 * to send to the foreground group (the caller sends it after unlocking), or 0.
 */
static int receive(uint8_t c)
{
	uint32_t iflag = tty.termios.c_iflag;
	int sig;

	if (iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (iflag & IGNCR)
			return 0;
		if (iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (iflag & INLCR)) {
		c = '\r';
	}
	if ((sig = signal_char(c))) {
		if (!(tty.termios.c_lflag & NOFLSH))
			flush_input();
		echo_char(c);
		return sig;
	}
	if (!(tty.termios.c_lflag & ICANON)) {
		if (ring_put(c))
			echo_char(c);
		return 0;
	}
	if (edit(c))
		return 0;
	bool delimiter = c == '\n' || is_cc(c, VEOL) || is_cc(c, VEOL2);
	if (tty.line_len < TTY_LINE - 1 || (delimiter && tty.line_len < TTY_LINE))
		tty.line[tty.line_len++] = c;
	else
		return 0;	/* the line is full: drop it, as Linux does */
	if (c == '\n' && (tty.termios.c_lflag & ECHONL))
		output("\n", 1);
	else
		echo_char(c);
	if (delimiter) {
		tty.line_len--;
		commit_line(c | ENTRY_DELIM);
	}
	return 0;
}

/* Feed received bytes through the line discipline (interrupt context or tests). */
void tty_receive(const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		spin_lock(&tty.lock);
		int sig = receive((uint8_t)bytes[i]);
		int pgrp = tty.pgrp;
		spin_unlock(&tty.lock);
		if (sig && pgrp > 0)
			task_signal_group(pgrp, sig);
	}
	fs_wake(&tty.wait);
}

/* COM1 input interrupt: drain the UART. */
static void input_hook(void)
{
	int byte;

	while ((byte = serial_read_byte(SERIAL_COM1)) >= 0) {
		char c = (char)byte;
		tty_receive(&c, 1);
	}
}

/* ---- reading ---- */

static bool canonical(void)
{
	return tty.termios.c_lflag & ICANON;
}

/* Is a read able to return now? In canonical mode a whole line must be there. */
static bool input_ready(size_t want)
{
	if (canonical())
		return tty.lines > 0;
	return tty.count >= want || tty.count == TTY_RING;
}

/*
 * Take up to n bytes of ready input into out (lock held). Canonical: stop after a
 * delimiter; an EOF delimiter is consumed and sets *eof. Returns the byte count.
 */
static size_t take_input(char *out, size_t n, bool *stop)
{
	size_t done = 0;

	while (done < n && tty.count) {
		uint16_t entry = tty.ring[tty.head];

		tty.head = (tty.head + 1) % TTY_RING;
		tty.count--;
		if (entry & ENTRY_DELIM)
			tty.lines--;
		if (!(entry & ENTRY_EOF))
			out[done++] = (char)entry;
		if ((entry & ENTRY_DELIM) && canonical()) {
			*stop = true;
			break;
		}
	}
	return done;
}

/* A background process reading its controlling terminal: SIGTTIN, or -EIO when it
 * would not stop for it. 0 when the read may go on. */
static int check_background_read(void)
{
	struct job_ids me;

	if (!fs_current() || !tty.session)
		return 0;
	me = fs_current_ids();
	if (me.sid != tty.session || !tty.pgrp || me.pgid == tty.pgrp)
		return 0;
	if (task_signal_refused(SIGTTIN))
		return -EIO;
	task_signal_group(me.pgid, SIGTTIN);
	return -ERESTARTSYS;
}

/* How many bytes a non-canonical read waits for, and until when (0: no limit). */
static size_t noncanon_wait(size_t n, uint64_t *deadline)
{
	uint8_t vmin = tty.termios.c_cc[VMIN], vtime = tty.termios.c_cc[VTIME];

	*deadline = vtime ? clock_monotonic_ns() + vtime * 100000000ull : 0;
	if (vmin == 0)
		return vtime ? 1 : 0;
	return vmin < n ? vmin : n;
}

/* Sleep until input_ready(want), a signal (-ERESTARTSYS) or the deadline (0). */
static int wait_input(size_t want, uint64_t deadline)
{
	uint64_t flags = fs_irq_save();
	int error = 0;

	for (;;) {
		spin_lock(&tty.lock);
		bool ready = input_ready(want);
		spin_unlock(&tty.lock);
		if (ready)
			break;
		error = fs_sleep_irqs_off(&tty.wait, deadline);
		if (error == -ETIMEDOUT) {
			error = 0;
			break;
		}
		if (error) {
			error = -ERESTARTSYS;
			break;
		}
	}
	fs_irq_restore(flags);
	return error;
}

static long tty_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	char chunk[256];
	size_t done = 0, want = 1;
	uint64_t deadline = 0;
	bool stop = false;
	int error = check_background_read();

	(void)pos;
	if (error || n == 0)
		return error;
	if (!canonical())
		want = noncanon_wait(n, &deadline);
	spin_lock(&tty.lock);
	bool ready = input_ready(want ? want : 1);
	spin_unlock(&tty.lock);
	if (!ready && (file->flags & O_NONBLOCK))
		return -EAGAIN;
	if (!ready && want) {
		error = wait_input(want, deadline);
		if (error)
			return error;
	}
	while (done < n && !stop) {
		size_t step = n - done < sizeof(chunk) ? n - done : sizeof(chunk);

		spin_lock(&tty.lock);
		size_t got = take_input(chunk, step, &stop);
		bool empty = tty.count == 0;
		spin_unlock(&tty.lock);
		if (got && iobuf_out(buf, done, chunk, got))
			return done ? (long)done : -EFAULT;
		done += got;
		if (empty || got < step)
			break;
	}
	return done;
}

/* ---- writing, polling, ioctls ---- */

static long tty_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	char chunk[256];
	size_t done = 0;

	(void)file, (void)pos;
	while (done < n) {
		size_t step = n - done < sizeof(chunk) ? n - done : sizeof(chunk);

		if (iobuf_in(buf, done, chunk, step))
			return done ? (long)done : -EFAULT;
		output(chunk, step);
		done += step;
	}
	return done;
}

static unsigned tty_poll(struct file *file)
{
	unsigned events = POLLOUT | POLLWRNORM;

	(void)file;
	spin_lock(&tty.lock);
	if (input_ready(1))
		events |= POLLIN | POLLRDNORM;
	spin_unlock(&tty.lock);
	return events;
}

static struct wait_queue *tty_poll_queue(struct file *file)
{
	(void)file;
	return &tty.wait;
}

static long set_termios(unsigned cmd, uint64_t arg)
{
	struct linux_termios termios;

	if (copy_from_user(&termios, (void *)arg, sizeof(termios)))
		return -EFAULT;
	spin_lock(&tty.lock);
	if (cmd == TCSETSF)
		flush_input();
	/* Leaving canonical mode makes the half-typed line readable, as in Linux. */
	if ((tty.termios.c_lflag & ICANON) && !(termios.c_lflag & ICANON))
		commit_line(0);
	tty.termios = termios;
	spin_unlock(&tty.lock);
	fs_wake(&tty.wait);
	return 0;
}

/* Is the tty the controlling terminal of the current process? */
static bool is_controlling(void)
{
	return fs_current() && tty.session && fs_current_ids().sid == tty.session;
}

static long set_controlling(uint64_t arg)
{
	struct task *task = fs_current();
	struct job_ids me;

	if (!task)
		return -EPERM;
	me = fs_current_ids();
	if (me.pid != me.sid)
		return -EPERM;		/* only a session leader */
	if (tty.session == me.sid)
		return 0;
	if (tty.session && !(arg == 1 && task->cred.euid == 0))
		return -EPERM;		/* another session's; root may steal it */
	tty.session = me.sid;
	tty.pgrp = me.pgid;
	return 0;
}

static long job_ioctl(unsigned cmd, uint64_t arg)
{
	int pgrp;

	switch (cmd) {
	case TIOCSCTTY:
		return set_controlling(arg);
	case TIOCNOTTY:
		if (!is_controlling())
			return -ENOTTY;
		if (fs_current_ids().pid == fs_current_ids().sid)
			tty.session = tty.pgrp = 0;
		return 0;
	case TIOCGPGRP:
		if (!is_controlling())
			return -ENOTTY;
		return put_user(tty.pgrp, (int *)arg);
	case TIOCGSID:
		if (!is_controlling())
			return -ENOTTY;
		return put_user(tty.session, (int *)arg);
	case TIOCSPGRP:
		/* Linux's order (tiocspgrp): the argument, then the terminal, then the
		 * group: it must exist (ESRCH) and be in the caller's session (EPERM). */
		if (get_user(pgrp, (int *)arg))
			return -EFAULT;
		if (pgrp < 0)
			return -EINVAL;
		if (!is_controlling())
			return -ENOTTY;
		if (!fs_jobctl.id_in_use(pgrp))
			return -ESRCH;
		if (!fs_jobctl.group_in_session(pgrp, fs_current_ids().sid))
			return -EPERM;
		tty.pgrp = pgrp;
		return 0;
	}
	return -ENOTTY;
}

static long tty_ioctl(struct file *file, unsigned cmd, uint64_t arg)
{
	(void)file;
	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &tty.termios, sizeof(tty.termios));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(cmd, arg);
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &tty.winsize, sizeof(tty.winsize));
	case TIOCSWINSZ: {
		struct linux_winsize size;
		if (copy_from_user(&size, (void *)arg, sizeof(size)))
			return -EFAULT;
		bool changed = memcmp(&size, &tty.winsize, sizeof(size)) != 0;
		tty.winsize = size;
		if (changed && tty.pgrp > 0)
			task_signal_group(tty.pgrp, SIGWINCH);
		return 0;
	}
	case FIONREAD: {
		spin_lock(&tty.lock);
		int ready = 0;
		for (unsigned i = 0; i < tty.count; i++)
			ready += !(tty.ring[(tty.head + i) % TTY_RING] & ENTRY_EOF);
		spin_unlock(&tty.lock);
		return put_user(ready, (int *)arg);
	}
	case TCFLSH:
		if (arg > 2)
			return -EINVAL;
		if (arg != 1) {
			spin_lock(&tty.lock);
			flush_input();
			spin_unlock(&tty.lock);
		}
		return 0;
	case TIOCOUTQ:
		return put_user(0, (int *)arg);
	case TCSBRK:
	case TCSBRKP:
	case TCXONC:
		return 0;	/* output is synchronous: always drained */
	}
	return job_ioctl(cmd, arg);
}

/* /dev/tty is the opener's controlling terminal: ENXIO without one. */
static int tty_open(struct inode *inode, struct file *file)
{
	(void)file;
	if (inode->rdev == dev_encode(5, 0) && !is_controlling())
		return -ENXIO;
	return 0;
}

static const struct file_ops tty_file_ops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	.poll_queue = tty_poll_queue,
	.open = tty_open,
	.is_tty = true,
};

static const struct linux_termios default_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = 0000277 | 0002000,	/* B38400 | CS8 | CREAD | HUPCL, Linux's default */
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 },
};

/* Reset the tty to boot state; output goes to write (NULL: COM1). */
void tty_reset(void (*write)(const char *bytes, size_t len))
{
	spin_lock(&tty.lock);
	tty.termios = default_termios;
	tty.winsize = (struct linux_winsize){ 24, 80, 0, 0 };
	tty.session = tty.pgrp = 0;
	flush_input();
	spin_unlock(&tty.lock);
	tty_output = write ? write : serial_out;
}

void tty_init(void)
{
	wait_queue_init(&tty.wait);
	tty_reset(NULL);
	chrdev_register(5, 0, &tty_file_ops);
	chrdev_register(5, 1, &tty_file_ops);
	serial_set_input_hook(SERIAL_COM1, input_hook);
}
