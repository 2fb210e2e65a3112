/* NAME    curl_loop.c
 * PURPOSE Drives curl multi handles from a libuv loop with curl_multi_socket_action, and spreads
 *         transfers over them by slot hand-over (see curl_loop.h). */
#include "curl_loop.h"

#include <stdio.h>
#include <stdlib.h>

struct curl_loop;

/* One multi handle and the one timer curl asks it for. */
struct shard {
    CURLM *multi;
    uv_timer_t timer; /* CURLMOPT_TIMERFUNCTION's */
    uv_loop_t *loop;
    struct curl_loop *cl;
    long idle; /* connections its cache likely holds idle (reuse only) */
};

struct curl_loop {
    struct shard *shards;
    int nshards;
    int reuse;
    /* A stack of shard numbers, one per free slot: with several shards, a transfer takes the
     * slot on top, the one the last finished transfer left, with its idle connection. */
    int *free_slots;
    long nfree, nslots;
    int closing; /* timers whose close callback has yet to run; the memory goes with the last */
    struct curl_xfer *active; /* transfers in flight, for curl_loop_cancel_all */
};

static void link_xfer(struct curl_loop *cl, struct curl_xfer *x)
{
    x->prev = NULL;
    x->next = cl->active;
    if (x->next) x->next->prev = x;
    cl->active = x;
}

static void unlink_xfer(struct curl_loop *cl, struct curl_xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        cl->active = x->next;
    if (x->next) x->next->prev = x->prev;
    x->prev = x->next = NULL;
}

/* A transfer leaves the loop: its slot (and the connection it leaves idle) is free again. */
static void release_slot(struct curl_loop *cl, struct curl_xfer *x)
{
    if (x->slot) {
        cl->free_slots[cl->nfree++] = x->shard;
        x->slot = 0;
    }
}

/* The poll handle watching one of curl's sockets. */
struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    struct shard *s;
};

static void check_multi(CURLMcode rc, const char *where)
{
    if (rc != CURLM_OK)
        fprintf(stderr, "cvpbench: curl multi: %s: %s\n", where, curl_multi_strerror(rc));
}

/* Finishes every transfer curl reports done: each maps back to its owner via CURLOPT_PRIVATE.
 * Its slot (and its connection, now idle in this shard's cache) is free again before the owner
 * hears of it, since the owner's callback is what starts the next transfer. */
static void drain_done(struct shard *s)
{
    struct curl_loop *cl = s->cl;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(s->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *easy = msg->easy_handle;
        CURLcode result = msg->data.result;
        struct curl_xfer *x = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
        check_multi(curl_multi_remove_handle(s->multi, easy), "remove_handle");
        if (cl->reuse && result == CURLE_OK) s->idle++;
        if (!x) continue;
        unlink_xfer(cl, x);
        release_slot(cl, x);
        x->done(x, result);
    }
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    struct sock_ctx *c = h->data;
    int flags = 0, running;
    if (status < 0) flags = CURL_CSELECT_ERR;
    if (status == 0 && (events & UV_READABLE)) flags |= CURL_CSELECT_IN;
    if (status == 0 && (events & UV_WRITABLE)) flags |= CURL_CSELECT_OUT;
    check_multi(curl_multi_socket_action(c->s->multi, c->fd, flags, &running), "socket_action");
    drain_done(c->s);
}

static void on_timeout(uv_timer_t *t)
{
    struct shard *s = t->data;
    int running;
    check_multi(curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &running),
                "socket_action(timeout)");
    drain_done(s);
}

static void free_sock_ctx(uv_handle_t *h)
{
    free(h->data);
}

/* CURLMOPT_SOCKETFUNCTION: start, change or stop watching one of curl's sockets. */
static int on_socket(CURL *easy, curl_socket_t fd, int action, void *userp, void *socketp)
{
    struct shard *s = userp;
    struct sock_ctx *c = socketp;
    if (action == CURL_POLL_REMOVE) {
        if (c) {
            /* Stopped now, freed after the loop has let go of it. curl closes the socket only
             * after this callback, so a new socket with the same number gets a fresh handle. */
            uv_poll_stop(&c->poll);
            uv_close((uv_handle_t *)&c->poll, free_sock_ctx);
            curl_multi_assign(s->multi, fd, NULL);
        }
        return 0;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) return -1;
        c->fd = fd;
        c->s = s;
        if (uv_poll_init_socket(s->loop, &c->poll, fd) != 0) {
            free(c);
            return -1;
        }
        c->poll.data = c;
        curl_multi_assign(s->multi, fd, c);
    }
    int events = 0;
    if (action == CURL_POLL_IN || action == CURL_POLL_INOUT) events |= UV_READABLE;
    if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT) events |= UV_WRITABLE;
    return uv_poll_start(&c->poll, events, on_poll) == 0 ? 0 : -1;
}

