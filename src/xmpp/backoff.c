/* The reconnect policy: doubling waits with jitter, reset by health. */
#include "backoff.h"

#include <openssl/rand.h>
#include <stdlib.h>

double backoff_random(void)
{
    unsigned r = 0;

    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        r = (unsigned)rand();
    return (double)(r >> 8) / (double)(1u << 24);
}

void backoff_init(struct backoff *b)
{
    b->attempt = 0;
    b->online_since = -1;
}

void backoff_online(struct backoff *b, double now_ms)
{
    b->online_since = now_ms;
}

unsigned backoff_nominal_ms(unsigned n)
{
    unsigned ms = BACKOFF_FIRST_MS;

    while (n > 1 && ms < BACKOFF_MAX_MS) {
        ms *= 2;
        n--;
    }
    return ms > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms;
}

unsigned backoff_lost(struct backoff *b, double now_ms, double r)
{
    unsigned nominal;

    if (b->online_since >= 0 && now_ms - b->online_since >= BACKOFF_HEALTHY_MS)
        b->attempt = 0;
    b->online_since = -1;
    if (b->attempt < 1000)
        b->attempt++;
    nominal = backoff_nominal_ms(b->attempt);
    if (!(r >= 0 && r < 1)) /* NaN or out of range: no jitter */
        r = 0.999999;
    return (unsigned)(nominal / 2 + (double)(nominal - nominal / 2) * r);
}
