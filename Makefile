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
  -DES_UPLOT_DIR=$(ES_CACHE)/web/uplot-1.6.32

.PHONY: all setup configure build build-app demo test bench deb clean

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
deb: configure
	@cmake --build $(BUILD) --target edgesight edgesight-full edgesight-backend -j$(JOBS)
	@if [ "$(ARCH)" != "$(shell dpkg --print-architecture)" ]; then \
	  echo "make deb: ARCH=$(ARCH): cross-building is not supported yet (docs/packaging.md)" >&2; \
	  exit 2; fi
	@cmake --build $(BUILD) --target es_changelog
	@cd $(BUILD) && cpack -G DEB -B deb > cpack.log 2>&1 || (cat cpack.log; exit 1)
	@ls $(BUILD)/deb/*.deb

bench: build-app
	./$(BUILD)/edgesight bench --source $(VIDEO)

clean:
	rm -rf $(BUILD) $(BUILD).cmake.log $(OUT)
