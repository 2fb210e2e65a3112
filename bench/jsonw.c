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

static void put_string(struct jw *j, const char *s)
{
    put(j, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            put(j, e, 2);
        } else if (*p < 0x20) {
            putf(j, "\\u%04x", *p);
        } else {
            put(j, (const char *)p, 1);
        }
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
