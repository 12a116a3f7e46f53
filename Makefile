# cyclegan4j — the front door. `make help` lists the targets.
SHELL := /bin/bash
MVN ?= mvn -B -q
MVN_TEST ?= mvn -B --no-transfer-progress -Dstyle.color=never

# OpenBLAS picks its kernels from the CPU model; a virtual machine that hides the model gets a
# slow generic kernel (65 instead of 150-200 GFLOP/s measured here). Name the core type from the
# CPU flags unless the user already chose one.
ifeq ($(origin OPENBLAS_CORETYPE), undefined)
  CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
  ifneq ($(findstring avx512f,$(CPU_FLAGS)),)
    export OPENBLAS_CORETYPE := SkylakeX
  else ifneq ($(findstring avx2,$(CPU_FLAGS)),)
    export OPENBLAS_CORETYPE := Haswell
  endif
endif

.PHONY: help build install test parity parity-authors demo data-emoji quality bench bench-compile bench-fake-gpu gpu-check-fake bench-host clean ptx ptx-check compat compat-symbols dist gpu-test

help:
	@echo "make demo    - build, train on the bundled Fashion-MNIST sneakers <-> boots, translate the test images"
	@echo "make build   - compile and package the engine + CLI (target/cyclegan4j launcher, jar, target/lib)"
	@echo "make install - put the library jar in the local Maven repository (~/.m2), for use from Java (README)"
	@echo "make data-emoji - fetch the Google and Twitter emoji (npm) and write the paired benchmark dataset to data/emoji"
	@echo "make quality - data-emoji, train with the recorded budget, score the checkpoints with evaluate (~20-25 min on 2 cores)"
	@echo "make test    - run the CPU test suite (gradient checks, forward values, memory)"
	@echo "make parity  - one training step against the PyTorch reference (needs torch for /usr/bin/python3)"
	@echo "make parity-authors - PyTorch generators (the authors' and PyTorch-GAN's layouts) translated from their .pth, against PyTorch"
	@echo "make bench   - run the JMH CPU benchmarks (benchmarks/), results in benchmarks/RESULTS.md"
	@echo "make bench-fake-gpu - the CUDA op benchmarks from the dist bundle on the fake GPU (kernels/emu), toy shapes"
	@echo "make gpu-check-fake - every other step of benchmarks/gpu-check.sh from the dist bundle on the fake GPU, shrunk"
	@echo "make bench-host     - the host side of the 256x256 CUDA training step (fake GPU, no device work): ms/step, memory peaks"
	@echo "make ptx     - compile kernels/*.cu to the committed PTX (src/main/resources/cyclegan4j/ptx)"
	@echo "make ptx-check - check that the committed PTX matches kernels/ (skipped without nvcc)"
	@echo "make gpu-test - GPU parity/leak tests with Maven on a machine with a GPU (fails without one)"
	@echo "make compat  - build the libcudnn.so.8 / libcublas.so.12 forwarding libraries (target/compat)"
	@echo "make dist    - self-contained bundle for a GPU host without Java (dist/, see benchmarks/gpu-check.sh)"
	@echo "make clean   - remove build output"

build:
	$(MVN) -DskipTests package
	install -m 755 src/main/scripts/cyclegan4j target/cyclegan4j

install:
	$(MVN) -DskipTests install

# The demo: Fashion-MNIST sneakers (A) <-> ankle boots (B), bundled in src/demo/fashion-mnist.
# Without a GPU a CPU-sized preset (1,000 steps at about 0.26-0.29 s: about 5 minutes on 2 cores); with one, the seed's full
# configuration (9 residual blocks, 286 -> 256 crops, 3 channels) for a short run.
DEMO_DATA := src/demo/fashion-mnist
DEMO_OUT ?= runs
DEMO_CPU := --device cpu --channels 1 --n-residual-blocks 3 --load-size 32 --crop-size 32 --epochs 1 --decay-epoch 0 --sample-every 100
DEMO_GPU := --device cuda --channels 3 --n-residual-blocks 9 --load-size 286 --crop-size 256 --epochs 10 --decay-epoch 5 --sample-every 200

