#!/bin/sh
# NAME    bench.sh
# PURPOSE `make bench`: install missing packages, then hand over to the Python driver, which
#         checks the suite, builds Release, starts and stops the mock server, times the cases
#         and prints the summary. The driver stops the server on every exit path itself (it
#         traps SIGINT and SIGTERM and cleans up in a finally block), so exec keeps one PID to
#         signal and no shell in between to orphan anything.
# USAGE   scripts/bench.sh [--quick] [--suite FILE] [--sample] [--check] [--no-build] ...
#         (scripts/bench.sh --help lists every option)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case " $* " in
  *" --no-build "* | *" --check "* | *" --help "* | *" -h "*) ;;
  *) "$here/install-deps.sh" --check >/dev/null 2>&1 || "$here/install-deps.sh" ;;
esac
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec python3 -m cvp.driver "$@"
