#!/bin/sh
# NAME    fuzz.sh
# PURPOSE Runs the mock server's request-parser fuzzer for a bounded time, seeded with the
#         committed corpus; new inputs go to fuzz-out/ (ignored by git), crashes too.
# USAGE   scripts/fuzz.sh BUILD_DIR [SECONDS]   (make fuzz builds BUILD_DIR=build-fuzz first)
set -eu
build=${1:?usage: scripts/fuzz.sh BUILD_DIR [SECONDS]}
secs=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/bin/fuzz_request_parser
[ -x "$bin" ] || { echo "fuzz.sh: $bin not built (make fuzz)" >&2; exit 2; }
case $secs in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac
out=$root/fuzz-out
mkdir -p "$out/request_parser"
# The first folder receives new inputs; the committed corpus is only read.
"$bin" -max_total_time="$secs" -max_len=40000 -timeout=10 -rss_limit_mb=2048 \
    -dict="$root/mockserver/fuzz/http.dict" -artifact_prefix="$out/" -print_final_stats=1 \
    "$out/request_parser" "$root/mockserver/fuzz/corpus"
echo "fuzz.sh: no crash in ${secs}s; new inputs in $out/request_parser"
