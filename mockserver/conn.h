/* NAME    conn.h
 * PURPOSE The server's internal shared state: the server and connection structs, the connection
 *         states, and the functions the listener, connection, responder, writer and fault files
 *         call in one another. Not a public interface: only the server's own files include it.
 *
 * A connection is in exactly one state, and its single timer means what the state says:
 *   HEAD   reading a request head     timer: whole-head deadline (not reset by bytes: slowloris)
 *   BODY   skipping a request body    timer: the same deadline, still running
 *   DELAY  waiting to answer          timer: the injected delay
 *   STALL  never answering            timer: the idle timeout, then close
 *   WRITE  response queued in libuv   timer: checks for progress; send timeout without any
 *   LINGER FIN sent, draining input   timer: MS_LINGER_MS, then close
 * One request is served at a time per connection; pipelined requests wait in the input buffer,
 * which is how they are answered in order. Input is parsed in place in one shared read buffer and
 * copied to the connection only when a request is incomplete or must wait. */
#ifndef MS_CONN_H
#define MS_CONN_H

#include "config.h"
#include "parser.h"
#include "response.h"
#include "routes.h"
#include "stats.h"
#include "waker.h"

#include <stdint.h>
#include <uv.h>

#define RBUF_SIZE    65536   /* bytes: shared read buffer */
#define IN_CAP       65536   /* bytes: per-connection input buffer, > HTTP_MAX_HEAD */
#define PATTERN_SIZE 65536   /* bytes: period of the /bytes content */
#define WRITE_CHUNK  1048576 /* bytes of body per write, so a huge body never needs a copy */
#define REFUSE_MAX   1024    /* refused connections allowed to linger at once */
#define LINGER_MAX   1048576 /* bytes a lingering client may still send before a hard close */
#define MERGE_MAX    128     /* bytes: bodies this small are copied behind the head, one write() */

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
    const struct conn_events *events; /* the state machine's entry points (conn_events) */
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
    uint8_t pipelined;    /* the client sent a request before its previous one was answered */
    struct route rt;      /* what the current request asked for */
    /* The response: the head, then body_len bytes from body (or the pattern when body is NULL). */
    const char *body;
    char *owned;        /* heap body (the /stats document, the /get one), freed with the response */
    uint32_t owned_len; /* /get: the length of its body in owned, in bytes */
    uint64_t body_len;  /* bytes of body to send; 0 for HEAD */
    uint64_t sent;      /* bytes of head and body written so far */
    uint64_t queued;    /* bytes handed to uv_write and not yet confirmed */
    uint64_t progress_ms;  /* ST_WRITE: loop time (uv_now) of the last progress seen */
    uint64_t unacked_seen; /* ST_WRITE: bytes not yet acknowledged by the client, last look */
    uint16_t head_len;     /* in bytes */
    char head[RESPONSE_HEAD_MAX + MERGE_MAX]; /* the head, and a small body copied after it */
    char small[64];                           /* small JSON bodies */
};

/* What the layers below the state machine (the writer; link.c's timer) tell it: entry points
 * the listener puts in the server (s->events = &conn_events), so that those files call nothing
 * of conn.c by name and no file calls back into one that calls it. */
struct conn_events {
    void (*response_done)(struct conn *c); /* the whole response is with the kernel */
    void (*resume)(struct conn *c);        /* run the buffered input again */
    uv_timer_cb timer;                     /* the connection's one timer fired */
};

/* conn.c: the state machine (the top: the listener calls it, it calls the layers below). */
extern const struct conn_events conn_events;
void conn_read_start(struct conn *c); /* reads (again) unless already reading */
/* The whole response is with the kernel: next request, or linger and close. */
void conn_response_done(struct conn *c);
/* Runs the buffered input once the connection is ready for it again. */
void conn_process_buffered(struct conn *c);
/* The waker's callback: a delayed answer is due. */
void conn_on_wake(struct waker_entry *e);

/* link.c: what every layer may do to a connection (the bottom: it calls none of the others). */
void conn_arm(struct conn *c, uint64_t ms); /* the one timer, firing conn_events.timer */
/* Closes now (the descriptor goes at once; memory after the close callbacks). reset sends RST. */
void conn_close(struct conn *c, int reset);
/* Closes and counts the reason; ERR_COUNT closes without counting (an ordinary goodbye). */
void conn_fail(struct conn *c, enum ms_error e);
/* A small JSON body {"key":v} in c->small. */
void conn_small_body(struct conn *c, const char *key, uint64_t v);

/* respond.c: what a request is answered with, and when. */
/* The head is in (and any body skipped): answer now, after a delay, or never. */
void respond_start(struct conn *c);
/* Keeps what the answer needs from the request (whose bytes may be gone by then): /get's body. */
void respond_prepare(struct conn *c, const struct http_request *req);
/* Builds the response for c->rt and hands it to the writer. */
void respond_send(struct conn *c);

/* writer.c: getting the response to the client. */
/* Writes what is left of the response (from c->sent), then calls conn_response_done. */
void writer_start(struct conn *c);
/* Sends "100 Continue" ahead of reading a request body. */
void writer_continue(struct conn *c);
/* ST_WRITE's timer: drops the client once its response made no progress for the idle timeout. */
void writer_timer(struct conn *c);

/* faults.c: --error-rate, --reset-rate and --stall-rate. */
/* One draw for one request: the fault to inject, FAULT_NONE mostly. */
enum fault fault_draw(struct server *s);
/* Never answers: the connection waits in ST_STALL until the idle timeout closes it. */
void fault_stall(struct conn *c);
/* Replaces the response with an injected 500 (counted). */
void fault_error(struct conn *c, struct response_head_args *a);
/* Sends part of the response, then resets the connection (counted). */
void fault_reset(struct conn *c);

#endif
