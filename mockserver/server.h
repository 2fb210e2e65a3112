/* NAME    server.h
 * PURPOSE The mock server's event loop: one thread, one libuv loop, every connection on it. */
#ifndef MS_SERVER_H
#define MS_SERVER_H

#include "config.h"

/* Listens, prints the start-up line, writes the port file, serves until SIGINT or SIGTERM, then
 * prints the final counters. Returns 0 after a clean shutdown or a negative errno (libuv error)
 * when it could not start; it has then printed one line on stderr. */
int server_run(const struct ms_config *cfg);

#endif
