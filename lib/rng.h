/*
 * rng.h - a small seeded pseudo-random generator for every firth tool that
 * shuffles, samples or initialises: xoshiro256** (Blackman and Vigna,
 * 2018), its 256-bit state filled from the seed by splitmix64.
 *
 * Same seed, same sequence, on every platform: the state is four uint64_t
 * and nothing depends on the C library's rand().  rng_next and rng_below
 * are inline because they sit in hot loops (a Fisher-Yates step, a
 * negative sample).  For threads, seed one generator and call rng_jump
 * once per thread: each jump moves 2^128 steps ahead, so the threads'
 * sequences never overlap.
 *
 *	struct rng r;
 *	rng_seed(&r, 42);
 *	uint64_t i = rng_below(&r, n);		// uniform in 0..n-1
 *	double u = rng_uniform(&r);		// uniform in [0, 1)
 */
#ifndef FIRTH_RNG_H
#define FIRTH_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];		/* xoshiro256 state, never all zero */
};

/* Fill the state from seed (any value, 0 included) through splitmix64. */
void rng_seed(struct rng *r, uint64_t seed);
/* Advance 2^128 steps: a fresh, non-overlapping sequence for a thread. */
void rng_jump(struct rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double rng_uniform(struct rng *r);

/*
 * splitmix64 (Steele, Lea and Flood 2014), the seeder above, is a small
 * generator of its own whose whole state is one integer: firth-glove's
 * initial draws and firth-sgns's per-thread streams use it, because a
 * checkpoint stores that one integer.  rng_mix64 is its output function,
 * a good 64-bit mixer for deriving seeds and stream starts.
 */
static inline uint64_t
rng_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* One splitmix64 step: advance *state, return 64 random bits. */
static inline uint64_t
rng_splitmix64(uint64_t *state)
{
	return rng_mix64(*state += 0x9e3779b97f4a7c15ULL);
}

static inline uint64_t
rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The next 64 random bits (xoshiro256**). */
static inline uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return out;
}

/*
 * Uniform integer in 0..n-1, n >= 1, without modulo bias (Lemire 2019:
 * the high half of a 64x64-bit product, redrawing the few low products
 * that would favour some results).  Costs one draw almost always.
 */
static inline uint64_t
rng_below(struct rng *r, uint64_t n)
{
	unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
	uint64_t lo = (uint64_t)m, floor;

	if (lo < n) {
		floor = -n % n;		/* 2^64 mod n */
		while (lo < floor) {
			m = (unsigned __int128)rng_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

#endif
