/* NAME    outcome.c
 * PURPOSE Names of the outcome classes, as they appear in JSON, CSV and tables. */
#include "outcome.h"

#include <stdio.h>

const char *outcome_class_name(enum outcome_class c)
{
    static const char *const names[OUT_NCLASSES] = {
        [OUT_OK] = "ok",
        [OUT_CONNECT] = "connect",
        [OUT_TIMEOUT] = "timeout",
        [OUT_HTTP_STATUS] = "http_status",
        [OUT_RESET] = "reset",
        [OUT_OTHER] = "other",
        [OUT_CANCELLED] = "cancelled",
        [OUT_NOT_RUN] = "not_run",
    };
    return (unsigned)c < OUT_NCLASSES ? names[c] : "other";
}

int outcomes_check_min_duration(const struct outcome *o, long n, int64_t min_ns, char *why,
                                size_t len)
{
    for (long i = 0; i < n; i++) {
        int64_t took = o[i].end_ns - o[i].start_ns;
        if (o[i].cls == OUT_OK && took < min_ns) {
            snprintf(why, len, "task %ld took %lld ns, less than the %lld ns it had to wait", i,
                     (long long)took, (long long)min_ns);
            return -1;
        }
    }
    return 0;
}
