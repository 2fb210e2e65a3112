/* NAME    parser.c
 * PURPOSE Strict HTTP/1.1 request-head parser (RFC 9112): lines must end in CRLF, tokens and field
 *         values are checked byte by byte, and only complete lines are judged, which makes the
 *         result independent of how the bytes were split across reads. */
#include "parser.h"

#include <arpa/inet.h>
#include <string.h>

/* tchar from RFC 9110: the bytes allowed in a method and a header name. */
static int is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Field values allow SP, HTAB, visible ASCII and obs-text, never other controls, NUL or DEL. */
static int is_field_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || (c > 0x20 && c != 0x7f);
}

/* ASCII case-insensitive equality of a[0..n) with the lowercase NUL-terminated word w. */
static int ieq(const char *a, size_t n, const char *w)
{
    size_t i;
    for (i = 0; i < n && w[i]; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        if (c != (unsigned char)w[i]) return 0;
    }
    return i == n && w[i] == '\0';
}

/* reg-name's bytes besides pct-encoded ones (RFC 3986 3.2.2): unreserved and sub-delims. */
static int is_reg_name_byte(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return c != 0 && strchr("-._~!$&'()*+,;=", c) != NULL;
}

/* uri-host [":" port] (RFC 9112 3.2 and 3.2.2): an IPv6 literal in brackets or a non-empty
 * reg-name (which covers IPv4 addresses), then digits only after a colon. IPvFuture and zone
 * identifiers are refused: no client of a loopback mock sends them. */
static int valid_host(const char *h, size_t n)
{
    size_t i = 0;
    if (n > 0 && h[0] == '[') {
        const char *end = memchr(h, ']', n);
        char ip[INET6_ADDRSTRLEN];
        struct in6_addr addr;
        size_t len = end ? (size_t)(end - h) - 1 : 0;
        if (len == 0 || len >= sizeof(ip)) return 0;
        memcpy(ip, h + 1, len);
        ip[len] = '\0';
        if (inet_pton(AF_INET6, ip, &addr) != 1) return 0;
        i = len + 2;
    } else {
        while (i < n && h[i] != ':') {
            if (h[i] == '%') {
                if (i + 2 >= n || !is_hex((unsigned char)h[i + 1]) ||
                    !is_hex((unsigned char)h[i + 2]))
                    return 0;
                i += 3;
            } else if (is_reg_name_byte((unsigned char)h[i])) {
                i++;
            } else {
                return 0;
            }
        }
        if (i == 0) return 0; /* an empty host: nginx and RFC 9110 4.2.1 refuse it */
    }
    if (i < n && h[i++] != ':') return 0;
    for (; i < n; i++)
        if (h[i] < '0' || h[i] > '9') return 0;
    return 1;
}

/* The request target: origin-form, or absolute-form with the "http" scheme (RFC 9112 3.2.2: a
 * server MUST accept it), whose authority then stands for Host (3.2.3) and whose path is routed.
 * Visible ASCII only, and every '%' followed by two hex digits. We never decode it: routes match
 * the raw path, so the check only rejects what is malformed. */
static int parse_target(const char *t, size_t n, struct http_request *req)
{
    static const char root[] = "/"; /* the path of "http://host" and "http://host?q" */
    size_t start = 0;
    req->target = t;
    req->target_len = n;
    req->query = NULL;
    req->query_len = 0;
    if (n >= 7 && ieq(t, 7, "http://")) {
        size_t a = 7;
        while (a < n && t[a] != '/' && t[a] != '?')
            a++;
        if (!valid_host(t + 7, a - 7)) return -400; /* userinfo ('@') included */
        req->absolute_form = 1;
        req->host = t + 7;
        req->host_len = a - 7;
        start = a;
    } else if (n == 0 || t[0] != '/') {
        return -400;
    }
    req->path = t + start;
    req->path_len = n - start;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c <= 0x20 || c >= 0x7f || c == '#') return -400;
        if (c == '%' &&
            (i + 2 >= n || !is_hex((unsigned char)t[i + 1]) || !is_hex((unsigned char)t[i + 2])))
            return -400;
        if (c == '?' && req->query == NULL && i >= start) {
            req->path_len = i - start;
            req->query = t + i + 1;
            req->query_len = n - i - 1;
        }
    }
    if (req->path_len == 0) {
        req->path = root;
        req->path_len = 1;
    }
    return 0;
}

/* "HTTP/1.1" or "HTTP/1.0"; any other HTTP/d.d is a version we do not speak (505). */
static int parse_version(const char *v, size_t n, struct http_request *req)
{
    if (n != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' || v[6] != '.' ||
        v[7] < '0' || v[7] > '9')
        return -400;
    if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) return -505;
    req->version_minor = v[7] - '0';
    return 0;
}

