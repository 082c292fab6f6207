# gridgov — the two commands a new user needs:
#   make run    installs what is missing, builds (the server and the web UI), creates demo
#               Manzhouli, serves 127.0.0.1:8080
#   make test   installs what is missing, builds, runs every test (then again under ASan+UBSan)

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DB         ?= data/manzhouli.db
LISTEN     ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc)
WEB        ?= web/dist

.PHONY: all bootstrap build web run demo test test-fast test-asan fuzz bench format clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)
	@node web/build.mjs $(WEB)

# The web UI alone: web/src bundled by esbuild into $(WEB).
web: bootstrap
	@node web/build.mjs $(WEB)

$(DB): | build
	@mkdir -p $(dir $(DB))
	$(BUILD)/gridgov demo --db $(DB)

demo: build $(DB)

run: build $(DB)
	$(BUILD)/gridgov serve --db $(DB) --listen $(LISTEN) --web $(WEB)

# Every test: the suite on the normal build, again under the sanitizers, and the fuzzers.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j2
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory fuzz

test-fast: build
	@cd $(BUILD) && ctest --output-on-failure -j2

test-asan: bootstrap
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGG_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2

fuzz: bootstrap
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: build
	@bench/run

format:
	@clang-format -i src/*/*.c src/*/*.h tests/unit/*/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(WEB)
