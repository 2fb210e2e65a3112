# The front door. `make bench` and `make test` are all a fresh Debian machine needs.
JOBS   ?= $(shell nproc)
CMAKE  ?= cmake
QUICK  ?=
SUITE  ?=
# How long make fuzz runs libFuzzer, in seconds, split between its two targets (.ci/run sets a
# short bounded run).
FUZZ_SECONDS ?= 60

.PHONY: all deps deps-test build test test-asan test-tsan bench machines fuzz portability portability-check format clean

all: build

# Installs missing Debian packages (apt-get; sudo when not root). A no-op when all are present.
# make bench needs only the suite's; the tests also need the sanitizer toolchain, valgrind and
# a headless browser.
deps:
	@scripts/install-deps.sh --check bench >/dev/null || scripts/install-deps.sh bench

deps-test:
	@scripts/install-deps.sh --check test >/dev/null || scripts/install-deps.sh test

build: deps
	@$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	@$(CMAKE) --build build -j $(JOBS)

test: deps-test build
	ctest --test-dir build --output-on-failure -j $(JOBS)

# ASan+UBSan: the same tests, built with the sanitizers and -O1.
test-asan: deps-test
	@$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANITIZE=address,undefined >/dev/null
	@$(CMAKE) --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

# TSan needs clang and LLVM's libomp (with the Archer tool) so OpenMP is instrumented too.
test-tsan: deps-test
	@CC=clang $(CMAKE) -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANITIZE=thread >/dev/null
	@$(CMAKE) --build build-tsan -j $(JOBS)
	TSAN_OPTIONS=ignore_noninstrumented_modules=1 ctest --test-dir build-tsan --output-on-failure -j $(JOBS)

# The driver builds what the suite runs (the bench_tools target), not the tests.
bench: deps
	scripts/bench.sh $(if $(QUICK),--quick) $(if $(SUITE),--suite $(SUITE))

# The quick suite on a matrix of emulated machines (as is twice, one core, a 1.5-core quota, a
# busy neighbour, an x86-64-v2 build): verdict and advice tables, into the README. ~10 minutes.
machines: build
	scripts/machines.sh

# The matmul kernel on every instruction set: x86-64 to -v4 and aarch64 (under qemu-user-static),
# validated at its tile's edges; portability also times each level this CPU runs against that
# level's FMA peak. .ci/run runs the validations only (qemu says nothing about speed).
portability:
	@scripts/install-deps.sh --check portability >/dev/null || scripts/install-deps.sh portability
	scripts/portability.sh --bench

portability-check:
	@scripts/install-deps.sh --check portability >/dev/null || scripts/install-deps.sh portability
	scripts/portability.sh

fuzz: deps-test
	@CC=clang $(CMAKE) -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFUZZ=ON >/dev/null
	@$(CMAKE) --build build-fuzz -j $(JOBS) --target fuzz_request_parser fuzz_cli
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-tsan build-fuzz build-port
