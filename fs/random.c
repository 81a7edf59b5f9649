/*
 * fs/random.c - the kernel's random numbers: a ChaCha20 keystream generator.
 *
 * The 256-bit key is seeded on first use from fs_entropy (RDRAND when the CPU has
 * it, plus the time stamp counter). Every request ends by replacing the key with
 * fresh keystream ("fast key erasure"), so the bytes already handed out cannot be
 * recomputed from a later state; the nonce takes a TSC reading per request, so a
 * little timing jitter keeps stirring in. /dev/random and /dev/urandom, getrandom(2)
 * and AT_RANDOM all read here.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/fs.h"
#include "kernel/syscall.h"

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint32_t key[8];		/* guarded by random_lock */
static uint64_t counter;	/* guarded by random_lock */
static bool seeded;		/* guarded by random_lock */

static inline uint32_t rotl(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

#define QUARTER(a, b, c, d) do { \
	a += b; d ^= a; d = rotl(d, 16); \
	c += d; b ^= c; b = rotl(b, 12); \
	a += b; d ^= a; d = rotl(d, 8); \
	c += d; b ^= c; b = rotl(b, 7); } while (0)

/* One 64-byte ChaCha20 block of (key, counter, nonce). */
static void chacha20_block(const uint32_t k[8], uint64_t count, uint64_t nonce, uint32_t out[16])
{
	uint32_t in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,	/* "expand 32-byte k" */
		k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
		(uint32_t)count, (uint32_t)(count >> 32), (uint32_t)nonce, (uint32_t)(nonce >> 32),
	};
	uint32_t x[16];

	memcpy(x, in, sizeof(x));
	for (int round = 0; round < 10; round++) {
		QUARTER(x[0], x[4], x[8], x[12]);
		QUARTER(x[1], x[5], x[9], x[13]);
		QUARTER(x[2], x[6], x[10], x[14]);
		QUARTER(x[3], x[7], x[11], x[15]);
		QUARTER(x[0], x[5], x[10], x[15]);
		QUARTER(x[1], x[6], x[11], x[12]);
		QUARTER(x[2], x[7], x[8], x[13]);
		QUARTER(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

static void seed(void)
{
	for (int i = 0; i < 8; i += 2) {
		uint64_t value = fs_entropy();
		key[i] ^= (uint32_t)value;
		key[i + 1] ^= (uint32_t)(value >> 32);
	}
	seeded = true;
}

/* Fill buf with n random bytes. Never sleeps, never fails. */
void random_bytes(void *buf, size_t n)
{
	uint8_t *out = buf;
	uint32_t block[16];
	uint64_t nonce = fs_entropy();

	spin_lock(&random_lock);
	if (!seeded)
		seed();
	while (n > 0) {
		size_t chunk = n < sizeof(block) ? n : sizeof(block);

		chacha20_block(key, counter++, nonce, block);
		memcpy(out, block, chunk);
		out += chunk;
		n -= chunk;
	}
	chacha20_block(key, counter++, nonce, block);
	memcpy(key, block, sizeof(key));	/* fast key erasure */
	memset(block, 0, sizeof(block));
	spin_unlock(&random_lock);
}

/* The ChaCha20 block function alone, for the known-answer test. */
void chacha20_block_for_test(const uint32_t k[8], uint64_t count, uint64_t nonce,
			     uint32_t out[16])
{
	chacha20_block(k, count, nonce, out);
}

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4
#define MAX_RW_COUNT 0x7ffff000ul

/*
 * Linux's getrandom: the flags (INSECURE and RANDOM exclude each other), at most
 * MAX_RW_COUNT bytes, which must all lie in user space (EFAULT); then the bytes go
 * out until the first that cannot be written: their count, or EFAULT if none. The
 * copy goes page by page of the destination, so the count is exact. Like Linux, a
 * signal ends a long request at a page boundary.
 */
SYSCALL_DEFINE3(getrandom, uint8_t *, buffer, size_t, length, unsigned, flags)
{
	uint8_t chunk[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (length > MAX_RW_COUNT)
		length = MAX_RW_COUNT;
	if (!user_range_ok((uint64_t)buffer, length))
		return -EFAULT;
	if (length == 0)
		return 0;
	while (done < length) {
		size_t room = PAGE_SIZE - (((uint64_t)buffer + done) & (PAGE_SIZE - 1));
		size_t n = length - done;
		if (n > room)
			n = room;
		if (n > sizeof(chunk))
			n = sizeof(chunk);
		random_bytes(chunk, n);
		if (copy_to_user(buffer + done, chunk, n))
			break;
		done += n;
		if (((uint64_t)buffer + done) % PAGE_SIZE == 0 && task_signal_pending())
			break;
	}
	return done ? (long)done : -EFAULT;
}
