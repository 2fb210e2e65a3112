/* NAME    params.h
 * PURPOSE The parameters of one run, shared by every workload and executor, and the bit masks
 *         with which each declares the parameters it reads (so a meaningless flag is rejected). */
#ifndef CVP_PARAMS_H
#define CVP_PARAMS_H

enum param_id {
    P_THREADS,
    P_CONCURRENCY,
    P_TASKS,
    P_LATENCY_MS,
    P_SIZE,
    P_KERNEL,
    P_PIN,
    P_BLOCKING,
    P_TIMEOUT_MS,
    P_URL,
    P_URL_BASE,
    P_REUSE,
    P_WORK_US,
    P_COUNT
};
#define PM(id) (1u << (id))

struct params {
    long threads;         /* worker threads; 0 = the executor's default */
    long concurrency;     /* most tasks in flight at once; 0 = no cap */
    long tasks;           /* tasks per batch; 0 = the workload's default */
    long latency_ms;      /* per-task wait, in milliseconds */
    long size;            /* matrix order n */
    const char *kernel;   /* matmul kernel name */
    int pin;              /* 1 = pin worker threads to cores */
    int blocking;         /* 1 = the event loop calls a blocking function (the stall demo) */
    long timeout_ms;      /* per-task deadline, in milliseconds; 0 = none */
    const char *url;      /* full URL every HTTP task fetches (overrides url_base) */
    const char *url_base; /* scheme://host:port of the server the HTTP tasks use */
    int reuse;            /* 1 = keep connections alive across tasks */
    long work_us;         /* per-task CPU work, in microseconds */
    unsigned set;         /* PM() bits of the parameters given explicitly */
};

/* The command-line name of a parameter, e.g. "latency-ms". */
const char *param_name(enum param_id id);

#endif
