#!/usr/bin/env bash
# NAME    portability.sh
# PURPOSE make portability: the blocked matmul kernel built for every instruction set the project
#         builds for (x86-64 baseline, -v2, -v3, -v4, and aarch64 with Debian's cross compiler),
#         each validated against the closed form at the orders where its tile's edges are
#         (tests/portability/mm_port.c); aarch64 runs under qemu-user-static, which says nothing
#         about speed. With --bench, every level this CPU runs natively is also timed at n = 1024
#         against that level's own FMA peak on one core.
# USAGE   scripts/portability.sh [--bench] [--out DIR]     exit 0 when every level built validates
set -uo pipefail
cd "$(dirname "$0")/.."

bench=0
out=build-port
while [ $# -gt 0 ]; do
    case "$1" in
        --bench) bench=1 ;;
        --out) out=${2:?--out needs a folder}; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "portability.sh: unknown option '$1' (--bench, --out DIR)" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p "$out" || exit 2

src=(tests/portability/mm_port.c workloads/matmul_kernel.c workloads/matmul_check.c bench/fma_peak.c)
cflags=(-O3 -std=gnu11 -D_GNU_SOURCE -Iworkloads -Ibench -Wall -Wextra -Wno-unused-parameter)
flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "

# What each x86-64 level needs of the CPU (the psABI's definitions, the flags that matter here).
needs() {
    case "$1" in
        x86-64) echo "sse2" ;;
        x86-64-v2) echo "ssse3 sse4_1 sse4_2 popcnt" ;;
        x86-64-v3) echo "avx avx2 fma bmi1 bmi2 movbe" ;;
        x86-64-v4) echo "avx512f avx512bw avx512cd avx512dq avx512vl" ;;
    esac
}
missing_for() { # the flags of level $1 (and the levels below) this CPU lacks
    local lacks="" l f
    for l in x86-64 x86-64-v2 x86-64-v3 x86-64-v4; do
        for f in $(needs "$l"); do
            case "$flags" in *" $f "*) ;; *) lacks+="$f " ;; esac
        done
        [ "$l" = "$1" ] && break
    done
    echo "${lacks% }"
}

fail=0
summary=()
run_level() { # name, how to run ("native", "qemu" or "none: why"), compiler, flags...
    local name=$1 how=$2 cc=$3
    shift 3
    local bin="$out/mm_port-$name" log="$out/mm_port-$name.log"
    if ! "$cc" "${cflags[@]}" "$@" -o "$bin" "${src[@]}" -lm -lpthread >"$log" 2>&1; then
        echo "== $name: does not build (see $log)"
        summary+=("$(printf '%-10s %s' "$name" "BUILD FAILED")")
        fail=1
        return
    fi
    local runner=()
    case "$how" in
        native) ;;
        qemu) runner=(qemu-aarch64-static) ;;
        *) echo "== $name: built, not run: ${how#none: }"
           summary+=("$(printf '%-10s %s' "$name" "built; not run here: ${how#none: }")")
           return ;;
    esac
    echo "== $name (${how})"
    local args=()
    [ "$bench" = 1 ] && [ "$how" = native ] && args=(--bench 1024)
    if "${runner[@]}" "$bin" --selftest >"$log" 2>&1 && "${runner[@]}" "$bin" "${args[@]}" >>"$log" 2>&1; then
        sed -n '/^tile/p;/GFLOP/p;$p' "$log" | sed 's/^/   /'
        local tile speed
        tile=$(sed -n 's/^tile \([^ ]*\) (\([^,]*\),.*/\1 \2/p' "$log")
        speed=$(sed -n 's/^ *n = 1024: \([0-9.]*\) GFLOP.*peak \([0-9.]*\) .*: \([0-9]*%\).*/\1 of \2 GFLOP\/s (\3)/p' "$log")
        summary+=("$(printf '%-10s %-16s validates%s' "$name" "$tile" "${speed:+, $speed}")")
    else
        sed 's/^/   /' "$log"
        summary+=("$(printf '%-10s %s' "$name" "WRONG RESULT (see $log)")")
        fail=1
    fi
}

if [ "$(uname -m)" = x86_64 ]; then
    for level in x86-64 x86-64-v2 x86-64-v3 x86-64-v4; do
        lacks=$(missing_for "$level")
        if [ -z "$lacks" ]; then how=native; else how="none: this CPU lacks $lacks"; fi
        run_level "$level" "$how" gcc -march="$level"
    done
fi
if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64-static >/dev/null; then
    how=qemu
    [ "$(uname -m)" = aarch64 ] && how=native
    run_level aarch64 "$how" aarch64-linux-gnu-gcc -static
else
    summary+=("$(printf '%-10s %s' aarch64 "not built: needs gcc-aarch64-linux-gnu and qemu-user-static (scripts/install-deps.sh portability)")")
    fail=1
fi

echo
echo "level      tile             result"
printf '%s\n' "${summary[@]}"
[ "$fail" = 0 ] && echo "every level built validates" || echo "FAILED"
exit "$fail"
