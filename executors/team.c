/* NAME    team.c
 * PURPOSE Starts and joins a team of worker threads with per-thread workload state. */
#include "team.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity.h"

struct member {
    struct team *t;
    long id;
};

static void *member_main(void *arg)
{
    struct member *m = arg;
    struct team *t = m->t;
    long id = m->id;
    free(m);
    int pinned = t->pin && affinity_pin_self(id) == 0;
    int rc = t->w->worker_init ? t->w->worker_init(t->wstate, &t->tls[id]) : 0;
    pthread_mutex_lock(&t->mu);
    t->ready++;
    t->pinned += pinned;
    t->failed |= rc != 0;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    t->body(t->owner, id, t->tls[id]); /* even after a failure: the owner stops it at once */
    if (t->w->worker_fini && rc == 0) t->w->worker_fini(t->wstate, t->tls[id]);
    return NULL;
}

int team_start(struct team *t, const char *who, char *err, size_t errlen)
{
    t->created = t->ready = t->pinned = 0;
    t->failed = 0;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    t->tids = calloc((size_t)t->nthreads, sizeof *t->tids);
    t->tls = calloc((size_t)t->nthreads, sizeof *t->tls);
    if (!t->tids || !t->tls) {
        snprintf(err, errlen, "%s: out of memory for %ld threads", who, t->nthreads);
        return -ENOMEM;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (t->stack_bytes) pthread_attr_setstacksize(&attr, t->stack_bytes);
    int rc = 0;
    while (t->created < t->nthreads) {
        struct member *m = malloc(sizeof *m);
        if (!m) {
            rc = ENOMEM;
            break;
        }
        *m = (struct member){.t = t, .id = t->created};
        rc = pthread_create(&t->tids[t->created], &attr, member_main, m);
        if (rc != 0) {
            free(m);
            break;
        }
        t->created++;
    }
    pthread_attr_destroy(&attr);
    pthread_mutex_lock(&t->mu);
    while (t->ready < t->created)
        pthread_cond_wait(&t->cv, &t->mu);
    int failed = t->failed;
    pthread_mutex_unlock(&t->mu);
    if (rc != 0) {
        snprintf(err, errlen, "%s: could not start thread %ld of %ld: %s", who, t->created + 1,
                 t->nthreads, strerror(rc));
        return -rc;
    }
    if (failed) {
        snprintf(err, errlen, "%s: a worker could not set up its workload state", who);
        return -ENOMEM;
    }
    return 0;
}

void team_join(struct team *t)
{
    for (long k = 0; k < t->created; k++)
        pthread_join(t->tids[k], NULL);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    free(t->tids);
    free(t->tls);
    t->tids = NULL;
    t->tls = NULL;
    t->created = 0;
}
