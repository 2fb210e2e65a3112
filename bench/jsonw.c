/* NAME    jsonw.c
 * PURPOSE A minimal JSON writer: commas and escaping handled here, so callers only name fields. */
#include "jsonw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(struct jw *j)
{
    memset(j, 0, sizeof *j);
}

void jw_free(struct jw *j)
{
    free(j->buf);
    memset(j, 0, sizeof *j);
}

static void put(struct jw *j, const char *s, size_t n)
{
    if (j->oom) return;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 1024;
        while (cap < j->len + n + 1)
            cap *= 2;
        char *b = realloc(j->buf, cap);
        if (!b) {
            j->oom = 1;
            return;
        }
        j->buf = b;
        j->cap = cap;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void putf(struct jw *j, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) put(j, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

size_t jw_utf8_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char c = p[0];
    /* The second byte's range depends on the first: that rules out overlong forms (C0, C1,
     * E0 80-9F, F0 80-8F), UTF-16 surrogates (ED A0-BF) and code points beyond U+10FFFF (F4 90-,
     * F5-FF). A NUL is never a continuation byte, so nothing is read past the string's end. */
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else
        return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t k = 2; k < n; k++)
        if (p[k] < 0x80 || p[k] > 0xBF) return 0;
    return n;
}

/* Any C string becomes a valid JSON string of valid UTF-8: quote and backslash escaped, control
 * characters and DEL as \uXXXX (\n, \t and friends by their short names), U+2028 and U+2029
 * escaped too (JavaScript reads them as line breaks), valid UTF-8 copied as it is, and every byte
 * that does not begin a valid, shortest-form sequence replaced by \ufffd, one per byte. Hostnames,
 * CPU model names, curl's messages and user-given text all pass through here. */
static void put_string(struct jw *j, const char *s)
{
    put(j, "\"", 1);
    for (const char *p = s; *p;) {
        unsigned char c = (unsigned char)*p;
        size_t n = jw_utf8_len(p);
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(j, e, 2);
        } else if (n == 1 && (c < 0x20 || c == 0x7f)) {
            const char *named = c == '\n'   ? "\\n"
                                : c == '\t' ? "\\t"
                                : c == '\r' ? "\\r"
                                : c == '\b' ? "\\b"
                                : c == '\f' ? "\\f"
                                            : NULL;
            if (named)
                put(j, named, 2);
            else
                putf(j, "\\u%04x", c);
        } else if (n == 0) {
            put(j, "\\ufffd", 6);
            n = 1;
        } else if (n == 3 && c == 0xE2 && (unsigned char)p[1] == 0x80 &&
                   ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9)) {
            put(j, (unsigned char)p[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
        } else {
            put(j, p, n);
        }
        p += n;
    }
    put(j, "\"", 1);
}

/* Writes the comma and "key": that come before a member. */
static void member(struct jw *j, const char *key)
{
    if (j->depth > 0) {
        if (!j->first[j->depth - 1]) put(j, ",", 1);
        j->first[j->depth - 1] = 0;
    }
    if (key) {
        put_string(j, key);
        put(j, ":", 1);
    }
}

void jw_obj_begin(struct jw *j, const char *key)
{
    member(j, key);
    put(j, "{", 1);
    if (j->depth < JW_MAX_DEPTH) j->first[j->depth] = 1;
    j->depth++;
}

void jw_obj_end(struct jw *j)
{
    put(j, "}", 1);
    j->depth--;
}

void jw_arr_begin(struct jw *j, const char *key)
{
    member(j, key);
    put(j, "[", 1);
    if (j->depth < JW_MAX_DEPTH) j->first[j->depth] = 1;
    j->depth++;
}

void jw_arr_end(struct jw *j)
{
    put(j, "]", 1);
    j->depth--;
}

void jw_str(struct jw *j, const char *key, const char *v)
{
    member(j, key);
    if (v)
        put_string(j, v);
    else
        put(j, "null", 4);
}

void jw_int(struct jw *j, const char *key, long long v)
{
    member(j, key);
    putf(j, "%lld", v);
}

void jw_num(struct jw *j, const char *key, double v)
{
    member(j, key);
    if (isfinite(v))
        putf(j, "%.9g", v);
    else
        put(j, "null", 4);
}

void jw_bool(struct jw *j, const char *key, int v)
{
    member(j, key);
    put(j, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *j, const char *key)
{
    member(j, key);
    put(j, "null", 4);
}

void jw_raw(struct jw *j, const char *text)
{
    put(j, text, strlen(text));
}

void jw_raw_member(struct jw *j, const char *key, const char *json)
{
    member(j, key);
    put(j, json, strlen(json));
}
