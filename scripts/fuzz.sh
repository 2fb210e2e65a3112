#!/bin/sh
# NAME    fuzz.sh
# PURPOSE Runs the two libFuzzer targets for a bounded time in all, seeded with their committed
#         corpora: the mock server's request parser (half the time) and cvpbench's command line
#         and URL check (the other half). New inputs go to fuzz-out/ (ignored by git), crashes
#         too.
# USAGE   scripts/fuzz.sh BUILD_DIR [SECONDS]   (make fuzz builds BUILD_DIR=build-fuzz first)
set -eu
build=${1:?usage: scripts/fuzz.sh BUILD_DIR [SECONDS]}
secs=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
case $secs in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac
for t in fuzz_request_parser fuzz_cli; do
    [ -x "$build/bin/$t" ] || { echo "fuzz.sh: $build/bin/$t not built (make fuzz)" >&2; exit 2; }
done
parser_secs=$((secs / 2))
cli_secs=$((secs - parser_secs))
out=$root/fuzz-out
mkdir -p "$out/request_parser" "$out/cli"
# The first folder receives new inputs; the committed corpus is only read.
"$build/bin/fuzz_request_parser" -max_total_time="$parser_secs" -max_len=40000 -timeout=10 \
    -rss_limit_mb=2048 -dict="$root/mockserver/fuzz/http.dict" -artifact_prefix="$out/" \
    -print_final_stats=1 "$out/request_parser" "$root/mockserver/fuzz/corpus"
echo "fuzz.sh: request parser: no crash in ${parser_secs}s; new inputs in $out/request_parser"
"$build/bin/fuzz_cli" -max_total_time="$cli_secs" -max_len=2048 -timeout=10 \
    -rss_limit_mb=2048 -dict="$root/bench/fuzz/cli.dict" -artifact_prefix="$out/cli-" \
    -print_final_stats=1 "$out/cli" "$root/bench/fuzz/corpus"
echo "fuzz.sh: command line: no crash in ${cli_secs}s; new inputs in $out/cli"
