/* NAME    curl_shard.c
 * PURPOSE Drives one curl multi handle from a libuv loop with curl_multi_socket_action. */
#include "curl_shard.h"

#include <stdio.h>
#include <stdlib.h>

#include "evloop.h"

/* The poll handle watching one of curl's sockets. */
struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    struct curl_shard *s;
};

static void check_multi(CURLMcode rc, const char *where)
{
    if (rc != CURLM_OK)
        fprintf(stderr, "cvpbench: curl multi: %s: %s\n", where, curl_multi_strerror(rc));
}

/* Finishes every transfer curl reports done: each maps back to its owner via CURLOPT_PRIVATE. */
static void drain_done(struct curl_shard *s)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(s->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *easy = msg->easy_handle;
        CURLcode result = msg->data.result;
        struct evloop_xfer *x = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
        check_multi(curl_multi_remove_handle(s->multi, easy), "remove_handle");
        if (x) x->done(x, result);
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
    struct curl_shard *s = t->data;
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
    struct curl_shard *s = userp;
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
    struct curl_shard *s = userp;
    if (timeout_ms < 0)
        uv_timer_stop(&s->timer);
    else
        uv_timer_start(&s->timer, on_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

int curl_shard_init(struct curl_shard *s, uv_loop_t *loop, long max_total, long max_idle)
{
    s->loop = loop;
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
    if (max_total > 0) curl_multi_setopt(s->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max_total);
    /* Keep as many idle connections as may be in flight, so reuse is never limited by the
     * cache (curl's default keeps 4 per easy handle added). */
    curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, max_idle);
    return 0;
}

void curl_shard_close(struct curl_shard *s)
{
    if (!s->multi) return;
    curl_multi_cleanup(s->multi); /* closes cached connections through on_socket */
    s->multi = NULL;
    uv_close((uv_handle_t *)&s->timer, NULL);
}
