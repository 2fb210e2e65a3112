/* NAME    server.c
 * PURPOSE Listener, connections and their state machine on one libuv loop.
 *
 * A connection is in exactly one state, and its single timer means what the state says:
 *   HEAD   reading a request head     timer: whole-head deadline (not reset by bytes: slowloris)
 *   BODY   skipping a request body    timer: the same deadline, still running
 *   DELAY  waiting to answer          timer: the injected delay
 *   STALL  never answering            timer: the idle timeout, then close
 *   WRITE  response queued in libuv   timer: send timeout, re-armed on progress
 *   LINGER FIN sent, draining input   timer: MS_LINGER_MS, then close
 * One request is served at a time per connection; pipelined requests wait in the input buffer,
 * which is how they are answered in order. Input is parsed in place in one shared read buffer and
 * copied to the connection only when a request is incomplete or must wait. */
#include "server.h"

#include "parser.h"
#include "response.h"
#include "routes.h"
#include "stats.h"
#include "waker.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <uv.h>

#define RBUF_SIZE    65536   /* bytes: shared read buffer */
#define IN_CAP       65536   /* bytes: per-connection input buffer, > HTTP_MAX_HEAD */
#define PATTERN_SIZE 65536   /* bytes: period of the /bytes content */
#define WRITE_CHUNK  1048576 /* bytes of body per write, so a huge body never needs a copy */
#define REFUSE_MAX   1024    /* refused connections allowed to linger at once */
#define LINGER_MAX   1048576 /* bytes a lingering client may still send before a hard close */
#define MERGE_MAX    128     /* bytes: bodies this small are copied behind the head, one write() */

static const char root_body[] = "Hello, world\n";

enum conn_state { ST_HEAD, ST_BODY, ST_DELAY, ST_STALL, ST_WRITE, ST_LINGER, ST_CLOSED };
enum fault { FAULT_NONE, FAULT_ERROR, FAULT_RESET, FAULT_STALL };

struct server {
    uv_loop_t *loop;
    uv_tcp_t listener;
    uv_signal_t sigint, sigterm;
    struct waker waker; /* precise /delay wake-ups */
    const struct ms_config *cfg;
    struct ms_stats stats;
    struct conn *conns; /* every connection not yet freed, for shutdown */
    uint32_t refusing;  /* refused connections still lingering */
    uint64_t rng;       /* xorshift64 state for fault draws */
    int stopping;
    char rbuf[RBUF_SIZE];
    unsigned char pattern[PATTERN_SIZE];
};

struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;        /* one deadline at a time, see the state table above */
    struct waker_entry wake; /* ST_DELAY: the answer goes out at wake.due_ns (uv_hrtime) */
    uv_write_t wreq;
    uv_shutdown_t sreq;
    struct server *srv;
    struct conn *prev, *next;
    char *in;          /* input not yet consumed; NULL when empty */
    uint32_t in_len;   /* in bytes */
    uint64_t discard;  /* request body still to skip, in bytes */
    uint64_t lingered; /* bytes received while lingering */
    enum conn_state state;
    enum fault fault;
    uint8_t open_handles; /* handles whose close callback is still due */
    uint8_t eof;          /* the client half-closed */
    uint8_t reading;      /* uv_read_start is in effect */
    uint8_t refused;      /* over --max-conns: answered 503, not counted as a connection */
    uint8_t active;       /* a counted request is in flight */
    uint8_t http10;       /* the current request is HTTP/1.0 */
    struct route rt;      /* what the current request asked for */
    /* The response: the head, then body_len bytes from body (or the pattern when body is NULL). */
    const char *body;
    char *owned;       /* heap body (the /stats document), freed with the response */
    uint64_t body_len; /* bytes of body to send; 0 for HEAD */
    uint64_t sent;     /* bytes of head and body written so far */
    uint64_t queued;   /* bytes handed to uv_write and not yet confirmed */
    uint16_t head_len; /* in bytes */
    char head[RESPONSE_HEAD_MAX + MERGE_MAX]; /* the head, and a small body copied after it */
    char small[64];                           /* small JSON bodies */
};

static void conn_process_buffered(struct conn *c);
static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf);
static void arm(struct conn *c, uint64_t ms);
static void conn_send(struct conn *c);

