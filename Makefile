# The short commands. See README.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DATA_DIR   ?= ./data
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 60

.PHONY: all deps build run test test-quick bench bench-nexmark asan fuzz format tidy clean

all: build

deps:
	@scripts/install-deps.sh --check >/dev/null || scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DOXBOW_FUZZ_BUILD_DIR=$(abspath $(FUZZ_BUILD))

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/src/server/oxbow serve --data-dir $(DATA_DIR) --demo

# The fuzz build (clang + libFuzzer) is built first so that CTest can run each fuzzer briefly.
fuzz-build: deps
	@test -f $(FUZZ_BUILD)/build.ninja || CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOXBOW_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

test: build fuzz-build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-quick: build
	OXBOW_QUICK=1 ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE fuzz

bench: build
	scripts/bench.sh $(BUILD)

# The Nexmark queries over NEXMARK_EVENTS events in the embedded log (bench/nexmark/README.md).
NEXMARK_EVENTS ?= 10000000
NEXMARK_RUNS ?= 3
bench-nexmark: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target nexmark_bench
	$(BUILD)/bench/nexmark/nexmark_bench --events $(NEXMARK_EVENTS) --runs $(NEXMARK_RUNS) \
	  --query-dir bench/nexmark $(if $(NEXMARK_QUERIES),--queries $(NEXMARK_QUERIES))

asan: deps
	@test -f $(ASAN_BUILD)/build.ninja || cmake -S . -B $(ASAN_BUILD) -G Ninja \
	  -DCMAKE_BUILD_TYPE=Debug -DOXBOW_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	OXBOW_QUICK=1 ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE fuzz

fuzz: fuzz-build
	scripts/run-fuzzer.sh $(FUZZ_BUILD)/src/log/record_batch_fuzz $(FUZZ_SECONDS) \
	  $(FUZZ_BUILD)/record_batch_corpus src/log/testdata/record_batch_corpus

format:
	find src tests bench \( -name "*.h" -o -name "*.cc" \) | xargs clang-format -i

tidy: build
	find src -name '*.cc' | xargs clang-tidy -p $(BUILD) --quiet

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
