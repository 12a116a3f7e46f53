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

.PHONY: help build test parity demo bench bench-compile clean

help:
	@echo "make demo    - build, train on the bundled Fashion-MNIST sneakers <-> boots, translate the test images"
	@echo "make build   - compile and package the engine + CLI (target/cyclegan4j launcher, jar, target/lib)"
	@echo "make test    - run the CPU test suite (gradient checks, forward values, memory)"
	@echo "make parity  - one training step against the PyTorch reference (needs torch for /usr/bin/python3)"
	@echo "make bench   - run the JMH CPU benchmarks (benchmarks/), results in benchmarks/RESULTS.md"
	@echo "make clean   - remove build output"

build:
	$(MVN) -DskipTests package
	install -m 755 src/main/scripts/cyclegan4j target/cyclegan4j

# The demo: Fashion-MNIST sneakers (A) <-> ankle boots (B), bundled in src/demo/fashion-mnist.
# Without a GPU a CPU-sized preset (about 10 minutes on 2 cores); with one, the seed's full
# configuration (9 residual blocks, 286 -> 256 crops, 3 channels) for a short run.
DEMO_DATA := src/demo/fashion-mnist
DEMO_OUT ?= runs
DEMO_CPU := --device cpu --channels 1 --n-residual-blocks 3 --load-size 32 --crop-size 32 --epochs 2 --decay-epoch 1 --sample-every 100
DEMO_GPU := --device cuda --channels 3 --n-residual-blocks 9 --load-size 286 --crop-size 256 --epochs 10 --decay-epoch 5 --sample-every 200

demo: build
	rm -rf $(DEMO_OUT)/fashion-demo
	@if nvidia-smi -L >/dev/null 2>&1; then preset="$(DEMO_GPU)"; echo "GPU found: seed configuration"; \
	  else preset="$(DEMO_CPU)"; echo "no GPU: CPU preset"; fi; \
	target/cyclegan4j train --dataroot $(DEMO_DATA) --name fashion-demo --out $(DEMO_OUT) $$preset $(DEMO_ARGS)
	target/cyclegan4j translate --checkpoint $(DEMO_OUT)/fashion-demo/checkpoints/latest.safetensors \
	  --direction AtoB --input $(DEMO_DATA)/testA --output $(DEMO_OUT)/fashion-demo/translated/AtoB
	target/cyclegan4j translate --checkpoint $(DEMO_OUT)/fashion-demo/checkpoints/latest.safetensors \
	  --direction BtoA --input $(DEMO_DATA)/testB --output $(DEMO_OUT)/fashion-demo/translated/BtoA
	@echo "demo done: samples in $(DEMO_OUT)/fashion-demo/samples, translations in $(DEMO_OUT)/fashion-demo/translated"

test:
	$(MVN_TEST) test

# Numerical parity with the PyTorch reference (benchmarks/reference/parity.py), fp32 on the CPU.
# PARITY_KEEP=DIR keeps the exchanged safetensors files; PARITY_PYTHON picks the interpreter.
PARITY_PYTHON ?= /usr/bin/python3
parity:
	$(MVN_TEST) test -Dgroups=pytorch -DexcludedGroups=gpu -Dtest=PyTorchParityTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dparity.python=$(PARITY_PYTHON) $(if $(PARITY_KEEP),-Dparity.keep=$(PARITY_KEEP))

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