/* splitmix64: seeds both the pattern and the fault generator from --seed. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A uniform draw in [0, 1) from xorshift64. */
static double draw(struct server *s)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return (double)(s->rng >> 11) * (1.0 / 9007199254740992.0);
}

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

/* Closes now (the descriptor goes at once; memory after the close callbacks). reset sends RST. */
static void conn_close(struct conn *c, int reset)
{
    if (c->state == ST_CLOSED) return;
    if (c->active) {
        stats_request_end(&c->srv->stats);
        c->active = 0;
    }
    if (!c->refused) stats_conn_close(&c->srv->stats);
    c->state = ST_CLOSED;
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
    if (!reset || uv_tcp_close_reset(&c->tcp, on_handle_closed) != 0)
        uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
}

/* Closes and counts the reason; ERR_COUNT closes without counting (an ordinary goodbye). */
static void conn_fail(struct conn *c, enum ms_error e)
{
    if (e < ERR_COUNT) c->srv->stats.errors[e]++;
    conn_close(c, 0);
}

static void on_timer(uv_timer_t *t)
{
    struct conn *c = t->data;
    switch (c->state) {
    case ST_HEAD:
        conn_fail(c, c->in_len ? ERR_HEADER_TIMEOUT : ERR_IDLE_TIMEOUT);
        break;
    case ST_BODY:
        conn_fail(c, ERR_HEADER_TIMEOUT);
        break;
    case ST_DELAY:
        /* Millisecond timers only come near: the precise waker sends at the due time. */
        if (uv_hrtime() < c->wake.due_ns) {
            waker_add(&c->srv->waker, &c->wake);
            break;
        }
        conn_send(c);
        conn_process_buffered(c);
        break;
    case ST_WRITE:
        conn_fail(c, ERR_SEND_TIMEOUT);
        break;
    case ST_STALL:
    case ST_LINGER:
        conn_close(c, 0);
        break;
    case ST_CLOSED:
        break;
    }
}

static void arm(struct conn *c, uint64_t ms)
{
    uv_timer_start(&c->timer, on_timer, ms, 0);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct conn *c = h->data;
    struct server *s = c->srv;
    /* Fast path: nothing buffered, so the bytes can be parsed where they land. */
    if ((c->in_len == 0 && c->state == ST_HEAD) || c->state == ST_LINGER) {
        *buf = uv_buf_init(s->rbuf, RBUF_SIZE);
        return;
    }
    if (c->in == NULL && (c->in = malloc(IN_CAP)) == NULL) {
        *buf = uv_buf_init(NULL, 0); /* libuv reports UV_ENOBUFS to on_read */
        return;
    }
    *buf = uv_buf_init(c->in + c->in_len, IN_CAP - c->in_len);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)req;
    (void)status; /* lingering continues until EOF or the timer either way */
}

/* The last response is out: send FIN and read until the client's FIN, so that its unread
 * request bytes never turn our close into an RST that could destroy the response in flight. */
static void conn_linger(struct conn *c)
{
    free(c->in);
    c->in = NULL;
    c->in_len = 0;
    if (c->eof) {
        conn_close(c, 0);
        return;
    }
    c->state = ST_LINGER;
    arm(c, MS_LINGER_MS);
    c->sreq.data = c;
    if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        conn_close(c, 0);
        return;
    }
    if (!c->reading) c->reading = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0;
}

static void conn_response_done(struct conn *c)
{
    free(c->owned);
    c->owned = NULL;
    if (c->active) {
        stats_request_end(&c->srv->stats);
        c->active = 0;
    }
    c->fault = FAULT_NONE;
    if (c->rt.close || c->srv->stopping) {
        conn_linger(c);
        return;
    }
    c->state = ST_HEAD;
    arm(c, c->srv->cfg->idle_timeout_ms);
}

