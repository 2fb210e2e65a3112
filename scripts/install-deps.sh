#!/usr/bin/env bash
# NAME    install-deps.sh
# PURPOSE Install the Debian packages the suite needs, only those that are missing.
# USAGE   scripts/install-deps.sh [--check]   (--check: list what is missing, exit 1 if anything is)
set -euo pipefail

# One package per line: what it gives us.
packages=(
  build-essential      # gcc, make
  cmake                # build system
  pkg-config           # finds libuv and libcurl
  clang                # sanitizer and fuzzer builds
  libomp-14-dev        # LLVM's OpenMP runtime (TSan-clean OpenMP with Archer)
  libclang-rt-14-dev   # sanitizer and libFuzzer runtimes for clang
  libcurl4-openssl-dev # HTTP client
  libuv1-dev           # event loop (executor and mock server)
  hyperfine            # whole-process timing in make bench
  gnuplot-nox          # plots
  python3              # scripts (standard library only)
  wrk                  # load generator for the mock server benchmark
  nginx-light          # reference server for the mock server benchmark
  procps               # ps/pgrep used by tests
  valgrind             # memcheck inside libuv and libcurl, which the sanitizers cannot see
  chromium             # headless browser for the report test (tests/scripts/test_report.py)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${1:-}" = "--check" ]; then
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
