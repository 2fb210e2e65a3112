/* NAME    arms.c
 * PURPOSE Parses `-e` lists into arms and applies each arm's own settings (arms.h). */
#include "arms.h"

#include <stdio.h>
#include <string.h>

static int add(const char *name, size_t len, const char *settings, size_t slen, struct arm *arms,
               int *n, char *err, size_t errlen)
{
    char nm[64];
    snprintf(nm, sizeof nm, "%.*s", (int)(len < sizeof nm ? len : sizeof nm - 1), name);
    const struct executor *e = executor_find(nm);
    if (!e) {
        snprintf(err, errlen, "unknown executor '%s' (see --list)", nm);
        return -1;
    }
    if (*n >= MAX_ARMS) {
        snprintf(err, errlen, "at most %d executors in one run", MAX_ARMS);
        return -1;
    }
    struct arm *a = &arms[(*n)++];
    memset(a, 0, sizeof *a);
    a->e = e;
    if (slen >= sizeof a->settings) {
        snprintf(err, errlen, "settings of executor %s are too long", nm);
        return -1;
    }
    snprintf(a->settings, sizeof a->settings, "%.*s", (int)slen, settings);
    return 0;
}

int arms_parse(const char *spec, struct arm *arms, int *n, char *err, size_t errlen)
{
    if (*spec == '\0') {
        snprintf(err, errlen, "--executor needs a name (see --list)");
        return -1;
    }
    /* "sequential," has an empty item at its end, as ",sequential" and "a,,b" have theirs. */
    if (spec[strlen(spec) - 1] == ',') {
        snprintf(err, errlen, "--executor '%s' has an empty item (at its end)", spec);
        return -1;
    }
    for (const char *c = spec; *c;) {
        size_t len = strcspn(c, ",");
        if (len == 0) {
            snprintf(err, errlen, "--executor '%s' has an empty item", spec);
            return -1;
        }
        size_t name_len = strcspn(c, ",:");
        if (name_len == 3 && strncmp(c, "all", 3) == 0 && name_len == len) {
            for (const struct executor *const *e = executors; *e; e++) /* but one that runs alone */
                if (!(*e)->alone &&
                    add((*e)->name, strlen((*e)->name), "", 0, arms, n, err, errlen))
                    return -1;
        } else {
            const char *settings = c + name_len + (name_len < len);
            size_t slen = name_len < len ? len - name_len - 1 : 0;
            if (add(c, name_len, settings, slen, arms, n, err, errlen)) return -1;
        }
        c += len + (c[len] == ',');
    }
    return 0;
}

/* One own setting, "threads=2", "pin" or "no-reuse", onto a. */
static int setting(struct arm *a, const char *tok, char *err, size_t errlen)
{
    char key[64];
    const char *eq = strchr(tok, '=');
    snprintf(key, sizeof key, "%.*s", (int)(eq ? (size_t)(eq - tok) : strlen(tok)), tok);
    const struct param_def *d = param_find(key);
    int off = 0;
    if (!d && strncmp(key, "no-", 3) == 0 && (d = param_find(key + 3)) && d->type == PT_FLAG)
        off = 1;
    if (!d || !(a->e->params & PM(d->id))) {
        snprintf(err, errlen, "'%s' is not a setting of executor %s (it reads: see --help)", key,
                 a->e->name);
        return -1;
    }
    if (d->type == PT_FLAG) {
        int on = !off;
        if (eq) {
            if (strcmp(eq + 1, "yes") == 0 || strcmp(eq + 1, "1") == 0)
                on = !off;
            else if (strcmp(eq + 1, "no") == 0 || strcmp(eq + 1, "0") == 0)
                on = off;
            else {
                snprintf(err, errlen, "%s takes yes or no, not '%s'", key, eq + 1);
                return -1;
            }
        }
        param_set_long(&a->p, d->id, on);
        a->p.set |= PM(d->id);
    } else {
        if (!eq) {
            snprintf(err, errlen, "executor setting '%s' needs a value (%s=...)", key, key);
            return -1;
        }
        if (param_parse(&a->p, d->id, eq + 1, err, errlen) != 0) return -1;
    }
    a->own |= PM(d->id);
    return 0;
}

int arms_apply(struct arm *arms, int n, const struct params *p, char *err, size_t errlen)
{
    for (int k = 0; k < n; k++) {
        struct arm *a = &arms[k];
        unsigned ignored = a->ignored;
        a->p = *p;
        a->own = 0;
        a->ignored = ignored;
        size_t used = (size_t)snprintf(a->label, sizeof a->label, "%s", a->e->name);
        /* Each setting as its own string in a->values, which outlives the parse: a text
         * parameter keeps a pointer to its value. */
        memcpy(a->values, a->settings, sizeof a->values);
        for (char *tok = a->values; *tok;) {
            size_t len = strcspn(tok, ":");
            int last = tok[len] == '\0';
            tok[len] = '\0';
            if (len == 0 || setting(a, tok, err, errlen) != 0) {
                if (len == 0) snprintf(err, errlen, "executor %s: an empty setting", a->e->name);
                return -1;
            }
            if (used < sizeof a->label)
                used += (size_t)snprintf(a->label + used, sizeof a->label - used, " %s", tok);
            tok += len + !last;
        }
    }
    return 0;
}