/* CURLMOPT_TIMERFUNCTION: one loop timer; -1 disarms it, 0 means "soon, but not from here". */
static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct shard *s = userp;
    if (timeout_ms < 0)
        uv_timer_stop(&s->timer);
    else
        uv_timer_start(&s->timer, on_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

static int shard_init(struct shard *s, struct curl_loop *cl, uv_loop_t *loop, long max_conns)
{
    s->loop = loop;
    s->cl = cl;
    s->multi = curl_multi_init();
    if (!s->multi) return -1;
    uv_timer_init(loop, &s->timer);
    s->timer.data = s;
    curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
    curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
    /* The cap is enforced by whoever starts transfers; curl's own limit only matches it, so
     * that curl never queues a transfer (queued time would count against its timeout). */
    curl_multi_setopt(s->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max_conns);
    /* Keep as many idle connections as may be in flight, so reuse is never limited by the
     * cache (curl's default keeps 4 per easy handle added). */
    curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, max_conns);
    return 0;
}

static void release(struct curl_loop *cl)
{
    free(cl->shards);
    free(cl->free_slots);
    free(cl);
}

/* The timers live in the shards array: it is freed only once the loop has let go of the last. */
static void on_timer_closed(uv_handle_t *h)
{
    struct curl_loop *cl = ((struct shard *)h->data)->cl;
    if (--cl->closing == 0) release(cl);
}

static void shard_close(struct shard *s)
{
    if (!s->multi) return;
    curl_multi_cleanup(s->multi); /* closes cached connections through on_socket */
    s->multi = NULL;
    s->cl->closing++;
    uv_close((uv_handle_t *)&s->timer, on_timer_closed);
}

struct curl_loop *curl_loop_new(uv_loop_t *loop, long max_in_flight, int reuse)
{
    struct curl_loop *cl = calloc(1, sizeof *cl);
    if (!cl) return NULL;
    if (max_in_flight < 1) max_in_flight = 1;
    cl->reuse = reuse;
    cl->nshards = (int)((max_in_flight + CURL_LOOP_SHARD_CONNS - 1) / CURL_LOOP_SHARD_CONNS);
    cl->shards = calloc((size_t)cl->nshards, sizeof *cl->shards);
    if (cl->nshards > 1) {
        cl->nslots = max_in_flight;
        cl->free_slots = malloc((size_t)cl->nslots * sizeof *cl->free_slots);
        for (cl->nfree = 0; cl->free_slots && cl->nfree < cl->nslots; cl->nfree++)
            cl->free_slots[cl->nfree] = (int)(cl->nfree % cl->nshards);
    }
    int bad = !cl->shards || (cl->nshards > 1 && !cl->free_slots);
    for (int k = 0; !bad && k < cl->nshards; k++)
        bad = shard_init(&cl->shards[k], cl, loop, max_in_flight) != 0;
    if (bad) {
        curl_loop_free(cl);
        return NULL;
    }
    return cl;
}

CURLMcode curl_loop_add(struct curl_loop *cl, struct curl_xfer *x, CURL *easy)
{
    /* A slot if one is free; more transfers than slots (never with the cap enforced) share the
     * first handle without one. */
    x->slot = cl->nfree > 0;
    x->shard = x->slot ? cl->free_slots[--cl->nfree] : 0;
    struct shard *s = &cl->shards[x->shard];
    if (cl->reuse) {
        /* A new connection when the shard's cache has none idle: curl would otherwise wait to
         * see whether one comes back rather than open one (multiplexing checks). */
        curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, s->idle > 0 ? 0L : 1L);
        if (s->idle > 0) s->idle--;
    }
    CURLMcode rc = curl_multi_add_handle(s->multi, easy);
    if (rc != CURLM_OK) {
        release_slot(cl, x);
        return rc;
    }
    x->easy = easy;
    link_xfer(cl, x);
    return rc;
}

void curl_loop_cancel_all(struct curl_loop *cl)
{
    while (cl && cl->active) {
        struct curl_xfer *x = cl->active;
        unlink_xfer(cl, x);
        curl_multi_remove_handle(cl->shards[x->shard].multi, x->easy);
        release_slot(cl, x); /* its connection is closed by the removal, not reusable */
        x->done(x, CURLE_ABORTED_BY_CALLBACK);
    }
}

void curl_loop_free(struct curl_loop *cl)
{
    if (!cl) return;
    for (int k = 0; cl->shards && k < cl->nshards; k++)
        shard_close(&cl->shards[k]);
    if (cl->closing == 0) release(cl); /* no timer was ever made */
}
