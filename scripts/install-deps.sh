#!/usr/bin/env bash
# NAME    install-deps.sh
# PURPOSE Install the Debian packages the suite needs, only those that are missing.
# USAGE   scripts/install-deps.sh [--check] [bench|test|reference|portability|mockserver-bench]
#         (default bench; --check: list what is missing, exit 1 if anything is)
set -euo pipefail

# One package per line: what it gives us. Each set is installed only by what needs it.
core=(                 # build the suite, run it, plot it
  build-essential      # gcc, make
  cmake                # build system
  pkg-config           # finds libuv, libcurl and OpenBLAS
  libcurl4-openssl-dev # HTTP client
  libuv1-dev           # event loop (executor and mock server)
  libsqlite3-dev       # the sqlite and dbfetch workloads
  liburing-dev         # the file workload's io_uring engine (optional at build time)
  hyperfine            # whole-process timing in make bench
  gnuplot-nox          # plots
  python3              # scripts (standard library only)
  libopenmpi-dev       # the mpi executor (optional at build time: without it, one rank)
  openmpi-bin          # mpirun, for the mpi executor's ranks
)
reference_only=(       # the reference programs in reference/ (what a reader's own code runs on)
  python3-httpx        # py-httpx-sequential, py-httpx-gather, py-threads (http)
  python3-aiohttp      # py-aiohttp-gather
  python3-numpy        # py-numpy
  python3-threadpoolctl # py-numpy: which BLAS kernel and how many threads ran
  nodejs               # node (skipped when a nodejs package is installed, whatever its origin)
  libopenblas-dev      # openblas (ref-openblas, built when this is present)
  curl                 # curl-parallel
)
reference=("${core[@]}" "${reference_only[@]}") # the references and what builds and runs them
bench=("${reference[@]}") # make bench runs the references beside cvpbench's executors
test=(                 # make test, and the sanitizer and fuzz builds of .ci/run
  "${bench[@]}"
  clang                # sanitizer and fuzzer builds
  libomp-14-dev        # LLVM's OpenMP runtime (TSan-clean OpenMP with Archer)
  libclang-rt-14-dev   # sanitizer and libFuzzer runtimes for clang
  procps               # ps/pgrep used by tests
  valgrind             # memcheck inside libuv and libcurl, which the sanitizers cannot see
  chromium             # the HTML report's browser test (headless)
  fio                  # the file workload's reference figures (io_uring and psync engines)
  sqlite3              # the sqlite workload's reference: the same query in the sqlite3 shell
)
portability=(          # make portability: the matmul kernel on every instruction set
  build-essential      # gcc for the x86-64 levels
  gcc-aarch64-linux-gnu # the aarch64 build (static, with libc6-dev-arm64-cross)
  libc6-dev-arm64-cross
  qemu-user-static     # runs the aarch64 build here, for correctness only
)
mockserver_bench=(     # scripts/bench-mockserver.sh: the mock server against nginx
  "${core[@]}"
  wrk                  # load generator
  nginx-light          # reference server
)

set_name=bench
check=0
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    bench|test|reference|portability|mockserver-bench) set_name=$arg ;;
    *) echo "usage: scripts/install-deps.sh [--check] [bench|test|reference|portability|mockserver-bench]" >&2; exit 2 ;;
  esac
done
case "$set_name" in
  bench) packages=("${bench[@]}") ;;
  reference) packages=("${reference[@]}") ;;
  test) packages=("${test[@]}") ;;
  portability) packages=("${portability[@]}") ;;
  mockserver-bench) packages=("${mockserver_bench[@]}") ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "$check" = 1 ]; then
  [ ${#missing[@]} -eq 0 ] && exit 0
  echo "missing packages: ${missing[*]}"
  exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx-light enables a default site on port 80 on install; we only ever run our own instance.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
  $SUDO systemctl stop nginx || true
fi
echo "install-deps: done" >&2