/* Fills bufs from offset c->sent, at most WRITE_CHUNK body bytes; returns the count of buffers. */
static unsigned fill_bufs(struct conn *c, uv_buf_t *bufs, uint64_t *bytes)
{
    unsigned n = 0;
    uint64_t off = c->sent, total = 0;
    if (off < c->head_len) {
        bufs[n++] = uv_buf_init(c->head + off, (unsigned)(c->head_len - off));
        total += c->head_len - off;
        off = c->head_len;
    }
    uint64_t boff = off - c->head_len, left = c->body_len - boff;
    if (left > WRITE_CHUNK) left = WRITE_CHUNK;
    if (c->body) {
        if (left) bufs[n++] = uv_buf_init((char *)c->body + boff, (unsigned)left);
        total += left;
    } else {
        while (left) {
            size_t p = boff % PATTERN_SIZE, l = PATTERN_SIZE - p;
            if (l > left) l = left;
            bufs[n++] = uv_buf_init((char *)c->srv->pattern + p, (unsigned)l);
            boff += l, left -= l, total += l;
        }
    }
    *bytes = total;
    return n;
}

static void on_write(uv_write_t *req, int status);

/* Writes what is left of the response: uv_try_write first (no request, no callback), uv_write only
 * for the part the socket could not take. */
static void conn_write(struct conn *c)
{
    uv_buf_t bufs[WRITE_CHUNK / PATTERN_SIZE + 3];
    uint64_t total = (uint64_t)c->head_len + c->body_len;
    while (c->sent < total) {
        uint64_t bytes;
        unsigned n = fill_bufs(c, bufs, &bytes);
        int r = uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
        if (r == UV_EAGAIN || r == UV_ENOSYS) r = 0;
        if (r < 0) {
            conn_fail(c, ERR_CLIENT_RESET);
            return;
        }
        c->sent += (uint64_t)r;
        if ((uint64_t)r < bytes) {
            n = fill_bufs(c, bufs, &c->queued);
            c->wreq.data = c;
            if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, bufs, n, on_write) != 0) {
                conn_fail(c, ERR_CLIENT_RESET);
                return;
            }
            c->state = ST_WRITE;
            arm(c, c->srv->cfg->idle_timeout_ms);
            return;
        }
    }
    conn_response_done(c);
}

static void on_write(uv_write_t *req, int status)
{
    struct conn *c = req->data;
    if (c->state == ST_CLOSED) return;
    if (status < 0) {
        conn_fail(c, ERR_CLIENT_RESET);
        return;
    }
    c->sent += c->queued;
    c->queued = 0;
    conn_write(c);
    conn_process_buffered(c);
}

/* --reset-rate: the head and half the body (half the head when there is no body), then RST. */
static void conn_inject_reset(struct conn *c)
{
    uv_buf_t bufs[2];
    unsigned n = 0;
    size_t body = c->body_len < 4096 ? (size_t)c->body_len / 2 : 2048;
    if (body == 0) {
        bufs[n++] = uv_buf_init(c->head, c->head_len / 2u);
    } else {
        bufs[n++] = uv_buf_init(c->head, c->head_len);
        bufs[n++] = uv_buf_init(c->body ? (char *)c->body : (char *)c->srv->pattern, body);
    }
    uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
    c->srv->stats.errors[ERR_INJECTED_RESET]++;
    conn_close(c, 1);
}

static void set_small(struct conn *c, const char *key, uint64_t v)
{
    int n = snprintf(c->small, sizeof(c->small), "{\"%s\":%" PRIu64 "}", key, v);
    c->body = c->small;
    c->body_len = (uint64_t)n;
}

/* Builds and sends the response for c->rt (after any delay). */
static void conn_send(struct conn *c)
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
        set_small(c, "delay_ms", c->rt.arg);
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
        stats_reset(&s->stats);
        set_small(c, "reset", 1);
        break;
    case ROUTE_STATUS:
    case ROUTE_ERROR:
        if (c->rt.status == 204 || c->rt.status == 304)
            a.content_type = NULL; /* these never carry a body or a length */
        else
            set_small(c, "status", (uint64_t)c->rt.status);
        break;
    }
    if (c->fault == FAULT_ERROR) {
        a.status = 500;
        a.content_type = "application/json";
        set_small(c, "injected_error", 500);
        s->stats.errors[ERR_INJECTED_ERROR]++;
    }
    a.content_length = c->body_len;
    a.close = c->rt.close || s->stopping;
    a.keep_alive_10 = c->http10;
    c->head_len = (uint16_t)response_head(c->head, &a);
    if (c->rt.head)
        c->body_len = 0; /* after the head: HEAD announces the length it does not send */
    if (c->fault == FAULT_RESET) {
        conn_inject_reset(c);
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
    conn_write(c);
}

