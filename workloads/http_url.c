/* NAME    http_url.c
 * PURPOSE Which URLs the http and mixed workloads fetch. The URL is read by curl's own parser
 *         (curl_url), so what is checked here is exactly what curl connects to: a look at the
 *         text would take "http://127.0.0.1@192.0.2.1/" for loopback, where curl reads 127.0.0.1
 *         as a user name. Only http, no user information, and a loopback host (an IPv4 literal in
 *         127.0.0.0/8, [::1], or localhost, which maps to 127.0.0.1 here without asking DNS),
 *         unless --allow-remote. The tasks then fetch curl's normalised form of the URL.
 *         Where curl is lenient ("http:/h", "http:///h", host names like ".a" or "a..b") the
 *         URL is refused, so that the reference programs' rule (reference/cvpurl.py,
 *         reference/node), which read URLs with a grammar of their own, is this one: every
 *         case of tests/reference/url_cases.json gives the same answer in every program. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* A part of h, or NULL when the URL has none (curl_free() it). */
static char *part(CURLU *h, CURLUPart which, unsigned flags)
{
    char *v = NULL;
    if (curl_url_get(h, which, &v, flags) != CURLUE_OK) return NULL;
    return v;
}

/* 1 when host (as curl_url gives it: IPv6 in brackets) is a loopback address literal. */
static int loopback_literal(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    char inner[64];
    size_t len = strlen(host);
    if (inet_pton(AF_INET, host, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
    if (len < 3 || len - 2 >= sizeof inner || host[0] != '[' || host[len - 1] != ']') return 0;
    memcpy(inner, host + 1, len - 2);
    inner[len - 2] = '\0';
    return inet_pton(AF_INET6, inner, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Spaces, control characters (CR, LF: header injection) and bytes beyond ASCII are never sent
 * as they are; a URL that needs them percent-encodes them. 1 (with err) when url has one. */
static int bad_byte(const char *what, const char *url, const char *where, char *err, size_t errlen)
{
    for (size_t k = 0; url[k]; k++) {
        unsigned char c = (unsigned char)url[k];
        if (c <= 0x20 || c >= 0x7f) {
            snprintf(err, errlen, "%s%s has a %s at byte %zu: percent-encode it (%%%02X)", what,
                     where,
                     c == ' '                ? "space"
                     : c < 0x20 || c == 0x7f ? "control character"
                                             : "byte beyond ASCII",
                     k, c);
            return 1;
        }
    }
    return 0;
}

/* 1 when host is a DNS name as the other programs' rule reads one (reference/cvpurl.py,
 * reference/node): labels of letters, digits, '-' and '_', one dot between them, one optional
 * at the end. curl takes more (".a", "a..b"), which no server of anyone's is called. */
static int good_name(const char *host)
{
    int label = 0;
    for (const char *c = host; *c; c++) {
        if (*c == '.') {
            if (label == 0) return 0;
            label = 0;
        } else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                   (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')
            label++;
        else
            return 0;
    }
    return host[0] != '\0';
}

/* 1 when url is a scheme, "://" and then the host: curl also takes "http:/h" and "http:///h",
 * which the other programs' grammar does not (one rule for all of them). */
static int two_slashes(const char *url)
{
    const char *c = url;
    while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
           *c == '+' || *c == '-' || *c == '.')
        c++;
    return c > url && strncmp(c, "://", 3) == 0 && c[3] != '/' && c[3] != '\\';
}

static int check_once(const char *what, const char *url, int allow_remote, int base, char *out,
                      size_t outlen, char *resolve, size_t rlen, char *err, size_t errlen)
{
    size_t len = strlen(url);
    if (len == 0) {
        snprintf(err, errlen, "%s is empty: give http://127.0.0.1:PORT", what);
        return -1;
    }
    if (len >= outlen) {
        snprintf(err, errlen, "%s is too long (%zu bytes; at most %zu)", what, len, outlen - 1);
        return -1;
    }
    if (bad_byte(what, url, "", err, errlen)) return -1;
    if (!two_slashes(url)) {
        snprintf(err, errlen, "%s '%s' must start with http://", what, url);
        return -1;
    }
    CURLU *h = curl_url();
    if (!h) {
        snprintf(err, errlen, "%s: out of memory", what);
        return -1;
    }
    char *scheme = NULL, *user = NULL, *pass = NULL, *opts = NULL, *host = NULL, *zone = NULL,
         *port = NULL, *query = NULL, *frag = NULL, *norm = NULL;
    int rc = -1;
    CURLUcode uc = curl_url_set(h, CURLUPART_URL, url, 0);
    if (uc == CURLUE_UNSUPPORTED_SCHEME || uc == CURLUE_BAD_SCHEME || uc == CURLUE_BAD_SLASHES) {
        snprintf(err, errlen, "%s '%s' must start with http://", what, url);
        goto done;
    }
    if (uc != CURLUE_OK) {
        snprintf(err, errlen, "%s '%s' is not a valid URL: %s", what, url, curl_url_strerror(uc));
        goto done;
    }
    scheme = part(h, CURLUPART_SCHEME, 0);
    if (!scheme || strcmp(scheme, "http") != 0) {
        snprintf(err, errlen, "%s '%s' must start with http:// (got %s)", what, url,
                 scheme ? scheme : "no scheme");
        goto done;
    }
    user = part(h, CURLUPART_USER, 0);
    pass = part(h, CURLUPART_PASSWORD, 0);
    opts = part(h, CURLUPART_OPTIONS, 0);
    if (user || pass || opts) {
        snprintf(err, errlen,
                 "%s '%s' has user information (before an '@'): not allowed, since it hides "
                 "which host is meant",
                 what, url);
        goto done;
    }
    host = part(h, CURLUPART_HOST, 0);
    zone = part(h, CURLUPART_ZONEID, 0);
    if (!host || !*host || zone) {
        snprintf(err, errlen, "%s '%s' needs a host%s", what, url,
                 zone ? " without a zone id" : "");
        goto done;
    }
    int localhost = strcasecmp(host, "localhost") == 0;
    struct in_addr a4;
    if (!localhost && host[0] != '[' && inet_pton(AF_INET, host, &a4) != 1 && !good_name(host)) {
        /* curl decodes a percent-encoded host ("%da"): say so when that made it bad. */
        if (!bad_byte(what, host, " (its host decoded)", err, errlen))
            snprintf(err, errlen, "%s '%s' is not a valid URL: a bad host name", what, url);
        goto done;
    }
    if (!allow_remote && !localhost && !loopback_literal(host)) {
        snprintf(err, errlen,
                 "%s host '%s' is not on loopback (127.0.0.0/8, [::1] or localhost): this suite "
                 "only loads servers on this machine (--allow-remote: your own service)",
                 what, host);
        goto done;
    }
    port = part(h, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    long pnum = port ? strtol(port, NULL, 10) : 0;
    if (pnum < 1 || pnum > 65535) {
        snprintf(err, errlen, "%s '%s': port %s is not in 1-65535", what, url,
                 port ? port : "(none)");
        goto done;
    }
    query = part(h, CURLUPART_QUERY, 0);
    frag = part(h, CURLUPART_FRAGMENT, 0);
    if (base && (query || frag)) {
        snprintf(err, errlen, "%s '%s' is a server to add paths to: no '?' or '#'", what, url);
        goto done;
    }
    norm = part(h, CURLUPART_URL, 0);
    if (!norm || strlen(norm) >= outlen) {
        snprintf(err, errlen, "%s '%s' is too long once normalised", what, url);
        goto done;
    }
    /* curl decodes a percent-encoded host ("%da"): the decoded form must be clean too. */
    if (bad_byte(what, norm, " (its host decoded)", err, errlen)) goto done;
    memcpy(out, norm, strlen(norm) + 1);
    /* localhost: an address of our choosing, never a lookup (curl would ask the resolver, on a
     * thread of its own in Debian's build). Names under --allow-remote are the user's to have
     * resolved. */
    if (rlen > 0) resolve[0] = '\0';
    if (localhost && snprintf(resolve, rlen, "localhost:%ld:127.0.0.1", pnum) >= (int)rlen) {
        snprintf(err, errlen, "%s: no room for the localhost entry", what);
        goto done;
    }
    rc = 0;
done:
    curl_free(scheme);
    curl_free(user);
    curl_free(pass);
    curl_free(opts);
    curl_free(host);
    curl_free(zone);
    curl_free(port);
    curl_free(query);
    curl_free(frag);
    curl_free(norm);
    curl_url_cleanup(h);
    return rc;
}

/* curl's normal form is not always its own fixed point: a percent-encoded host is decoded
 * after the IPv4 shorthands are expanded ("http://%384.2.1" gives host 84.2.1, which read again
 * becomes 84.2.0.1). So the normal form is checked again, all rules included, until it stays
 * the same: the URL used is one that reads back as itself. */
int http_url_check(const char *what, const char *url, int allow_remote, int base, char *out,
                   size_t outlen, char *resolve, size_t rlen, char *err, size_t errlen)
{
    char *prev = malloc(outlen);
    if (!prev) {
        snprintf(err, errlen, "%s: out of memory", what);
        return -1;
    }
    int rc = check_once(what, url, allow_remote, base, out, outlen, resolve, rlen, err, errlen);
    for (int round = 0; rc == 0; round++) {
        memcpy(prev, out, strlen(out) + 1);
        rc = check_once(what, prev, allow_remote, base, out, outlen, resolve, rlen, err, errlen);
        if (rc == 0 && strcmp(prev, out) == 0) break;
        if (rc == 0 && round == 2) {
            snprintf(err, errlen, "%s '%s' does not settle into one form (curl reads it as '%s')",
                     what, url, out);
            rc = -1;
        }
    }
    free(prev);
    return rc;
}

int http_address_allowed(const struct sockaddr *sa, int allow_remote)
{
    if (allow_remote) return 1;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return 0;
}