demo: build
	rm -rf $(DEMO_OUT)/fashion-demo
	@if nvidia-smi -L >/dev/null 2>&1; then preset="$(DEMO_GPU)"; echo "GPU found: seed configuration"; \
	  else preset="$(DEMO_CPU)"; echo "no GPU: CPU preset"; fi; \
	target/cyclegan4j train --dataroot $(DEMO_DATA) --name fashion-demo --out $(DEMO_OUT) $$preset $(DEMO_ARGS)
	target/cyclegan4j translate --checkpoint $(DEMO_OUT)/fashion-demo/checkpoints/latest.safetensors \
	  --direction AtoB --input $(DEMO_DATA)/testA --output $(DEMO_OUT)/fashion-demo/translated/AtoB --side-by-side
	target/cyclegan4j translate --checkpoint $(DEMO_OUT)/fashion-demo/checkpoints/latest.safetensors \
	  --direction BtoA --input $(DEMO_DATA)/testB --output $(DEMO_OUT)/fashion-demo/translated/BtoA --side-by-side
	@echo "demo done: samples in $(DEMO_OUT)/fashion-demo/samples, translations in $(DEMO_OUT)/fashion-demo/translated"

test:
	$(MVN_TEST) test

# ---- translation-quality benchmark: Google <-> Twitter emoji, with ground truth ----
# npm packages emoji-datasource-google / -twitter (64x64 PNGs, same file names). The tarballs are
# cached in $(EMOJI_DIR)/.cache (downloaded only when missing, checked against
# benchmarks/emoji/SHA256SUMS); EmojiDataset composites onto white and splits by emoji group:
# trainA (Google) and trainB (Twitter) from disjoint emoji, testA/testB the same emoji in both styles.
EMOJI_VERSION := 16.0.0
EMOJI_DIR ?= data/emoji
EMOJI_CACHE := $(EMOJI_DIR)/.cache

data-emoji: build
	@set -e; mkdir -p $(EMOJI_CACHE); \
	for style in google twitter; do \
	  tgz=emoji-datasource-$$style-$(EMOJI_VERSION).tgz; \
	  if [ -f $(EMOJI_CACHE)/$$tgz ]; then echo "data-emoji: using cached $(EMOJI_CACHE)/$$tgz"; \
	  else \
	    echo "data-emoji: npm pack emoji-datasource-$$style@$(EMOJI_VERSION)"; \
	    tmp=$$(mktemp -d); (cd $$tmp && npm pack --silent emoji-datasource-$$style@$(EMOJI_VERSION) >/dev/null); \
	    mv $$tmp/$$tgz $(EMOJI_CACHE)/$$tgz; rm -rf $$tmp; \
	  fi; \
	  (cd $(EMOJI_CACHE) && grep " $$tgz\$$" $(CURDIR)/benchmarks/emoji/SHA256SUMS | sha256sum -c --quiet) \
	    || { echo "data-emoji: $(EMOJI_CACHE)/$$tgz does not match benchmarks/emoji/SHA256SUMS (delete it to fetch it again)"; exit 1; }; \
	  rm -rf $(EMOJI_CACHE)/$$style; mkdir -p $(EMOJI_CACHE)/$$style; \
	  tar -xzf $(EMOJI_CACHE)/$$tgz -C $(EMOJI_CACHE)/$$style --strip-components=4 package/img/$$style/64; \
	done
	CYCLEGAN4J_MAIN=cyclegan4j.data.EmojiDataset target/cyclegan4j $(EMOJI_CACHE)/google $(EMOJI_CACHE)/twitter $(EMOJI_DIR)
	cp benchmarks/emoji/NOTICE.md $(EMOJI_DIR)/NOTICE.md

# The fixed training budget of benchmarks/RESULTS.md ("Translation quality"): one epoch (1,720 steps,
# constant learning rate) at 64x64 with 3 residual blocks: 18-19 minutes of training and 3 of evaluation
# on 2 cores (measured 2026-11-27). A checkpoint every 400 steps shows the trend. The GPU preset (9 blocks,
# 20 epochs) has not been run yet.
# An existing run is never overwritten: remove $(QUALITY_OUT)/$(QUALITY_NAME) or pick another QUALITY_NAME.
QUALITY_NAME ?= emoji
QUALITY_OUT ?= runs
QUALITY_RUN := $(QUALITY_OUT)/$(QUALITY_NAME)
QUALITY_COMMON := --load-size 64 --crop-size 64 --checkpoint-every 400 --sample-every 200
QUALITY_CPU := --device cpu --n-residual-blocks 3 --epochs 1 --decay-epoch 0
QUALITY_GPU := --device cuda --n-residual-blocks 9 --epochs 20 --decay-epoch 10