/* The waker's callback: a delayed answer is due. */
static void on_wake(struct waker_entry *e)
{
    struct conn *c = (struct conn *)((char *)e - offsetof(struct conn, wake));
    if (c->state != ST_DELAY) return;
    conn_send(c);
    conn_process_buffered(c);
}

/* The head is in (and any body skipped): answer now, after a delay, or never. */
static void conn_respond(struct conn *c)
{
    if (c->fault == FAULT_STALL) {
        c->srv->stats.errors[ERR_INJECTED_STALL]++;
        c->state = ST_STALL;
        arm(c, c->srv->cfg->idle_timeout_ms);
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
            arm(c, c->rt.arg - 2);
        } else {
            waker_add(&c->srv->waker, &c->wake);
        }
        return;
    }
    conn_send(c);
}

static void conn_dispatch(struct conn *c, const struct http_request *req)
{
    struct server *s = c->srv;
    const struct ms_config *cfg = s->cfg;
    route_resolve(req, cfg, &c->rt);
    c->http10 = req->version_minor == 0 && !c->rt.close;
    c->fault = FAULT_NONE;
    if (c->rt.kind != ROUTE_STATS && c->rt.kind != ROUTE_STATS_RESET) {
        stats_request_begin(&s->stats);
        c->active = 1;
        if (cfg->stall_rate > 0 || cfg->reset_rate > 0 || cfg->error_rate > 0) {
            double u = draw(s);
            if (u < cfg->stall_rate)
                c->fault = FAULT_STALL;
            else if (u < cfg->stall_rate + cfg->reset_rate)
                c->fault = FAULT_RESET;
            else if (u < cfg->stall_rate + cfg->reset_rate + cfg->error_rate)
                c->fault = FAULT_ERROR;
        }
    }
    c->discard = (uint64_t)c->rt.body;
    if (c->discard > 0) {
        c->state = ST_BODY;
        return;
    }
    conn_respond(c);
}

/* A head the parser refused: counted as a request, answered with its status, then closed. */
static void conn_reject(struct conn *c, int status)
{
    stats_request_begin(&c->srv->stats);
    c->active = 1;
    memset(&c->rt, 0, sizeof(c->rt));
    c->rt.kind = ROUTE_ERROR;
    c->rt.status = status;
    c->rt.close = 1;
    c->http10 = 0;
    c->fault = FAULT_NONE;
    conn_send(c);
}

/* Consumes requests from data[0..len) while the connection is ready for them; returns the bytes
 * consumed. The caller keeps the rest. */
static size_t conn_process(struct conn *c, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        if (c->state == ST_BODY) {
            uint64_t take = len - off < c->discard ? len - off : c->discard;
            off += take;
            c->discard -= take;
            if (c->discard == 0) conn_respond(c);
            continue;
        }
        if (c->state != ST_HEAD) break;
        struct http_request req;
        long r = http_parse_request(data + off, len - off, &req);
        if (r == 0) break;
        if (r < 0) {
            conn_reject(c, (int)-r);
            return len;
        }
        off += (size_t)r;
        /* The head deadline keeps running through any body; every next state re-arms it. */
        conn_dispatch(c, &req);
    }
    if (c->state == ST_LINGER || c->state == ST_CLOSED) return len;
    return off;
}

/* Runs the buffered input once the connection is ready for it again, and ends a half-closed
 * connection that has nothing left to answer. */
static void conn_process_buffered(struct conn *c)
{
    if (c->state != ST_HEAD && c->state != ST_BODY) return;
    if (c->in_len > 0) {
        size_t used = conn_process(c, c->in, c->in_len);
        if (c->state == ST_CLOSED || c->state == ST_LINGER) return;
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= (uint32_t)used;
    }
    if (c->state != ST_HEAD && c->state != ST_BODY) return;
    if (c->eof) {
        conn_fail(c, c->in_len || c->state == ST_BODY ? ERR_CLIENT_EOF : ERR_COUNT);
        return;
    }
    if (c->in_len == 0) {
        free(c->in); /* idle connections hold no buffer: 10,000 of them stay small */
        c->in = NULL;
    }
    if (!c->reading) c->reading = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0;
}

