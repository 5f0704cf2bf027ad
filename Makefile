# Makefile: a thin wrapper over CMake, so a newcomer needs two commands.
#   make run    install missing packages, build, run the default scenario
#   make test   install missing packages, build, run every test (and again
#               under ASan+UBSan, built with clang)
#   make        build only (build/dslab)
#   make bench  run the benchmarks
#   make bench-raft-election  the Raft paper's election benchmark (TSV)
#   make fuzz   run each fuzz target for FUZZ_SECONDS (tests/fuzz/)
#   make mutate mutation testing: the bugs of tests/mutants/ must fail the tests
#   make install [PREFIX=/usr/local]   build, then install (README "Install")
#   make uninstall   remove what the last `make install` installed
#   make package     the Debian package (build/dslab_VERSION_ARCH.deb)
#   make test-package  the package installed and run in a Debian 12 chroot
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
DEFAULT_SCENARIO ?= scenarios/intro/leader-loses-majority.yaml
FUZZ_SECONDS ?= 60
PREFIX ?= /usr/local

.PHONY: all build deps run test test-quick test-asan bench bench-raft-election clean fuzz mutate \
        install uninstall package test-package

all: build

deps:
	@bash scripts/setup-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: deps build
	@bash scripts/run-default.sh $(BUILD)/dslab $(DEFAULT_SCENARIO)

# DSLAB_TESTS=ON: a build tree configured before cmocka was installed
# (tests off, cmake/DslabTests.cmake) gets its tests now, or fails saying why.
test: deps $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) -DDSLAB_TESTS=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan

test-quick: $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) -DDSLAB_TESTS=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L quick

# The same tests in a Debug build with clang, ASan and UBSan, plus a short
# run of each fuzz target. The cross-build determinism test compares its
# traces with build/dslab's.
test-asan:
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDSLAB_SANITIZE=ON -DDSLAB_FUZZ=ON -DDSLAB_TESTS=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && DSLAB_PEER_BINARY=$(CURDIR)/$(BUILD)/dslab \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# Each fuzz target for FUZZ_SECONDS on its corpus (kept in the ASan build
# tree between runs); prints executions and what was found.
fuzz: deps
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDSLAB_SANITIZE=ON -DDSLAB_FUZZ=ON -DDSLAB_TESTS=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && DSLAB_FUZZ_SECONDS=$(FUZZ_SECONDS) \
	  ctest -L fuzz -V -j $(JOBS) --timeout $$(($(FUZZ_SECONDS) + 300))

bench: deps build
	@bash bench/run.sh $(BUILD)

# The Raft paper's election benchmark (Figure 16) in the simulator: a TSV
# of simulated vs published election times (docs/RAFT_ELECTION_BENCHMARK.md).
bench-raft-election: deps build
	@bash bench/run_raft_election.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# Install under PREFIX (sudo for a system prefix): bin/dslab, share/dslab,
# the headers and libdslab.a, pkg-config and CMake files, man page,
# completions (cmake/DslabInstall.cmake). The installed dslab finds its
# data next to itself, so PREFIX can be any directory.
install: build
	cmake --install $(BUILD) --prefix "$(PREFIX)"

# Removes the files the last install from $(BUILD) wrote (its
# install_manifest.txt), then dslab's own directories when empty.
uninstall:
	cmake --build $(BUILD) --target uninstall

# The Debian package: $(BUILD)/dslab_VERSION_ARCH.deb (cmake/DslabPackage.cmake).
package: build
	cd $(BUILD) && cpack -G DEB

# The package in a pristine Debian 12 chroot (needs root and debootstrap;
# the first run downloads Debian, minutes; packaging/test-deb-chroot.sh).
test-package: build
	cd $(BUILD) && DSLAB_TEST_DEB=1 ctest --output-on-failure -R '^package\.'

# Mutation testing: each deliberate bug of tests/mutants/ applied in turn to
# a scratch copy (build-mutate/), rebuilt, and the tests it names run; a
# table of killed/survived/stale mutants. Not part of make test (minutes).
mutate:
	@bash scripts/mutate.sh
