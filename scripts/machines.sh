#!/usr/bin/env bash
# NAME    machines.sh
# PURPOSE make machines: the quick suite on a matrix of machines this one can emulate, to prove
#         that verdicts and advice come from what each run measures, not from the machine the
#         code was written on. Machines: as is (twice in a row), one core (taskset), a CPU quota
#         of 1.5 cores (a cgroup made and removed here; skipped with its reason where not
#         permitted), a busy neighbour on one core, and a build for a lower instruction set
#         (-march=x86-64-v2). Then a claim x machine table of verdicts and a category x machine
#         table of advice (scripts/cvp/machines.py), written to the run folder and into the
#         README's generated "machines" section.
# USAGE   scripts/machines.sh [--only NAME,...] [--no-readme]     (about 10 minutes on 2 cores)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

only=""
readme=1
while [ $# -gt 0 ]; do
    case "$1" in
        --only) only=${2:?--only needs names}; shift ;;
        --no-readme) readme=0 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "machines.sh: unknown option '$1' (--only NAME,..., --no-readme)" >&2; exit 2 ;;
    esac
    shift
done
all="as-is as-is-again one-core quota-1.5 neighbour march-v2"
for m in ${only//,/ }; do
    case " $all " in *" $m "*) ;; *) echo "machines.sh: no machine '$m' (one of: $all)" >&2; exit 2 ;; esac
done
want() { [ -z "$only" ] || case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

out="results/machines/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out" || exit 2
echo "make machines: results in $out"

# What this script starts it stops, by PID, on every way out; the cgroup it makes it removes.
neighbour=""
cgroup=""
cleanup() {
    [ -n "$neighbour" ] && kill "$neighbour" 2>/dev/null && wait "$neighbour" 2>/dev/null
    neighbour=""
    if [ -n "$cgroup" ] && [ -d "$cgroup" ]; then
        # Processes left in it (none, normally) go back to the parent before it is removed.
        while read -r pid; do echo "$pid" >"$(dirname "$cgroup")/cgroup.procs"; done \
            <"$cgroup/cgroup.procs" 2>/dev/null
        rmdir "$cgroup" 2>/dev/null
    fi
    cgroup=""
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP
trap cleanup EXIT

skip() { # machine, reason
    mkdir -p "$out/$1"
    echo "$2" >"$out/$1/skipped"
    echo "== $1: skipped: $2"
}

bench() { # machine, then the command prefix (may be empty); the build dir in $build
    local name=$1
    shift
    mkdir -p "$out/$name"
    echo "== $name: $*"
    local t0=$SECONDS
    "$@" scripts/bench.sh --quick --no-build --build-dir "$build" --results-dir "$out/$name" \
        >"$out/$name/bench.log" 2>&1
    local rc=$?
    echo "$((SECONDS - t0))" >"$out/$name/seconds"
    echo "   exit $rc in $((SECONDS - t0)) s; $(grep -m1 '^Claims:' "$out/$name/bench.log" || echo 'no answer')"
}

build=build
make build >/dev/null || { echo "machines.sh: make build failed" >&2; exit 1; }

want as-is && bench as-is env
want as-is-again && bench as-is-again env
if want one-core; then
    if command -v taskset >/dev/null; then bench one-core taskset -c 0
    else skip one-core "taskset is not installed (util-linux)"; fi
fi

if want quota-1.5; then
    # cgroup v2 (cpu.max) or v1 (cpu.cfs_quota_us), whichever this machine mounts writable.
    why=""
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        if grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
            cgroup=/sys/fs/cgroup/cvp-machines-$$
            mkdir "$cgroup" 2>/dev/null && echo "150000 100000" >"$cgroup/cpu.max" 2>/dev/null \
                || why="cannot make a cgroup v2 with cpu.max here (not permitted)"
        else
            why="cgroup v2 without the cpu controller enabled for children"
        fi
    elif [ -d /sys/fs/cgroup/cpu ]; then
        cgroup=/sys/fs/cgroup/cpu/cvp-machines-$$
        mkdir "$cgroup" 2>/dev/null && echo 100000 >"$cgroup/cpu.cfs_period_us" 2>/dev/null \
            && echo 150000 >"$cgroup/cpu.cfs_quota_us" 2>/dev/null \
            || why="cannot make a cgroup v1 with a CPU quota here (not permitted)"
    else
        why="no cgroup CPU controller mounted"
    fi
    if [ -n "$why" ]; then
        skip quota-1.5 "$why"
        cleanup
    else
        bench quota-1.5 sh -c "echo \$\$ >'$cgroup/cgroup.procs' && exec \"\$@\"" sh
        cleanup
    fi
fi

if want neighbour; then
    # A busy loop of our own on the last CPU, for the whole quick suite.
    last=$(($(nproc) - 1))
    taskset -c "$last" sh -c 'while :; do :; done' &
    neighbour=$!
    bench neighbour env
    cleanup
fi

if want march-v2; then
    if [ "$(uname -m)" = x86_64 ]; then
        build=build-v2
        if cmake -S . -B build-v2 -DCMAKE_BUILD_TYPE=Release -DMARCH=x86-64-v2 -DBUILD_TESTING=OFF \
            >/dev/null && cmake --build build-v2 -j "$(nproc)" >/dev/null; then
            bench march-v2 env
        else
            skip march-v2 "the x86-64-v2 build failed"
        fi
        build=build
    else
        skip march-v2 "not an x86-64 machine"
    fi
fi

args=("$out")
[ "$readme" = 1 ] && [ -z "$only" ] && args+=(--readme README.md)
PYTHONPATH=scripts python3 -m cvp.machines "${args[@]}"