quality: data-emoji
	@if nvidia-smi -L >/dev/null 2>&1; then preset="$(QUALITY_GPU)"; echo "GPU found: GPU preset (not yet measured)"; \
	  else preset="$(QUALITY_CPU)"; echo "no GPU: CPU preset"; fi; \
	start=$$SECONDS; \
	target/cyclegan4j train --dataroot $(EMOJI_DIR) --name $(QUALITY_NAME) --out $(QUALITY_OUT) $(QUALITY_COMMON) $$preset $(QUALITY_ARGS) || exit $$?; \
	echo "quality: training took $$((SECONDS - start)) s"
	@set -e; for ck in $(QUALITY_RUN)/checkpoints/step_*.safetensors $(QUALITY_RUN)/checkpoints/latest.safetensors; do \
	  [ -f $$ck ] || continue; \
	  target/cyclegan4j evaluate --checkpoint $$ck --dataroot $(EMOJI_DIR) --output $(QUALITY_RUN)/quality-$$(basename $$ck .safetensors).csv; \
	done


# Numerical parity with the PyTorch reference (benchmarks/reference/parity.py), fp32 on the CPU.
# PARITY_KEEP=DIR keeps the exchanged safetensors files; PARITY_PYTHON picks the interpreter.
PARITY_PYTHON ?= /usr/bin/python3
parity:
	$(MVN_TEST) test -Dgroups=pytorch -DexcludedGroups=gpu -Dtest=PyTorchParityTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dparity.python=$(PARITY_PYTHON) $(if $(PARITY_KEEP),-Dparity.keep=$(PARITY_KEEP))

# The authors' ResnetGenerator (transposed convolutions) and PyTorch-GAN's in PyTorch, saved as .pth
# (zip and legacy formats) and run by `translate` as they are: at most 1 level of 255 apart (rounding).
parity-authors: build
	rm -rf target/authors-check target/authors-check-ngf32
	$(PARITY_PYTHON) benchmarks/reference/check_authors_generator.py target/cyclegan4j target/authors-check
	$(PARITY_PYTHON) benchmarks/reference/check_authors_generator.py target/cyclegan4j target/authors-check-ngf32 32

bench: build
	$(MVN) -DskipTests install
	cd benchmarks && $(MVN) package && rm -f target/jmh-result.csv \
	  && java -jar target/benchmarks.jar -rf csv -rff target/jmh-result.csv $(JMH_ARGS) \
	  && java -cp target/benchmarks.jar cyclegan4j.bench.Ratios target/jmh-result.csv

clean:
	$(MVN) clean
	cd benchmarks && $(MVN) clean

# CI: the benchmarks must at least compile.
bench-compile:
	$(MVN) -DskipTests install
	cd benchmarks && $(MVN) -DskipTests package

# The GPU host's op benchmarks (gpu-check.sh --op-bench) from the dist bundle, with its Java runtime,
# on the fake GPU of kernels/emu at toy shapes: checks that the CUDA benchmark code runs and reports
# its counters (the numbers mean nothing), and bench's --op-times and --profile. Needs gcc and g++;
# about 2 minutes.
FAKE_GPU := target/fake-gpu
bench-fake-gpu: dist
	kernels/emu/build-fake-gpu.sh $(FAKE_GPU)
	@# (the device timing's busy fills are small here: the fake GPU really writes them)
	LD_LIBRARY_PATH=$(CURDIR)/$(FAKE_GPU)/fake CYCLEGAN4J_COMPAT_DIR=$(CURDIR)/$(FAKE_GPU)/compat QUICK=1 \
	  BENCH_JAVA_OPTS=-Dcyclegan4j.bench.busyMiB=1 $(DIST)/benchmarks/gpu-check.sh --op-bench -p shape=1x8x16x16 -p layer=1x4x10x10:4k3s1p0 \
	    -p upsampledLayer=1x4x10x10:4k3s1p1
	@# and bench's per-call device times (gpu-check.sh's step-ours-op-times), device work skipped
	LD_LIBRARY_PATH=$(CURDIR)/$(FAKE_GPU)/fake CYCLEGAN4J_COMPAT_DIR=$(CURDIR)/$(FAKE_GPU)/compat FAKE_CUDA_SKIP_WORK=1 \
	  $(DIST)/bin/cyclegan4j bench --device cuda --size 32 --n-residual-blocks 1 --steps 2 --warmup 1 --op-times --profile \
	  | grep -E '^  total: [0-9]+ calls'
	@# and the tables from a real run's CSV (the H200's, with the whole-generator Adam rows)
	$(DIST)/runtime/bin/java -cp "$(DIST)/benchmarks/benchmarks.jar:$(DIST)/lib/*" cyclegan4j.bench.Ratios \
	  benchmarks/results/2026-11-28-h200-jmh-cuda.csv | grep -E '^  generator +AdamBenchmark.update'

