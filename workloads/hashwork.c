/* NAME    hashwork.c
 * PURPOSE The calibrated hash chain (see hashwork.h). */
#include "hashwork.h"

#include "clock.h"

/* A dependent chain (splitmix64's finaliser): every round needs the previous one, so it cannot
 * be vectorised or skipped, and its result proves all rounds ran. */
static uint64_t hash_chain(uint64_t rounds)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (uint64_t r = 0; r < rounds; r++) {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9ull;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBull;
        x ^= x >> 31;
    }
    return x;
}

/* Rounds per microsecond: the best of a few 5 ms trials (the least disturbed one). */
static double calibrate(void)
{
    double best = 0;
    uint64_t rounds = 1 << 16;
    for (int trial = 0; trial < 8; trial++) {
        int64_t t0 = now_ns();
        volatile uint64_t sink = hash_chain(rounds);
        (void)sink;
        int64_t dt = now_ns() - t0;
        if (dt < 2000000 && trial < 7) {
            rounds *= 2; /* too short to time well */
            continue;
        }
        double rate = (double)rounds / ((double)dt / 1e3);
        if (rate > best) best = rate;
    }
    return best > 0 ? best : 1;
}

void hashwork_init(struct hashwork *h, long work_us)
{
    h->work_us = work_us;
    h->rounds_per_us = calibrate();
    h->rounds = (uint64_t)((double)work_us * h->rounds_per_us);
    h->expect = hash_chain(h->rounds);
}

int hashwork_run(const struct hashwork *h)
{
    return hash_chain(h->rounds) == h->expect ? 0 : -1;
}
