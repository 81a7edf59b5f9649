/*
 * rng.h - the fuzzer's random numbers: xorshift64*, seeded through splitmix64.
 *
 * Every process has its own generator, derived from the run's seed and its place
 * in the process tree (worker number, child number), so a seed replays the same
 * calls in each process whatever the scheduler does between them.
 */
#ifndef FUZZ_RNG_H
#define FUZZ_RNG_H

#include <stdint.h>

/* splitmix64: spreads related seeds (seed, seed + 1, ...) far apart. */
static inline uint64_t rng_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n) (n > 0; the bias of % is irrelevant here). */
static inline uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return rng_next(state) % n;
}

/* True with probability 1 in n. */
static inline int rng_one_in(uint64_t *state, uint64_t n)
{
	return rng_below(state, n) == 0;
}

#endif
