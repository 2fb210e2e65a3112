/* NAME    outcome.c
 * PURPOSE Names of the outcome classes, as they appear in JSON, CSV and tables. */
#include "outcome.h"

const char *outcome_class_name(enum outcome_class c)
{
    static const char *const names[OUT_NCLASSES] = {
        [OUT_OK] = "ok",           [OUT_CONNECT] = "connect",
        [OUT_TIMEOUT] = "timeout", [OUT_HTTP_STATUS] = "http_status",
        [OUT_RESET] = "reset",     [OUT_OTHER] = "other",
        [OUT_NOT_RUN] = "not_run",
    };
    return (unsigned)c < OUT_NCLASSES ? names[c] : "other";
}
