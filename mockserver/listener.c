/* NAME    listener.c
 * PURPOSE The server around the connections: listening, accepting (with the --max-conns refusal
 *         and accept failures such as EMFILE), the port file and start-up line, SIGINT/SIGTERM,
 *         and server_run, which seeds the /bytes pattern and the fault generator from --seed. */
#include "../bench/safepath.h"
#include "conn.h"
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <uv.h>

/* splitmix64: seeds both the pattern and the fault generator from --seed. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Over --max-conns: answered 503 and closed, or closed at once when too many refused
 * connections already linger (a flood must not hold descriptors open). */
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
    conn_read_start(c);
    respond_send(c);
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
    conn_arm(c, s->cfg->idle_timeout_ms);
    conn_read_start(c);
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

/* Under the output policy of every tool (bench/safepath.c): a regular file is replaced
 * atomically from an exclusively created temporary file (a reader polling for the name never
 * sees a partial port), a device or FIFO is written as it is, the file a link names in place,
 * and a link protected_symlinks would refuse is not followed. */
static int write_port_file(const char *path, int port)
{
    char text[16], err[512];
    int len = snprintf(text, sizeof text, "%d\n", port);
    int r = safepath_write(path, "--port-file", text, (size_t)len, err, sizeof err);
    if (r != 0) fprintf(stderr, "mockserver: %s\n", err);
    return r;
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
    if (cfg->port_file && (r = write_port_file(cfg->port_file, port)) != 0) return r;
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
    s->events = &conn_events;
    uint64_t seed = cfg->seed;
    for (size_t i = 0; i < PATTERN_SIZE; i += 8) {
        uint64_t v = splitmix64(&seed);
        memcpy(s->pattern + i, &v, 8);
    }
    s->rng = splitmix64(&seed) | 1; /* xorshift state must be non-zero */

    /* The default 50 us slack of every sleep would blur the delays we promise. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    int r = waker_init(s->loop, &s->waker, conn_on_wake);
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
