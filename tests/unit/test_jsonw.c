/* NAME    test_jsonw.c
 * PURPOSE The JSON writer's strings: any bytes give a valid JSON string of valid UTF-8. Named
 *         cases (escapes, control characters, each kind of invalid UTF-8), then random byte
 *         strings checked against an independent decoder: the output decodes, escapes and all,
 *         to the input's code points with every invalid byte replaced by U+FFFD. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "jsonw.h"

/* The JSON text jw_str writes for s, without its quotes, in out. */
static void encode(const char *s, char *out, size_t len)
{
    struct jw j;
    jw_init(&j);
    jw_str(&j, NULL, s);
    size_t n = j.len >= 2 ? j.len - 2 : 0;
    CHECK(j.len >= 2 && j.buf[0] == '"' && j.buf[j.len - 1] == '"');
    snprintf(out, len, "%.*s", (int)n, j.buf + 1);
    jw_free(&j);
}

/* Decodes one UTF-8 sequence the long way (lead bits, then the rules as separate checks): its
 * code point, or -1 when invalid; *used receives the bytes taken (1 when invalid). */
static long decode_utf8(const unsigned char *p, size_t avail, size_t *used)
{
    *used = 1;
    unsigned c = p[0];
    int n = c < 0x80             ? 1
            : (c & 0xE0) == 0xC0 ? 2
            : (c & 0xF0) == 0xE0 ? 3
            : (c & 0xF8) == 0xF0 ? 4
                                 : 0;
    if (n == 0 || (size_t)n > avail) return -1;
    long cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    static const long least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *used = (size_t)n;
    return cp;
}

/* The code points a JSON string body means (escapes resolved); -1 on malformed JSON. */
static long json_decode(const char *s, long *cps, long max)
{
    long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len && n < max;) {
        if (p[i] < 0x20 || p[i] == '"') return -1; /* raw control character or bare quote */
        if (p[i] == '\\') {
            if (i + 1 >= len) return -1;
            char e = (char)p[i + 1];
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e && simple) {
                static const long val[] = {'"', '\\', '/', '\b', '\f', '\n', '\r', '\t'};
                cps[n++] = val[simple - "\"\\/bfnrt"];
                i += 2;
                continue;
            }
            if (e != 'u' || i + 6 > len) return -1;
            long v = 0;
            for (int k = 2; k < 6; k++) {
                char h = (char)p[i + k];
                int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
                if (d < 0) return -1;
                v = v * 16 + d;
            }
            if (v >= 0xD800 && v <= 0xDFFF) return -1; /* we never write surrogate escapes */
            cps[n++] = v;
            i += 6;
            continue;
        }
        size_t used;
        long cp = decode_utf8(p + i, len - i, &used);
        if (cp < 0) return -1; /* the output itself must be valid UTF-8 */
        cps[n++] = cp;
        i += used;
    }
    return n;
}

/* What the string should mean: its code points, U+FFFD for each byte of an invalid sequence. */
static long expected(const char *s, long *cps, long max)
{
    long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len && n < max;) {
        size_t used;
        long cp = decode_utf8(p + i, len - i, &used);
        cps[n++] = cp < 0 ? 0xFFFD : cp;
        i += used;
    }
    return n;
}

static void same_meaning(const char *in)
{
    char out[1024];
    long got[256] = {0}, want[256] = {0};
    encode(in, out, sizeof out);
    long ng = json_decode(out, got, 256), nw = expected(in, want, 256);
    int ok = ng == nw && ng >= 0 && memcmp(got, want, (size_t)(ng > 0 ? ng : 0) * sizeof *got) == 0;
    for (const unsigned char *c = (const unsigned char *)out; *c; c++)
        ok &= *c >= 0x20 && *c != 0x7f; /* nothing a terminal would act on */
    if (!ok) {
        fprintf(stderr, "input:");
        for (const unsigned char *c = (const unsigned char *)in; *c; c++)
            fprintf(stderr, " %02x", *c);
        fprintf(stderr, "\noutput: %s\n", out);
    }
    CHECK(ok);
}

static void exact(const char *in, const char *want)
{
    char out[1024];
    encode(in, out, sizeof out);
    if (strcmp(out, want) != 0) fprintf(stderr, "got '%s', want '%s'\n", out, want);
    CHECK(strcmp(out, want) == 0);
    same_meaning(in);
}

int main(void)
{
    exact("plain text", "plain text");
    exact("a\"b\\c/d", "a\\\"b\\\\c/d");
    exact("\n\t\r\b\f", "\\n\\t\\r\\b\\f");
    exact("\x01\x1f\x7f", "\\u0001\\u001f\\u007f");
    exact("GET /\r\nHost: x", "GET /\\r\\nHost: x");
    exact("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    exact("\xef\xbf\xbf\xf4\x8f\xbf\xbf", "\xef\xbf\xbf\xf4\x8f\xbf\xbf"); /* U+FFFF, U+10FFFF */
    exact("\xff", "\\ufffd");
    exact("\x80"
          "abc",
          "\\ufffdabc");                                       /* a stray continuation byte */
    exact("\xc0\x80", "\\ufffd\\ufffd");                       /* overlong NUL */
    exact("\xc1\xbf", "\\ufffd\\ufffd");                       /* overlong */
    exact("\xe0\x9f\xbf", "\\ufffd\\ufffd\\ufffd");            /* overlong 3-byte form */
    exact("\xf0\x8f\xbf\xbf", "\\ufffd\\ufffd\\ufffd\\ufffd"); /* overlong 4-byte form */
    exact("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");            /* a UTF-16 surrogate */
    exact("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"); /* beyond U+10FFFF */
    exact("\xf5\x80", "\\ufffd\\ufffd");
    exact("x\xe2\x82", "x\\ufffd\\ufffd");                 /* cut short at the end */
    exact("\xc3(", "\\ufffd(");                            /* cut short by ASCII */
    exact("\xe2\x80\xa8|\xe2\x80\xa9", "\\u2028|\\u2029"); /* JavaScript's line breaks */
    exact("", "");

    /* Keys go through the same path. */
    struct jw j;
    jw_init(&j);
    jw_obj_begin(&j, NULL);
    jw_str(&j, "k\n\xff", "v");
    jw_obj_end(&j);
    CHECK(strcmp(j.buf, "{\"k\\n\\ufffd\":\"v\"}") == 0);
    jw_free(&j);

    /* Random byte strings, biased towards the bytes that matter. */
    static const unsigned char pool[] = {0x00, 0x01, 0x0a, 0x1f, 0x20, '"',  '\\', 'a',  0x7f, 0x80,
                                         0x8f, 0x90, 0x9f, 0xa0, 0xa8, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf,
                                         0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int t = 0; t < 20000; t++) {
        char in[40];
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        int len = (int)(seed % 32);
        for (int k = 0; k < len; k++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            unsigned char b =
                (seed >> 8) & 1 ? pool[(seed >> 16) % sizeof pool] : (unsigned char)(seed >> 24);
            in[k] = (char)(b ? b : 'z'); /* a C string ends at its first NUL */
        }
        in[len] = '\0';
        same_meaning(in);
    }
    CHECK_DONE();
}
