/* NAME    link.c
 * PURPOSE What every layer of the server may do to a connection, whatever its state: arm its
 *         one timer, close it (counting why), give it a small JSON body. The state machine
 *         (conn.c) is above the responder, the writer and the faults; they reach it only
 *         through the server's conn_events, so no file calls back into one that calls it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"

static void on_handle_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    if (--c->open_handles > 0) return;
    if (c->prev)
        c->prev->next = c->next;
    else
        c->srv->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    if (c->refused) c->srv->refusing--;
    free(c->in);
    free(c->owned);
    free(c);
}

void conn_close(struct conn *c, int reset)
{
    if (c->state == ST_CLOSED) return;
    if (c->active) {
        stats_request_end(&c->srv->stats);
        c->active = 0;
    }
    if (!c->refused) stats_conn_close(&c->srv->stats);
    c->state = ST_CLOSED;
    waker_remove(&c->srv->waker, &c->wake); /* a delay in its last stretch must not fire later */
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
    if (!reset || uv_tcp_close_reset(&c->tcp, on_handle_closed) != 0)
        uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
}

void conn_fail(struct conn *c, enum ms_error e)
{
    if (e < ERR_COUNT) c->srv->stats.errors[e]++;
    conn_close(c, 0);
}

void conn_arm(struct conn *c, uint64_t ms)
{
    uv_timer_start(&c->timer, c->srv->events->timer, ms, 0);
}

void conn_small_body(struct conn *c, const char *key, uint64_t v)
{
    int n = snprintf(c->small, sizeof(c->small), "{\"%s\":%" PRIu64 "}", key, v);
    c->body = c->small;
    c->body_len = (uint64_t)n;
}
