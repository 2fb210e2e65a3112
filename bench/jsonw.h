/* NAME    jsonw.h
 * PURPOSE A minimal JSON writer into a growing buffer: objects, arrays, strings, numbers,
 *         booleans. */
#ifndef CVP_JSONW_H
#define CVP_JSONW_H

#include <stddef.h>

#define JW_MAX_DEPTH 16

struct jw {
    char *buf;
    size_t len, cap;
    int depth;
    int first[JW_MAX_DEPTH]; /* 1 while the object at that depth has no member yet */
    int oom;                 /* an allocation failed; the text is incomplete */
};

void jw_init(struct jw *j);
void jw_free(struct jw *j);
/* key is NULL for the top-level object. */
void jw_obj_begin(struct jw *j, const char *key);
void jw_obj_end(struct jw *j);
/* Arrays: members inside take key NULL. */
void jw_arr_begin(struct jw *j, const char *key);
void jw_arr_end(struct jw *j);
/* A string, NULL writes null. Any bytes give valid JSON and valid UTF-8: control characters are
 * escaped and a byte that does not begin a valid UTF-8 sequence becomes \ufffd. */
void jw_str(struct jw *j, const char *key, const char *v);
void jw_int(struct jw *j, const char *key, long long v);
void jw_num(struct jw *j, const char *key, double v); /* NaN and inf write null */
void jw_bool(struct jw *j, const char *key, int v);
void jw_null(struct jw *j, const char *key);
/* A member whose value is JSON text already (an object built with another writer). */
void jw_raw_member(struct jw *j, const char *key, const char *json);
/* Appends text as it is (for the text and CSV formats, which share the buffer). */
void jw_raw(struct jw *j, const char *text);

/* The length of the valid UTF-8 sequence s begins with (1 to 4; 1 for ASCII, NUL included), or 0
 * when s[0] does not begin one (a stray continuation byte, an overlong form, a surrogate, beyond
 * U+10FFFF, or a sequence cut short). */
size_t jw_utf8_len(const char *s);

#endif