/* method SP request-target SP HTTP-version, exactly one space between parts. */
static int parse_request_line(const char *l, size_t n, struct http_request *req)
{
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)l[i]))
        i++;
    if (i == 0 || i == n || l[i] != ' ') return -400;
    req->method = l;
    req->method_len = i;
    const char *t = l + i + 1;
    const char *sp = memchr(t, ' ', n - i - 1);
    if (sp == NULL) return -400; /* HTTP/0.9 style, no version */
    int r = parse_target(t, (size_t)(sp - t), req);
    if (r) return r;
    return parse_version(sp + 1, (size_t)(l + n - sp - 1), req);
}

/* Digits only, no sign, no spaces inside; values past 2^63 count as malformed. */
static int parse_length(const char *v, size_t n, uint64_t *out)
{
    uint64_t x = 0;
    if (n == 0) return -400;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX / 2 - 9) / 10) return -400;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return 0;
}

/* Calls each(element) for the elements of a comma-separated list (RFC 9110 5.6.1): OWS around
 * each element trimmed, empty elements skipped. */
static void each_element(const char *v, size_t n, struct http_request *req,
                         void (*each)(const char *e, size_t len, struct http_request *req))
{
    size_t i = 0;
    while (i < n) {
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i++;
        while (s < e && (v[s] == ' ' || v[s] == '\t'))
            s++;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e > s) each(v + s, e - s, req);
    }
}

/* Connection options are case-insensitive tokens; only "close" and "keep-alive" matter to us. */
static void connection_option(const char *e, size_t n, struct http_request *req)
{
    if (ieq(e, n, "close"))
        req->conn_close = 1;
    else if (ieq(e, n, "keep-alive"))
        req->conn_keep_alive = 1;
}

/* "100-continue" is the only expectation defined (RFC 9110 10.1.1); any other is one we cannot
 * meet. */
static void expectation(const char *e, size_t n, struct http_request *req)
{
    if (ieq(e, n, "100-continue"))
        req->expect_continue = 1;
    else
        req->expect_other = 1;
}

/* name ":" OWS value OWS; no space before the colon, no obs-fold (checked by the caller). */
static int parse_header(const char *l, size_t n, struct http_request *req)
{
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)l[i]))
        i++;
    if (i == 0 || i == n || l[i] != ':') return -400;
    size_t name_len = i++;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    size_t vs = i, ve = n;
    for (; i < n; i++)
        if (!is_field_byte((unsigned char)l[i])) return -400;
    while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
        ve--;
    const char *v = l + vs;
    size_t vn = ve - vs;

    if (ieq(l, name_len, "content-length")) {
        if (req->has_content_length)
            return -400; /* duplicates, even equal ones, are a smuggling vector */
        req->has_content_length = 1;
        return parse_length(v, vn, &req->content_length);
    }
    if (ieq(l, name_len, "host")) {
        /* Validated even when an absolute-form authority overrides it, as nginx does. */
        if (req->has_host || !valid_host(v, vn)) return -400;
        req->has_host = 1;
        if (!req->absolute_form) {
            req->host = v;
            req->host_len = vn;
        }
    } else if (ieq(l, name_len, "transfer-encoding")) {
        req->has_transfer_encoding = 1;
    } else if (ieq(l, name_len, "connection")) {
        each_element(v, vn, req, connection_option);
    } else if (ieq(l, name_len, "expect")) {
        each_element(v, vn, req, expectation);
    }
    return 0;
}

long http_parse_request(const char *buf, size_t len, struct http_request *req)
{
    size_t p = 0;
    memset(req, 0, sizeof(*req));

    /* RFC 9112 2.2: ignore empty lines before the request line (they count towards the limit). */
    while (p + 2 <= len && buf[p] == '\r' && buf[p + 1] == '\n')
        p += 2;
    if (p < len && buf[p] == '\n') return -400;

    int line_no = 0;
    for (;;) {
        size_t limit = line_no == 0 ? HTTP_MAX_LINE : HTTP_MAX_HEAD;
        const char *nl = p < len ? memchr(buf + p, '\n', len - p) : NULL;
        if (nl == NULL) return len >= limit ? -(line_no == 0 ? 414 : 431) : 0;
        size_t end = (size_t)(nl - buf); /* index of the LF */
        if (end + 1 > limit) return -(line_no == 0 ? 414 : 431);
        if (end == p || buf[end - 1] != '\r') return -400; /* bare LF: strict rejection */
        const char *l = buf + p;
        size_t n = end - 1 - p;
        p = end + 1;

        if (line_no == 0) {
            int r = parse_request_line(l, n, req);
            if (r) return r;
        } else if (n == 0) {
            break; /* the empty line that ends the head */
        } else {
            if (req->nheaders >= HTTP_MAX_HEADERS) return -431;
            if (l[0] == ' ' || l[0] == '\t') return -400; /* obs-fold, deprecated and refused */
            int r = parse_header(l, n, req);
            if (r) return r;
            req->nheaders++;
        }
        line_no++;
    }

    if (req->has_transfer_encoding) return req->has_content_length ? -400 : -501;
    if (req->version_minor == 1 && !req->has_host) return -400;
    return (long)p;
}
