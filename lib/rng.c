/*
 * rng.c - seeding, jumping and floating-point draws for the xoshiro256**
 * generator in rng.h.
 */
#include "rng.h"

void
rng_seed(struct rng *r, uint64_t seed)
{
	/* splitmix64 never yields four zero words in a row from one seed. */
	for (int i = 0; i < 4; i++)
		r->s[i] = rng_splitmix64(&seed);
}

void
rng_jump(struct rng *r)
{
	/* The jump polynomial of xoshiro256, for 2^128 steps. */
	static const uint64_t jump[4] = {
		0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
		0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL,
	};
	uint64_t t[4] = { 0, 0, 0, 0 };

	for (int i = 0; i < 4; i++)
		for (int b = 0; b < 64; b++) {
			if (jump[i] & (1ULL << b))
				for (int k = 0; k < 4; k++)
					t[k] ^= r->s[k];
			(void)rng_next(r);
		}
	for (int k = 0; k < 4; k++)
		r->s[k] = t[k];
}

double
rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}