static void on_eof(struct conn *c)
{
    c->eof = 1;
    c->reading = 0; /* libuv stops reading at EOF */
    switch (c->state) {
    case ST_HEAD:
    case ST_BODY:
        conn_process_buffered(c);
        break;
    case ST_STALL:
    case ST_LINGER:
        conn_close(c, 0);
        break;
    default:
        break; /* the pending response goes out; conn_process_buffered ends it after */
    }
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    struct conn *c = st->data;
    struct server *s = c->srv;
    if (nread == 0 || c->state == ST_CLOSED) return;
    if (nread == UV_EOF) {
        on_eof(c);
        return;
    }
    if (nread < 0) {
        int pending = c->active || c->in_len > 0 || c->state == ST_BODY;
        conn_fail(c, pending ? ERR_CLIENT_RESET : ERR_COUNT);
        return;
    }
    if (c->state == ST_LINGER) {
        if ((c->lingered += (uint64_t)nread) > LINGER_MAX) conn_close(c, 0);
        return;
    }
    if (buf->base == s->rbuf) {
        size_t used = conn_process(c, s->rbuf, (size_t)nread);
        if (c->state == ST_CLOSED || c->state == ST_LINGER || used == (size_t)nread) return;
        /* Keep the tail: an incomplete head, or requests waiting behind a delayed one. */
        if (c->in == NULL && (c->in = malloc(IN_CAP)) == NULL) {
            conn_close(c, 0);
            return;
        }
        memcpy(c->in, s->rbuf + used, (size_t)nread - used);
        c->in_len = (uint32_t)((size_t)nread - used);
    } else {
        int lf = memchr(buf->base, '\n', (size_t)nread) != NULL;
        c->in_len += (uint32_t)nread;
        /* Re-parse only when a line may have completed or a limit is crossed, so a client
         * trickling bytes costs one scan per line, not one per byte. */
        if (c->state == ST_BODY || lf || c->in_len >= HTTP_MAX_HEAD ||
            (c->in_len >= HTTP_MAX_LINE && memchr(c->in, '\n', c->in_len) == NULL))
            conn_process_buffered(c);
    }
    if (c->state != ST_CLOSED && c->in_len == IN_CAP && c->reading) {
        uv_read_stop(st); /* backpressure: resumed once the buffered requests are answered */
        c->reading = 0;
    }
}

static void conn_refuse(struct conn *c)
{
    struct server *s = c->srv;
    s->stats.errors[ERR_REFUSED]++;
    if (s->refusing >= REFUSE_MAX) {
        c->refused = 1;
        s->refusing++;
        conn_close(c, 0);
        return;
    }
    c->refused = 1;
    s->refusing++;
    memset(&c->rt, 0, sizeof(c->rt));
    c->rt.kind = ROUTE_ERROR;
    c->rt.status = 503;
    c->rt.close = 1;
    c->state = ST_WRITE;
    c->reading = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0;
    conn_send(c);
}

static void on_connection(uv_stream_t *listener, int status)
{
    struct server *s = listener->data;
    if (status < 0) {
        /* On EMFILE libuv itself sheds the pending connections through its reserve descriptor
         * (so the loop never spins) without calling us; what arrives here are other failures. */
        s->stats.errors[ERR_ACCEPT]++;
        return;
    }
    struct conn *c = calloc(1, sizeof(*c));
    if (c == NULL || uv_tcp_init(s->loop, &c->tcp) != 0) {
        free(c);
        s->stats.errors[ERR_ACCEPT]++;
        return;
    }
    c->srv = s;
    c->tcp.data = c->timer.data = c;
    uv_timer_init(s->loop, &c->timer);
    c->open_handles = 2;
    c->next = s->conns;
    if (s->conns) s->conns->prev = c;
    s->conns = c;
    if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
        s->stats.errors[ERR_ACCEPT]++;
        c->refused = 1; /* never counted as a connection */
        s->refusing++;
        conn_close(c, 0);
        return;
    }
    if (s->stats.connections >= s->cfg->max_conns) {
        conn_refuse(c);
        return;
    }
    stats_conn_open(&s->stats);
    uv_tcp_nodelay(&c->tcp, 1);
    c->state = ST_HEAD;
    arm(c, s->cfg->idle_timeout_ms);
    c->reading = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0;
}

