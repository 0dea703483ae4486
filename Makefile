# Thin wrapper around CMake. `make test_matmul` and `make test` are the whole set-up:
# missing Debian packages are installed first (needs root, or prints the command to run).

BUILD      ?= build
ASAN_BUILD ?= build-asan
PGO_BUILD  ?= build-pgo
CONFIG     ?= configs/tiny-gpu.yaml
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)
PACKAGES   := cmake make g++ pkg-config ccache verilator libsystemc-dev libspdlog-dev \
              libfmt-dev libyaml-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev \
              libcli11-dev nlohmann-json3-dev libncurses-dev tmux chromium nodejs \
              gtkwave xvfb xauth parallel \
              munge slurmctld slurmd slurm-client

.PHONY: all deps configure build test asan test_systolic test_matmul_tc lint bench pgo docs-images clean help
.SECONDARY:

all: build

help:
	@echo "make test_<name>   build, then run programs/<name>.asm in lock-step (CONFIG=$(CONFIG))"
	@echo "make test_systolic build, then run a small GEMM on the systolic array in lock-step"
	@echo "make test_matmul_tc build, then run a 4x4 matmul on the tensor core (configs/gpu-tc.yaml) in lock-step"
	@echo "make test          build, then run the whole test suite"
	@echo "make asan          build everything with ASan and UBSan into $(ASAN_BUILD)/, then run the suite there"
	@echo "make build         configure and build into $(BUILD)/"
	@echo "make lint          verilator --lint-only -Wall on rtl/"
	@echo "make bench         simulated cycles per second (model vs RTL vs cosim), and the stepper"
	@echo "make pgo           build $(PGO_BUILD)/lockstep with profile-guided optimisation (about 5 minutes)"
	@echo "make bench PGO=1   the benches on that binary"
	@echo "make docs-images   remake the README's pictures (docs/images) from real runs"
	@echo "make deps          install the Debian packages Lockstep needs"
	@echo "variables: BUILD=$(BUILD) BUILD_TYPE=$(BUILD_TYPE) JOBS=$(JOBS) CONFIG=$(CONFIG)"

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	    | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "lockstep: installing missing Debian packages: $$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "lockstep: not root; run: sudo apt-get update && sudo apt-get install -y $$missing" >&2; exit 1; \
	  fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

# A BUILD_TYPE other than the one build/ was configured with reconfigures it.
configure: deps $(BUILD)/CMakeCache.txt
	@grep -qx 'CMAKE_BUILD_TYPE:STRING=$(BUILD_TYPE)' $(BUILD)/CMakeCache.txt || \
	  cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

test: build
	ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure --timeout 600

# Everything built with ASan and UBSan (cmake/Sanitizers.cmake), and the suite run on it; a
# report stops the process, so the test fails. The RTL libraries are built without them, the
# same way as in $(BUILD)/, so that cache is shared. The mutation tests and the profile-guided
# build are left out: they build and run unsanitized copies of the tree, the RTL or the
# simulator, which would only cost time here.
ASAN_ENV := ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
            LOCKSTEP_RTL_CACHE=$(abspath $(BUILD))/rtl-cache
asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLOCKSTEP_SANITIZE=ON
	$(ASAN_ENV) cmake --build $(ASAN_BUILD) -j $(JOBS) -- --no-print-directory
	$(ASAN_ENV) ctest --test-dir $(ASAN_BUILD) -j $(JOBS) --output-on-failure --timeout 1800 \
	  -E '^(assertion_breakers|mutation_sample|pgo_build)$$'

# A small GEMM on the default array (configs/systolic.yaml, 4x4 ws) in lock-step.
test_systolic: build
	./$(BUILD)/lockstep gemm --config configs/systolic.yaml --m 16 --k 12 --n 10 --trace $(BUILD)/traces/systolic

# C = A x B for 4x4 matrices on the GPU's tensor core (configs/gpu-tc.yaml, whatever CONFIG says)
# in lock-step: A, B and the product C (at 32..47, signed), the cycles and the utilisation.
test_matmul_tc: build
	./$(BUILD)/lockstep run programs/matmul_tc_4.asm --config configs/gpu-tc.yaml --signed --trace $(BUILD)/traces/matmul_tc

test_%: build
	./$(BUILD)/lockstep run programs/$*.asm --config $(CONFIG) --trace $(BUILD)/traces/$*

lint: deps
	verilator --lint-only -Wall -F rtl/gpu/gpu.f --top-module gpu
	verilator --lint-only -Wall -F rtl/systolic/systolic.f --top-module systolic

# The lockstep binary with profile-guided optimisation (cmake/ProfileGuided.cmake), in
# $(PGO_BUILD)/: built instrumented, run on tools/pgo-train.sh's workload, built again with the
# profile. It shares $(BUILD)/'s RTL cache. Every `make pgo` starts from a fresh profile.
pgo: deps
	cmake -S . -B $(PGO_BUILD) -DCMAKE_BUILD_TYPE=Release -DLOCKSTEP_PGO=generate \
	  -DLOCKSTEP_RTL_CACHE_DIR=$(abspath $(BUILD))/rtl-cache
	cmake --build $(PGO_BUILD) --target lockstep -j $(JOBS) -- --no-print-directory
	rm -rf $(PGO_BUILD)/pgo-profile
	tools/pgo-train.sh $(PGO_BUILD)/lockstep
	@test -n "$$(find $(PGO_BUILD)/pgo-profile -name '*.gcda' -print -quit 2>/dev/null)" || \
	  { echo "lockstep: the training runs wrote no profile into $(PGO_BUILD)/pgo-profile" >&2; exit 1; }
	cmake -S . -B $(PGO_BUILD) -DLOCKSTEP_PGO=use
	cmake --build $(PGO_BUILD) --target lockstep -j $(JOBS) -- --no-print-directory

# PGO=1: the benches on $(PGO_BUILD)/lockstep (make pgo) instead of $(BUILD)/lockstep.
ifeq ($(PGO),1)
bench: pgo
bench: BENCH_BIN := ./$(PGO_BUILD)/lockstep
else
bench: build
bench: BENCH_BIN := ./$(BUILD)/lockstep
endif
bench:
	$(BENCH_BIN) bench
	# the large GPU's row; its RTL takes minutes to build the first time
	$(BENCH_BIN) bench --config configs/gpu-16x32.yaml --program programs/bench_wide.asm
	$(BENCH_BIN) bench --design systolic
	$(BENCH_BIN) bench --design stepper
	$(BENCH_BIN) bench --design view

# The pictures README.md embeds, remade from real runs (a test checks they are current).
docs-images: build
	tools/docs-images.sh $(BUILD)/lockstep docs/images

clean:
	rm -rf $(BUILD) $(PGO_BUILD)
