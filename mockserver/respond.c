/* NAME    respond.c
 * PURPOSE What each request is answered with, and when: the route bodies, the /delay wait (a
 *         coarse loop timer, then the precise waker), and the head built before the response
 *         goes to the writer. */
#include "conn.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char root_body[] = "Hello, world\n";

void respond_small(struct conn *c, const char *key, uint64_t v)
{
    int n = snprintf(c->small, sizeof(c->small), "{\"%s\":%" PRIu64 "}", key, v);
    c->body = c->small;
    c->body_len = (uint64_t)n;
}

void respond_send(struct conn *c)
{
    struct server *s = c->srv;
    struct response_head_args a = {.status = c->rt.status, .content_type = "application/json"};
    c->body = NULL;
    c->body_len = 0;
    switch (c->rt.kind) {
    case ROUTE_ROOT:
        c->body = root_body;
        c->body_len = sizeof(root_body) - 1;
        a.content_type = "text/plain";
        break;
    case ROUTE_DELAY:
        respond_small(c, "delay_ms", c->rt.arg);
        break;
    case ROUTE_BYTES:
        c->body_len = c->rt.arg; /* body stays NULL: the seeded pattern */
        a.content_type = "application/octet-stream";
        break;
    case ROUTE_STATS:
        c->owned = malloc(STATS_JSON_MAX);
        if (c->owned == NULL) {
            conn_close(c, 0);
            return;
        }
        c->body = c->owned;
        c->body_len = stats_json(&s->stats, c->owned, STATS_JSON_MAX);
        break;
    case ROUTE_STATS_RESET:
        if (!c->rt.head) stats_reset(&s->stats); /* HEAD is safe: no side effect */
        respond_small(c, "reset", 1);
        break;
    case ROUTE_STATUS:
    case ROUTE_ERROR:
        if (c->rt.status == 204 || c->rt.status == 304)
            a.content_type = NULL; /* these never carry a body or a length */
        else
            respond_small(c, "status", (uint64_t)c->rt.status);
        break;
    }
    if (c->fault == FAULT_ERROR) fault_error(c, &a);
    a.content_length = c->body_len;
    a.close = c->rt.close || s->stopping;
    a.keep_alive_10 = c->http10;
    a.allow_post = c->rt.allow_post;
    c->head_len = (uint16_t)response_head(c->head, &a);
    if (c->rt.head)
        c->body_len = 0; /* after the head: HEAD announces the length it does not send */
    if (c->fault == FAULT_RESET) {
        fault_reset(c);
        return;
    }
    if (c->body && c->body_len <= MERGE_MAX) {
        memcpy(c->head + c->head_len, c->body, (size_t)c->body_len);
        c->head_len += (uint16_t)c->body_len;
        c->body_len = 0;
    }
    if (c->active) {
        stats_status(&s->stats, a.status);
        if (c->rt.kind == ROUTE_ERROR) s->stats.errors[stats_error_of_status(a.status)]++;
    }
    c->sent = 0;
    writer_start(c);
}

void respond_on_wake(struct waker_entry *e)
{
    struct conn *c = (struct conn *)((char *)e - offsetof(struct conn, wake));
    if (c->state != ST_DELAY) return;
    respond_send(c);
    conn_process_buffered(c);
}

void respond_start(struct conn *c)
{
    if (c->fault == FAULT_STALL) {
        fault_stall(c);
        return;
    }
    if (c->rt.kind == ROUTE_DELAY && c->rt.arg > 0 && c->fault != FAULT_RESET) {
        c->state = ST_DELAY;
        /* Due exactly rt.arg ms from now. A libuv timer (whole, possibly stale milliseconds,
         * up to one early or late) brings us within reach; the waker's timerfd does the rest,
         * so answers come neither early nor a millisecond late. */
        c->wake.due_ns = uv_hrtime() + c->rt.arg * 1000000;
        if (c->rt.arg > 2) {
            uv_update_time(c->srv->loop);
            conn_arm(c, c->rt.arg - 2);
        } else {
            waker_add(&c->srv->waker, &c->wake);
        }
        return;
    }
    respond_send(c);
}
