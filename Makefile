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

.PHONY: help build test bench bench-compile clean

help:
	@echo "make build   - compile and package the engine + CLI (target/cyclegan4j-*.jar, target/lib)"
	@echo "make test    - run the CPU test suite (gradient checks, forward values, memory)"
	@echo "make bench   - run the JMH CPU benchmarks (benchmarks/), results in benchmarks/RESULTS.md"
	@echo "make clean   - remove build output"

build:
	$(MVN) -DskipTests package

test:
	$(MVN_TEST) test

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
