/* NAME    parser.c
 * PURPOSE Strict HTTP/1.1 request-head parser (RFC 9112): lines must end in CRLF, tokens and field
 *         values are checked byte by byte, and only complete lines are judged, which makes the
 *         result independent of how the bytes were split across reads. */
#include "parser.h"

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

/* The request target: origin-form only, visible ASCII, and every '%' followed by two hex digits.
 * We never decode it: routes match the raw path, so the check only rejects what is malformed. */
static int parse_target(const char *t, size_t n, struct http_request *req)
{
    if (n == 0 || t[0] != '/') return -400;
    req->path = t;
    req->path_len = n;
    req->query = NULL;
    req->query_len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c <= 0x20 || c >= 0x7f || c == '#') return -400;
        if (c == '%' &&
            (i + 2 >= n || !is_hex((unsigned char)t[i + 1]) || !is_hex((unsigned char)t[i + 2])))
            return -400;
        if (c == '?' && req->query == NULL) {
            req->path_len = i;
            req->query = t + i + 1;
            req->query_len = n - i - 1;
        }
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

/* Connection is a comma-separated token list; only "close" and "keep-alive" matter to us. */
static void parse_connection(const char *v, size_t n, struct http_request *req)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
            i++;
        if (ieq(v + s, i - s, "close"))
            req->conn_close = 1;
        else if (ieq(v + s, i - s, "keep-alive"))
            req->conn_keep_alive = 1;
    }
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
        if (req->has_host) return -400;
        req->has_host = 1;
    } else if (ieq(l, name_len, "transfer-encoding")) {
        req->has_transfer_encoding = 1;
    } else if (ieq(l, name_len, "connection")) {
        parse_connection(v, vn, req);
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