# A rehearsal of the GPU host's whole gpu-check.sh from the dist bundle on the fake GPU, its steps
# shrunk (a 32x32 model of width 8; the demo data at 32x32): the bundle's tests, the smoke run and
# every step of ours must run before device time is spent on them. The op benchmarks are
# bench-fake-gpu's. PyTorch's steps run where TORCH_PY names a Python with torch (on its CPU:
# TORCH_PY=/usr/bin/python3 PARITY_DEVICE=cpu, about 5 minutes more). About 3 minutes.
gpu-check-fake: dist
	kernels/emu/build-fake-gpu.sh $(FAKE_GPU)
	LD_LIBRARY_PATH=$(CURDIR)/$(FAKE_GPU)/fake CYCLEGAN4J_COMPAT_DIR=$(CURDIR)/$(FAKE_GPU)/compat FAKE_CUDA_MEMORY=$$((8 << 30)) \
	  ONLY="$${ONLY:-info parity-tests smoke-train smoke-translate step-ours-b1 step-ours-b4 step-ours-fp32 step-ours-upconv-composite \
	    step-ours-norm-streaming step-ours-gradnorms step-ours-op-times step-pytorch step-pytorch-profile step-pytorch-fp32 pytorch-parity}" \
	  SMOKE_ARGS="--crop-size 32 --load-size 32 --n-residual-blocks 1 --ngf 8 --ndf 8 --max-steps 2 --sample-every 1" \
	  BENCH_ARGS="--size 32 --n-residual-blocks 1 --ngf 8 --ndf 8 --steps 2 --warmup 1" \
	  TORCH_ARGS="--device cpu --size 32 --blocks 1 --ngf 8 --ndf 8 --steps 2 --warmup 1 --threads 2" \
	  $(DIST)/benchmarks/gpu-check.sh

# The host's side of the seed's training step (256x256, 9 blocks, batch 1) on the CUDA backend:
# `cyclegan4j bench --device cuda` from the dist bundle on the fake GPU with FAKE_CUDA_SKIP_WORK=1
# (every kernel, convolution and copy is checked and counted, none is run). Prints the Java + JNI
# time per step (without the driver's own launch cost) and the memory the step would hold on a GPU
# (the pool's peaks; cuDNN's workspace excluded: the fake asks for 4 KiB). About a minute.
bench-host: dist
	kernels/emu/build-fake-gpu.sh $(FAKE_GPU)
	LD_LIBRARY_PATH=$(CURDIR)/$(FAKE_GPU)/fake CYCLEGAN4J_COMPAT_DIR=$(CURDIR)/$(FAKE_GPU)/compat \
	  FAKE_CUDA_SKIP_WORK=1 FAKE_CUDA_MEMORY=$$((64 << 30)) \
	  $(DIST)/bin/cyclegan4j bench --device cuda --size 256 --batch-size 1 --steps 20 --warmup 5

