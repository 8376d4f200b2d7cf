# edgesight: the two commands.
#   make demo   install what is missing, build (Release), run the pipeline on vtest.avi
#   make test   install what is missing, build, run the whole CTest suite
ES_CACHE ?= $(HOME)/.cache/edgesight
BUILD    ?= build
JOBS     ?= $(shell nproc)
VIDEO    ?= /usr/share/doc/opencv-doc/examples/data/vtest.avi
OUT      ?= out
export ES_CACHE

CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=Release \
  -DES_ORT_DIR=$(ES_CACHE)/ort-0.4.9 -DES_MODEL_DIR=$(ES_CACHE)/models \
  -DES_FFMPEG_DIR=$(ES_CACHE)/ffmpeg \
  -DES_UPLOT_DIR=$(ES_CACHE)/web/uplot-1.6.32

.PHONY: all setup configure build build-app demo test bench deb clean setup-arm64 configure-arm64 test-arm64

all: build

setup:
	@scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) > $(BUILD).cmake.log 2>&1 || (cat $(BUILD).cmake.log; exit 1)

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

# Only the binary: the demo does not need the tests and benchmarks.
build-app: configure
	@cmake --build $(BUILD) --target edgesight -j$(JOBS)

demo: build-app
	@mkdir -p $(OUT)
	./$(BUILD)/edgesight run --source $(VIDEO) \
	  --annotate $(OUT)/demo.mp4 --events-out $(OUT)/demo-events.jsonl
	@echo "annotated video: $(OUT)/demo.mp4   per-frame JSON: $(OUT)/demo-events.jsonl"
	@echo "dashboard: ./$(BUILD)/edgesight run --source $(VIDEO) --realtime --http 127.0.0.1:8080" \
	  "  then open http://127.0.0.1:8080/"

test: build
	cd $(BUILD) && ctest --output-on-failure -j2 --timeout 600

# The Debian packages: $(BUILD)/deb/edgesight_<version>-1_<arch>.deb and
# edgesight-backend_<version>-1_<arch>.deb (docs/packaging.md).
ARCH ?= $(shell dpkg --print-architecture)
NATIVE_ARCH := $(shell dpkg --print-architecture)
ifeq ($(ARCH),$(NATIVE_ARCH))
deb: configure
	@cmake --build $(BUILD) --target edgesight edgesight-backend -j$(JOBS)
	@cmake --build $(BUILD) --target es_changelog
	@cd $(BUILD) && cpack -G DEB -B deb > cpack.log 2>&1 || (cat cpack.log; exit 1)
	@ls $(BUILD)/deb/*.deb
else ifeq ($(ARCH),arm64)
# Cross-built; Depends from the arm64 binaries and the sysroot's package database.
deb: configure-arm64
	@cmake --build $(ARM64_BUILD) --target edgesight edgesight-backend -j$(JOBS)
	@cmake --build $(ARM64_BUILD) --target es_changelog
	@scripts/deb_arm64.sh $(ARM64_BUILD) $(ES_CACHE)
else
deb:
	@echo "make deb: ARCH=$(ARCH): only $(NATIVE_ARCH) and arm64 are supported" >&2; exit 2
endif

# ARM64: the target's own set-up (cross toolchain, an arm64 sysroot of Debian's -dev packages,
# the arm64 ONNX Runtime), the cross build, and its check under qemu-user (unit tests and a
# short run on the demo footage). Not part of `make test`.
ARM64_BUILD ?= build-arm64
ARM64_FLAGS = -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake -DCMAKE_BUILD_TYPE=Release \
  -DES_SYSROOT=$(ES_CACHE)/sysroot-arm64 -DES_ORT_DIR=$(ES_CACHE)/ort-arm64-1.29.0 \
  -DES_FFMPEG_DIR=$(ES_CACHE)/ffmpeg-arm64 \
  -DES_MODEL_DIR=$(ES_CACHE)/models -DES_UPLOT_DIR=$(ES_CACHE)/web/uplot-1.6.32
ARM64_TESTS = core_test track_test analytics_test models_test config_test uplink_test

setup-arm64: setup
	@scripts/setup_arm64.sh

configure-arm64: setup-arm64
	@cmake -S . -B $(ARM64_BUILD) $(ARM64_FLAGS) > $(ARM64_BUILD).cmake.log 2>&1 || \
	  (cat $(ARM64_BUILD).cmake.log; exit 1)

test-arm64: configure-arm64
	@cmake --build $(ARM64_BUILD) --target edgesight $(ARM64_TESTS) -j$(JOBS)
	@scripts/arm64_check.sh $(ARM64_BUILD) $(ARM64_TESTS)

bench: build-app
	./$(BUILD)/edgesight bench --source $(VIDEO)

clean:
	rm -rf $(BUILD) $(BUILD).cmake.log $(OUT)
