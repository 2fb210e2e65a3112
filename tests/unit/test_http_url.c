/* NAME    test_http_url.c
 * PURPOSE The http workload's URL policy (workloads/http_url.c): what curl would read as a
 *         user name, a DNS name, a zone, a port out of range or another scheme is refused;
 *         loopback literals in any form curl accepts, [::1] and localhost pass, normalised; and
 *         the connect-time check admits only loopback addresses without --allow-remote. */
#include <arpa/inet.h>
#include <string.h>

#include "check.h"
#include "http.h"

struct url_case {
    const char *url;
    int allow_remote;
    int base;
    const char *want; /* the normalised URL, or NULL: refused */
    const char *word; /* when refused: a word the message must contain */
};

static const struct url_case cases[] = {
    {"http://127.0.0.1:8080/delay/5", 0, 0, "http://127.0.0.1:8080/delay/5", NULL},
    {"http://127.0.0.1:8080", 0, 1, "http://127.0.0.1:8080/", NULL},
    {"http://127.255.1.2:80/", 0, 0, "http://127.255.1.2:80/", NULL},
    {"http://127.1:9/", 0, 0, "http://127.0.0.1:9/", NULL},      /* curl's IPv4 shorthand */
    {"http://2130706433:9/", 0, 0, "http://127.0.0.1:9/", NULL}, /* one number: 127.0.0.1 */
    {"http://0x7f.1/", 0, 0, "http://127.0.0.1/", NULL},
    {"http://[::1]:9/x?y", 0, 0, "http://[::1]:9/x?y", NULL},
    {"http://localhost:9/", 0, 0, "http://localhost:9/", NULL},
    {"HTTP://LocalHost:9/", 0, 0, "http://LocalHost:9/", NULL},
    /* user information: curl connects to the host after the '@' */
    {"http://127.0.0.1@192.0.2.1:9/", 0, 0, NULL, "user information"},
    {"http://127.0.0.1:80@192.0.2.1:9/", 0, 0, NULL, "user information"},
    {"http://127.0.0.1\\@192.0.2.1/", 0, 0, NULL, "user information"},
    {"http://;o@127.0.0.1/", 0, 0, NULL, "user information"},
    {"http://u:p@127.0.0.1/", 0, 0, NULL, "user information"},
    {"http://u@192.0.2.1/", 1, 0, NULL, "user information"}, /* --allow-remote or not */
    /* names other than localhost would be looked up */
    {"http://127.evil.example:9/", 0, 0, NULL, "loopback"},
    {"http://localhost.:9/", 0, 0, NULL, "loopback"},
    {"http://127.0.0.1./", 0, 0, NULL, "loopback"},
    {"http://10.0.0.1/", 0, 0, NULL, "loopback"},
    {"http://128.0.0.1/", 0, 0, NULL, "loopback"},
    {"http://[::2]/", 0, 0, NULL, "loopback"},
    {"http://[::ffff:192.0.2.1]/", 0, 0, NULL, "loopback"},
    {"http://[::1%25lo]:9/", 0, 0, NULL, "zone"},
    {"http://192.0.2.1:9/", 1, 0, "http://192.0.2.1:9/", NULL}, /* checked, never fetched */
    {"http://example.invalid/", 1, 0, "http://example.invalid/", NULL},
    /* schemes, ports, bytes */
    {"https://127.0.0.1/", 0, 0, NULL, "http://"},
    {"ftp://127.0.0.1/", 1, 0, NULL, "http://"},
    {"127.0.0.1:9", 0, 0, NULL, "http://"},
    {"http://127.0.0.1:99999/", 0, 0, NULL, "Port"},
    {"http://127.0.0.1:0/", 0, 0, NULL, "port 0"},
    {"http://127.0.0.1:9;x/", 0, 0, NULL, "Port"},
    {"http://127.0.0.1:9/a b", 0, 0, NULL, "space"},
    {"http://127.0.0.1:9/\r\nX: y", 0, 0, NULL, "control character"},
    {"http://127.0.0.1:9/\xff", 0, 0, NULL, "beyond ASCII"},
    {"http://\xe2\x91\xa0.0.0.1/", 0, 0, NULL, "beyond ASCII"},
    {"http://3.1ote%da/", 1, 0, NULL, "host decoded"}, /* found by fuzz_cli */
    {"http://%31%32%37.0.0.1:9/", 0, 0, "http://127.0.0.1:9/", NULL},
    {"", 0, 0, NULL, "empty"},
    {"http:///", 0, 0, NULL, "http://"},
    /* one grammar with the references (tests/reference/url_cases.json): curl's extra slashes
     * and names no server has are refused */
    {"http:/127.0.0.1:9/", 0, 0, NULL, "http://"},
    {"http:///127.0.0.1:9/", 0, 0, NULL, "http://"},
    {"http:\\\\127.0.0.1:9/", 0, 0, NULL, "http://"},
    {"http://.example.invalid/", 1, 0, NULL, "bad host name"},
    {"http://a..b/", 1, 0, NULL, "bad host name"},
    {"http://a_b-c.d./", 1, 0, "http://a_b-c.d./", NULL},
    {"http://127.0.0.1:9/?q=1", 0, 1, NULL, "no '?'"},
    {"http://127.0.0.1:9/#f", 0, 1, NULL, "no '?'"},
};

int main(void)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct url_case *c = &cases[k];
        char out[2048] = "", res[96] = "x", err[256] = "";
        int rc = http_url_check("--url", c->url, c->allow_remote, c->base, out, sizeof out, res,
                                sizeof res, err, sizeof err);
        int ok = c->want ? rc == 0 && strcmp(out, c->want) == 0
                         : rc == -1 && strstr(err, c->word) && !strchr(err, '\n');
        if (!ok)
            fprintf(stderr, "case %zu '%s': rc %d, out '%s', err '%s'\n", k, c->url, rc, out, err);
        CHECK(ok);
        /* localhost, and only localhost, comes with its own address. */
        if (rc == 0)
            CHECK(strstr(c->url, "ocal") ? strcmp(res, "localhost:9:127.0.0.1") == 0
                                         : res[0] == '\0');
    }
    char out[16], res[96], err[256];
    CHECK(http_url_check("--url", "http://127.0.0.1:9/long/path", 0, 0, out, sizeof out, res,
                         sizeof res, err, sizeof err) == -1 &&
          strstr(err, "too long"));

    /* The connect-time check: whatever name led there, only loopback addresses. */
    struct sockaddr_in v4 = {.sin_family = AF_INET};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET, "127.3.2.1", &v4.sin_addr);
    CHECK(http_address_allowed((struct sockaddr *)&v4, 0));
    inet_pton(AF_INET, "192.0.2.1", &v4.sin_addr);
    CHECK(!http_address_allowed((struct sockaddr *)&v4, 0));
    CHECK(http_address_allowed((struct sockaddr *)&v4, 1));
    inet_pton(AF_INET6, "::1", &v6.sin6_addr);
    CHECK(http_address_allowed((struct sockaddr *)&v6, 0));
    inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr);
    CHECK(!http_address_allowed((struct sockaddr *)&v6, 0));
    struct sockaddr other = {.sa_family = AF_UNIX};
    CHECK(!http_address_allowed(&other, 0));
    CHECK_DONE();
}