# ---- CUDA kernels -> PTX (committed; loaded with cuModuleLoadData, never compiled at run time) ----
# compute_75 PTX is JIT-compiled by the driver for any newer GPU (seen loading on an H200, driver 580).
# -fmad=false: no FMA contraction, so elementwise results round as in the Java reference.
NVCC ?= nvcc
NVCC_FLAGS := -ptx -arch=compute_75 -fmad=false -std=c++17
PTX_DIR := src/main/resources/cyclegan4j/ptx
KERNELS := $(wildcard kernels/*.cu)
PTX := $(patsubst kernels/%.cu,$(PTX_DIR)/%.ptx,$(KERNELS))

ptx: $(PTX)

$(PTX_DIR)/%.ptx: kernels/%.cu kernels/common.cuh
	@mkdir -p $(PTX_DIR)
	$(NVCC) $(NVCC_FLAGS) -o $@ $<

# Regenerates the PTX into a temp dir and compares it with the committed files; where ptxas is
# installed, also assembles the committed PTX for sm_90 (H100/H200), as the driver's JIT will, and
# fails when a kernel needs a stack frame or spills (local memory: slow, and never intended here).
ptx-check:
	@if ! command -v $(NVCC) >/dev/null 2>&1; then echo "ptx-check: $(NVCC) not on PATH, skipped"; exit 0; fi; \
	tmp=$$(mktemp -d); status=0; \
	for cu in $(KERNELS); do \
	  name=$$(basename $$cu .cu); \
	  $(NVCC) $(NVCC_FLAGS) -o $$tmp/$$name.ptx $$cu || { status=1; continue; }; \
	  if ! cmp -s $$tmp/$$name.ptx $(PTX_DIR)/$$name.ptx; then \
	    echo "ptx-check: $(PTX_DIR)/$$name.ptx is stale or missing: run 'make ptx' and commit"; status=1; fi; \
	done; \
	for ptx in $(PTX_DIR)/*.ptx; do \
	  [ -e kernels/$$(basename $$ptx .ptx).cu ] || { echo "ptx-check: $$ptx has no kernels/ source"; status=1; }; \
	done; \
	if command -v ptxas >/dev/null 2>&1; then \
	  for ptx in $(PTX_DIR)/*.ptx; do \
	    ptxas -arch=sm_90 -v -o $$tmp/check.cubin $$ptx > $$tmp/ptxas.log 2>&1 \
	      || { cat $$tmp/ptxas.log; echo "ptx-check: $$ptx does not assemble for sm_90"; status=1; }; \
	    if grep -E '[1-9][0-9]* bytes (stack frame|spill)' $$tmp/ptxas.log; then \
	      echo "ptx-check: a kernel of $$ptx uses local memory at sm_90 (an indexed array, or spilled registers)"; status=1; fi; \
	  done; \
	fi; \
	rm -rf $$tmp; [ $$status -eq 0 ] && echo "ptx-check: committed PTX matches kernels/ ($(words $(KERNELS)) files) and assembles for sm_90 without local memory"; exit $$status

# ---- forwarding libraries for hosts with only cuDNN 9 / cuBLAS 13 (trap 2 of the GPU notes) ----
# libcudnn.so.8 -> libcudnn.so.9 and libcublas.so.12 -> libcublas.so.13, exporting exactly the names
# JCuda's natives import (kernels/compat/*.symbols, committed; `make compat-symbols` re-reads them
# from the natives jars). NativeCompat loads them at run time when the old library is absent.
COMPAT_DIR := target/compat
COMPAT_LIBS := $(COMPAT_DIR)/libcudnn.so.8 $(COMPAT_DIR)/libcublas.so.12

compat: $(COMPAT_LIBS)

$(COMPAT_DIR)/libcudnn.so.8: kernels/compat/libcudnn.so.8.symbols kernels/compat/gen-forwarder.sh
	kernels/compat/gen-forwarder.sh libcudnn.so.8 libcudnn.so.9 $< $(COMPAT_DIR)/src
	gcc -O2 -shared -fPIC -o $@ $(COMPAT_DIR)/src/libcudnn.so.8.c -Wl,-soname,libcudnn.so.8 \
	  -Wl,--version-script=$(COMPAT_DIR)/src/libcudnn.so.8.map -ldl

$(COMPAT_DIR)/libcublas.so.12: kernels/compat/libcublas.so.12.symbols kernels/compat/gen-forwarder.sh
	kernels/compat/gen-forwarder.sh libcublas.so.12 libcublas.so.13 $< $(COMPAT_DIR)/src
	gcc -O2 -shared -fPIC -o $@ $(COMPAT_DIR)/src/libcublas.so.12.c -Wl,-soname,libcublas.so.12 \
	  -Wl,--version-script=$(COMPAT_DIR)/src/libcublas.so.12.map -ldl

compat-symbols: build
	tmp=$$(mktemp -d); cd $$tmp && for j in $(CURDIR)/target/lib/jcudnn-natives-*.jar $(CURDIR)/target/lib/jcublas-natives-*.jar; do unzip -q -o $$j 'lib/*'; done; \
	$(CURDIR)/kernels/compat/needed-symbols.sh libcudnn.so.8 lib/libJCudnn-*.so > $(CURDIR)/kernels/compat/libcudnn.so.8.symbols; \
	$(CURDIR)/kernels/compat/needed-symbols.sh libcublas.so.12 lib/libJCublas2-*.so lib/libJCublas-*.so > $(CURDIR)/kernels/compat/libcublas.so.12.symbols; \
	rm -rf $$tmp
	wc -l kernels/compat/*.symbols

# ---- self-contained bundle for a GPU host without Java or network (dist/, git-ignored) ----
# jlink runtime + app jar and runtime jars + forwarding libraries + launcher + JUnit console and the
# compiled tests (so the GPU parity tests run there without Maven) + benchmarks/gpu-check.sh and the
# JMH op benchmarks (benchmarks.jar: the benchmarks and JMH, on top of lib/; JMH needs java.management;
# the JUnit console's package scan of jars needs jdk.zipfs, or it prints a stack trace per jar).
# Budget: under 60 MiB of files (du --apparent-size; the demo's small files take more on disk) and 64 MiB as .tgz.
DIST := dist/cyclegan4j
JUNIT_CONSOLE := org.junit.platform:junit-platform-console-standalone:1.14.4

dist: build compat bench-compile
	rm -rf dist
	mkdir -p $(DIST)/bin $(DIST)/lib $(DIST)/native $(DIST)/test $(DIST)/benchmarks $(DIST)/demo
	jlink --add-modules java.base,java.logging,jdk.unsupported,java.desktop,java.management,jdk.zipfs --strip-debug --no-header-files \
	  --no-man-pages --compress=2 --output $(DIST)/runtime
	@# The JDK's native libraries keep their symbol tables (libjvm.so: 23 of its 24 MB with them, 20
	@# without); the dynamic symbols that linking needs stay. 5 MiB of the budget back.
	find $(DIST)/runtime -name '*.so' -exec strip --strip-unneeded {} +
	@# The JDK's JPEG codec and colour management may be linked to the system's libjpeg and lcms2
	@# (Debian's are), which a GPU host can lack (Ubuntu 24.04 has no libjpeg.so.62: seen on the
	@# H200 host). They go beside them: the runtime's libraries look in their own folder first.
	for l in libjavajpeg.so liblcms.so; do ldd $(DIST)/runtime/lib/$$l | awk '/(libjpeg|liblcms2)[.]so.* => \//{print $$3}'; done \
	  | sort -u | xargs -r -I{} cp -L {} $(DIST)/runtime/lib/
	! ldd $(DIST)/runtime/lib/libjavajpeg.so $(DIST)/runtime/lib/liblcms.so | grep -E '(libjpeg|liblcms2)[^ ]* => (not found|/(usr/)?lib/)'
	cp target/cyclegan4j.jar target/lib/*.jar $(DIST)/lib/
	@# JCuda's PTX-compiler binding (24 MB) is never used: PTX is loaded with cuModuleLoadData.
	zip -q -d $(DIST)/lib/jcuda-natives-*.jar 'lib/libJNvPTXCompiler-*'
	cp $(COMPAT_LIBS) $(DIST)/native/
	cp -r target/test-classes $(DIST)/test/classes
	$(MVN) dependency:copy -Dartifact=$(JUNIT_CONSOLE) -DoutputDirectory=$(CURDIR)/$(DIST)/test
	cp src/main/scripts/cyclegan4j $(DIST)/bin/
	cp benchmarks/gpu-check.sh benchmarks/ncu_kernels.py $(DIST)/benchmarks/
	cp benchmarks/target/benchmarks-dist.jar $(DIST)/benchmarks/benchmarks.jar
	cp -r benchmarks/reference $(DIST)/benchmarks/
	rm -rf $(DIST)/benchmarks/reference/__pycache__
	cp -r $(DEMO_DATA) $(DIST)/demo/
	cp kernels/README.md $(DIST)/README-cuda.md
	tar -C dist -czf dist/cyclegan4j.tgz cyclegan4j
	@du -sh --apparent-size $(DIST) dist/cyclegan4j.tgz
	@# issue 3: under 60 MiB; the device tool carries at most 64 MiB per call
	@bytes=$$(du -s --apparent-size --block-size=1 $(DIST) | cut -f1); [ $$bytes -lt 62914560 ] \
	  || { echo "dist: the bundle is $$((bytes >> 20)) MiB, over the 60 MiB limit" >&2; exit 1; }

# On a machine with a GPU and Maven: the tagged GPU tests, failing (not skipping) without a GPU.
gpu-test: compat
	$(MVN_TEST) test -DexcludedGroups= -Dgroups=gpu -Dcyclegan4j.requireGpu=true
