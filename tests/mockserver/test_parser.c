/* NAME    test_parser.c
 * PURPOSE Unit tests of the request parser and the routes: results for known inputs, the exact
 *         limit boundaries, and split invariance (every prefix is "need more" or the whole's).
 * USAGE   test_mockserver_parser (exit 0 when every check passes) */
#include "parser.h"
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define EXPECT_EQ(a, b, what)                                                                      \
    do {                                                                                           \
        long a_ = (long)(a), b_ = (long)(b);                                                       \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: %s: got %ld, want %ld\n", __FILE__, __LINE__, what, a_, b_);   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Parses an exact-size copy, so that an over-read would show under ASan. */
static long parse(const char *s, size_t n, struct http_request *req)
{
    char *copy = malloc(n ? n : 1);
    memcpy(copy, s, n);
    long r = http_parse_request(copy, n, req);
    if (r > 0) { /* re-point into the caller's buffer before freeing the copy */
        req->method = s + (req->method - copy);
        req->target = s + (req->target - copy);
        if (req->path >= copy && req->path < copy + n) req->path = s + (req->path - copy);
        if (req->query) req->query = s + (req->query - copy);
        if (req->host) req->host = s + (req->host - copy);
    }
    free(copy);
    return r;
}

static long parse_str(const char *s)
{
    struct http_request req;
    return parse(s, strlen(s), &req);
}

static void check_splits(const char *s, size_t n, const char *what)
{
    struct http_request req;
    long whole = parse(s, n, &req);
    for (size_t cut = 0; cut < n; cut++) {
        long p = parse(s, cut, &req);
        if (p != 0 && p != whole) {
            fprintf(stderr, "split %s at %zu: %ld, whole %ld\n", what, cut, p, whole);
            failures++;
            return;
        }
    }
}

static void test_known(void)
{
    static const struct {
        const char *in;
        long want; /* > 0: the head length, i.e. strlen(in) minus any trailing bytes */
    } cases[] = {
        {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27},
        {"GET / HTTP/1.0\r\n\r\n", 18},
        {"\r\n\r\nGET / HTTP/1.0\r\n\r\n", 22},
        {"HEAD /x?y=%41 HTTP/1.1\r\nHost:a\r\nX:  v v \t\r\n\r\nrest", 45},
        {"GET / HTTP/1.1\r\nHost: a\r\n", 0},
        {"GET / HTTP/1.1\r", 0},
        {"GET / HTTP/1.1\nHost: a\n\n", -400},
        {"GET / HTTP/1.1\r\nHost: a\n", -400},
        {"\n", -400},
        {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", -505},
        {"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", -501},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: x\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n", -400},
        {"GET /%4 HTTP/1.1\r\nHost: a\r\n\r\n", -400},
        {"GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nhost: a\r\nHOST: b\r\n\r\n", -400},
        /* Absolute-form (RFC 9112 3.2.2): http only, a valid authority, Host still required. */
        {"GET http://127.0.0.1/x HTTP/1.1\r\nHost: a\r\n\r\n", 44},
        {"GET HTTP://[::1]:8080 HTTP/1.1\r\nHost: a\r\n\r\n", 43},
        {"GET http://h?ms=1 HTTP/1.0\r\n\r\n", 30},
        {"GET http://127.0.0.1/ HTTP/1.1\r\n\r\n", -400},
        {"GET http://u@h/ HTTP/1.1\r\nHost: a\r\n\r\n", -400},
        {"GET http:/// HTTP/1.1\r\nHost: a\r\n\r\n", -400},
        {"GET http://:80/ HTTP/1.1\r\nHost: a\r\n\r\n", -400},
        {"GET https://h/ HTTP/1.1\r\nHost: a\r\n\r\n", -400},
        {"GET http:/h HTTP/1.1\r\nHost: a\r\n\r\n", -400},
        /* Host is uri-host [":" port]. */
        {"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", 40},
        {"GET / HTTP/1.1\r\nHost: [::1]\r\n\r\n", 31},
        {"GET / HTTP/1.1\r\nHost: a-b.c_d~e%41!$&'()*+,;=:\r\n\r\n", 50},
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: a/b@c\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: \r\n\r\n", -400},
        {"GET / HTTP/1.0\r\nHost:\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: a:x\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: :80\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: a%4\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", -400},
        {"GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", -400},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        EXPECT_EQ(parse_str(cases[i].in), cases[i].want, cases[i].in);
        check_splits(cases[i].in, strlen(cases[i].in), cases[i].in);
    }

    struct http_request req;
    const char *s = "GET /delay?ms=5 HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, CLOSE\r\n"
                    "Content-Length: 0012\r\n\r\n";
    EXPECT_EQ(parse(s, strlen(s), &req), strlen(s), "fields");
    EXPECT_EQ(req.path_len, 6, "path");
    EXPECT_EQ(req.query_len, 4, "query");
    EXPECT_EQ(req.conn_close && req.conn_keep_alive, 1, "connection tokens");
    EXPECT_EQ(req.content_length, 12, "content-length");
    EXPECT_EQ(req.nheaders, 3, "nheaders");
    EXPECT_EQ(req.host_len == 1 && req.host[0] == 'a', 1, "host from the Host field");

    s = "GET http://127.0.0.1:80/a/b?c=d HTTP/1.1\r\nHost: other\r\n\r\n";
    EXPECT_EQ(parse(s, strlen(s), &req), strlen(s), "absolute-form");
    EXPECT_EQ(req.absolute_form, 1, "absolute-form flag");
    EXPECT_EQ(req.path_len == 4 && memcmp(req.path, "/a/b", 4) == 0, 1, "absolute-form path");
    EXPECT_EQ(req.query_len == 3 && memcmp(req.query, "c=d", 3) == 0, 1, "absolute-form query");
    EXPECT_EQ(req.host_len == 12 && memcmp(req.host, "127.0.0.1:80", 12) == 0, 1,
              "the authority stands for Host");
    EXPECT_EQ(req.target_len, 27, "target");
    s = "GET http://h?x HTTP/1.0\r\n\r\n";
    EXPECT_EQ(parse(s, strlen(s), &req), strlen(s), "absolute-form, empty path");
    EXPECT_EQ(req.path_len == 1 && req.path[0] == '/', 1, "an empty path is /");
    EXPECT_EQ(req.query_len == 1 && req.query[0] == 'x', 1, "query after an empty path");

    /* Connection and Expect are comma-separated lists, case-insensitive, OWS trimmed. */
    s = "GET / HTTP/1.1\r\nHost: a\r\nConnection: , foo ,\tKEEP-ALIVE\t\r\n"
        "Expect: 100-Continue\r\n\r\n";
    EXPECT_EQ(parse(s, strlen(s), &req), strlen(s), "lists");
    EXPECT_EQ(req.conn_keep_alive && !req.conn_close, 1, "keep-alive among tokens");
    EXPECT_EQ(req.expect_continue && !req.expect_other, 1, "100-continue");
    s = "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep alive, closed\r\n"
        "Expect: 100-continue, x=1\r\n\r\n";
    EXPECT_EQ(parse(s, strlen(s), &req), strlen(s), "lists, no match");
    EXPECT_EQ(req.conn_keep_alive || req.conn_close, 0, "whole tokens only");
    EXPECT_EQ(req.expect_continue && req.expect_other, 1, "an unknown expectation");
}

/* A request whose request line is exactly n bytes long, CRLF included. */
static char *line_of(size_t n)
{
    const char *tail = " HTTP/1.1\r\nHost: a\r\n\r\n";
    char *s = malloc(n + 32);
    memcpy(s, "GET /", 5);
    memset(s + 5, 'a', n - 5 - 11);
    strcpy(s + n - 11, tail);
    return s;
}

static void test_limits(void)
{
    char *s = line_of(HTTP_MAX_LINE);
    EXPECT_EQ(parse_str(s), (long)strlen(s), "line at the limit");
    free(s);
    s = line_of(HTTP_MAX_LINE + 1);
    EXPECT_EQ(parse_str(s), -414, "line over the limit");
    EXPECT_EQ(parse(s, HTTP_MAX_LINE, &(struct http_request){0}), -414, "no LF by the limit");
    EXPECT_EQ(parse(s, HTTP_MAX_LINE - 1, &(struct http_request){0}), 0, "short of the limit");
    free(s);

    /* A head of exactly HTTP_MAX_HEAD bytes passes; one more byte gives 431. */
    const char *start = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
    for (int extra = 0; extra < 2; extra++) {
        size_t n = HTTP_MAX_HEAD + (size_t)extra;
        char *h = malloc(n + 1);
        size_t l = strlen(start);
        memcpy(h, start, l);
        memset(h + l, 'v', n - l - 4);
        memcpy(h + n - 4, "\r\n\r\n", 5);
        EXPECT_EQ(parse_str(h), extra ? -431 : (long)n, "head limit");
        free(h);
    }

    char buf[8192];
    for (int count = HTTP_MAX_HEADERS; count <= HTTP_MAX_HEADERS + 1; count++) {
        size_t n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\n");
        for (int i = 0; i < count - 1; i++)
            n += (size_t)sprintf(buf + n, "X%d: y\r\n", i);
        n += (size_t)sprintf(buf + n, "Host: a\r\n\r\n");
        EXPECT_EQ(parse(buf, n, &(struct http_request){0}),
                  count > HTTP_MAX_HEADERS ? -431 : (long)n, "header count");
    }
}

/* /delay takes milliseconds with up to three decimals; arg is in microseconds. */
static void test_delays(void)
{
    static const struct ms_config cfg = {.max_delay_ms = 10000, .max_bytes = 1000};
    static const struct {
        const char *value;
        long us; /* -1: 400 */
        int decimals;
    } cases[] = {
        {"0.3", 300, 1},
        {"2.125", 2125, 3},
        {"007.50", 7500, 2},
        {"0", 0, 0},
        {"0.000", 0, 3},
        {"5", 5000, 0},
        {"10000", 10000000, 0},
        {"10000.000", 10000000, 3},
        {"9999.999", 9999999, 3},
        {"10000.001", -1, 0},
        {"10001", -1, 0},
        {"1.2345", -1, 0},
        {".5", -1, 0},
        {"5.", -1, 0},
        {".", -1, 0},
        {"+5", -1, 0},
        {"-5", -1, 0},
        {"5e3", -1, 0},
        {"1.2.3", -1, 0},
        {"1,5", -1, 0},
        {"0x10", -1, 0},
        {"1.-2", -1, 0},
        {"", -1, 0},
        {"99999999999999999999.1", -1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int form = 0; form < 2; form++) {
            char buf[256];
            struct http_request req;
            struct route rt;
            snprintf(buf, sizeof(buf), "GET /delay%s%s HTTP/1.1\r\nHost: a\r\n\r\n",
                     form ? "?ms=" : "/", cases[i].value);
            long r = parse_str(buf);
            EXPECT_EQ(r, (long)strlen(buf), buf);
            http_parse_request(buf, strlen(buf), &req);
            route_resolve(&req, &cfg, &rt);
            if (cases[i].us < 0) {
                EXPECT_EQ(rt.status, 400, buf);
                continue;
            }
            EXPECT_EQ(rt.kind, ROUTE_DELAY, buf);
            EXPECT_EQ(rt.arg, cases[i].us, buf);
            EXPECT_EQ(rt.decimals, cases[i].decimals, buf);
        }
    }
}

static void test_routes(void)
{
    static const struct ms_config cfg = {.max_delay_ms = 10000, .max_bytes = 1000};
    static const struct {
        const char *req;
        int kind, status;
        unsigned long arg;
        int close;
    } cases[] = {
        {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ROOT, 200, 0, 0},
        {"GET /delay/10000 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_DELAY, 200, 10000000, 0},
        {"GET /delay/10001 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 400, 0, 0},
        {"GET /delay?a=b&ms=7 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_DELAY, 200, 7000, 0},
        {"GET /delay/ HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 400, 0, 0},
        {"GET /bytes/1000 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_BYTES, 200, 1000, 0},
        {"GET /bytes/1001 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 400, 0, 0},
        {"GET /bytes/99999999999999999999999 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 400, 0, 0},
        {"GET /status/599 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_STATUS, 599, 0, 0},
        {"GET /status/199 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 400, 0, 0},
        {"GET /stats HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", ROUTE_STATS, 200, 0, 1},
        {"GET /stats/reset HTTP/1.0\r\n\r\n", ROUTE_STATS_RESET, 200, 0, 1},
        {"GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", ROUTE_ERROR, 404, 0, 0},
        {"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", ROUTE_ROOT, 200, 0, 1},
        {"GET / HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n", ROUTE_ROOT, 200,
         0, 1},
        {"GET / HTTP/1.1\r\nHost: a\r\nConnection: Foo, CLOSE\r\n\r\n", ROUTE_ROOT, 200, 0, 1},
        {"GET http://a/delay/3 HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_DELAY, 200, 3000, 0},
        {"GET /get?x=\"1\" HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_GET, 200, 0, 0},
        {"GET /get/x HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 404, 0, 0},
        {"PUT / HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 405, 0, 1},
        {"POST / HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 405, 0, 1},
        {"POST /stats/reset HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_STATS_RESET, 200, 0, 0},
        {"HEAD /stats/reset HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_STATS_RESET, 200, 0, 0},
        {"PUT /stats/reset HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 405, 0, 1},
        {"POST /stats HTTP/1.1\r\nHost: a\r\n\r\n", ROUTE_ERROR, 405, 0, 1},
        {"GET / HTTP/1.1\r\nHost: a\r\nExpect: x\r\n\r\n", ROUTE_ERROR, 417, 0, 1},
        {"GET / HTTP/1.0\r\nExpect: x\r\n\r\n", ROUTE_ROOT, 200, 0, 1},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", ROUTE_ERROR, 413, 0, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_request req;
        struct route rt;
        long r = parse_str(cases[i].req);
        EXPECT_EQ(r > 0, 1, cases[i].req);
        http_parse_request(cases[i].req, strlen(cases[i].req), &req);
        route_resolve(&req, &cfg, &rt);
        EXPECT_EQ(rt.kind, cases[i].kind, cases[i].req);
        EXPECT_EQ(rt.status, cases[i].status, cases[i].req);
        EXPECT_EQ(rt.arg, cases[i].arg, cases[i].req);
        EXPECT_EQ(rt.close, cases[i].close, cases[i].req);
    }
}

int main(void)
{
    test_known();
    test_limits();
    test_routes();
    test_delays();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("parser and routes: all checks passed\n");
    return 0;
}