static void server_stop(struct server *s)
{
    if (s->stopping) return;
    s->stopping = 1;
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    for (struct conn *c = s->conns; c; c = c->next)
        conn_close(c, 0); /* before the waker closes: each leaves its list */
    waker_close(&s->waker);
}

static void on_signal(uv_signal_t *h, int signum)
{
    (void)signum;
    server_stop(h->data);
}

/* Written to a temporary name and renamed, so a reader never sees a partial port. */
static int write_port_file(const char *path, int port)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
        return -ENAMETOOLONG;
    FILE *f = fopen(tmp, "w");
    if (f == NULL) return -errno;
    int bad = fprintf(f, "%d\n", port) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno ? errno : EIO;
        unlink(tmp);
        return -e;
    }
    return 0;
}

static int server_listen(struct server *s)
{
    const struct ms_config *cfg = s->cfg;
    struct sockaddr_storage addr;
    char name[64];
    int r;
    if (uv_ip4_addr(cfg->host, cfg->port, (struct sockaddr_in *)&addr) != 0 &&
        uv_ip6_addr(cfg->host, cfg->port, (struct sockaddr_in6 *)&addr) != 0) {
        fprintf(stderr, "mockserver: --host must be an IP address: '%s'\n", cfg->host);
        return UV_EINVAL;
    }
    if ((r = uv_tcp_init(s->loop, &s->listener)) != 0 ||
        (r = uv_tcp_bind(&s->listener, (struct sockaddr *)&addr, 0)) != 0 ||
        (r = uv_listen((uv_stream_t *)&s->listener, 16384, on_connection)) != 0) {
        fprintf(stderr, "mockserver: cannot listen on %s:%d: %s\n", cfg->host, cfg->port,
                uv_strerror(r));
        return r;
    }
    int len = sizeof(addr);
    uv_tcp_getsockname(&s->listener, (struct sockaddr *)&addr, &len);
    int port;
    if (addr.ss_family == AF_INET6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
        uv_ip6_name(a6, name + 1, sizeof(name) - 2);
        name[0] = '[';
        strcat(name, "]");
        port = ntohs(a6->sin6_port);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
        uv_ip4_name(a4, name, sizeof(name));
        port = ntohs(a4->sin_port);
    }
    if (cfg->port_file && (r = write_port_file(cfg->port_file, port)) != 0) {
        fprintf(stderr, "mockserver: cannot write %s: %s\n", cfg->port_file, strerror(-r));
        return r;
    }
    printf("mockserver listening on %s:%d\n", name, port);
    fflush(stdout);
    return 0;
}

int server_run(const struct ms_config *cfg)
{
    struct server *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        fprintf(stderr, "mockserver: out of memory\n");
        return UV_ENOMEM;
    }
    s->cfg = cfg;
    s->loop = uv_default_loop();
    uint64_t seed = cfg->seed;
    for (size_t i = 0; i < PATTERN_SIZE; i += 8) {
        uint64_t v = splitmix64(&seed);
        memcpy(s->pattern + i, &v, 8);
    }
    s->rng = splitmix64(&seed) | 1; /* xorshift state must be non-zero */

    /* The default 50 us slack of every sleep would blur the delays we promise. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    int r = waker_init(s->loop, &s->waker, on_wake);
    if (r != 0) {
        fprintf(stderr, "mockserver: timerfd: %s\n", uv_strerror(r));
        free(s);
        return r;
    }
    r = server_listen(s);
    if (r == 0) {
        s->listener.data = s->sigint.data = s->sigterm.data = s;
        uv_signal_init(s->loop, &s->sigint);
        uv_signal_init(s->loop, &s->sigterm);
        uv_signal_start(&s->sigint, on_signal, SIGINT);
        uv_signal_start(&s->sigterm, on_signal, SIGTERM);
        uv_run(s->loop, UV_RUN_DEFAULT);
        char *json = malloc(STATS_JSON_MAX);
        if (json) {
            stats_json(&s->stats, json, STATS_JSON_MAX);
            printf("mockserver stopped: %s\n", json);
            fflush(stdout);
            free(json);
        }
    } else {
        if (s->listener.loop) uv_close((uv_handle_t *)&s->listener, NULL);
        waker_close(&s->waker);
        uv_run(s->loop, UV_RUN_DEFAULT);
    }
    uv_loop_close(s->loop);
    free(s);
    return r;
}
