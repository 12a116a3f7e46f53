#!/usr/bin/env bash
# gpu-check.sh - every GPU check of the CUDA backend, in one run, for the GPU host (no Java, no
# Maven, no network there): run it from the bundle that `make dist` builds,
#     tar xzf cyclegan4j.tgz && cyclegan4j/benchmarks/gpu-check.sh
# Steps: device info; the GPU parity tests (JUnit console, tag gpu, -Dcyclegan4j.requireGpu=true,
# so a CUDA start-up failure fails instead of skipping); a short training smoke run and translation
# on the bundled demo data; our training step and, when the host has it, PyTorch's in the same run;
# where the step's device time goes (ours per backend call, PyTorch's per op, our kernels alone
# with Nsight Compute where ncu is on the PATH);
# the JMH op benchmarks on CUDA (and axpy once more with our kernel instead of cuBLAS; the step and
# the fused upsampling + conv once more in the composite form instead of the phase form; the step
# once more with train's gradient norms). Prints a
# summary table and the benchmarks' GB/s, fraction-of-copy and TFLOP/s tables last.
#     gpu-check.sh --op-bench [REGEX | -p NAME=VALUES]...
# runs only the op benchmarks (benchmarks/README.md; `make bench-fake-gpu` runs it on the fake GPU),
# the arguments going to JMH: benchmark regexes, or -p to change shapes (-p shape=1x8x16x16).
# Environment: ONLY (space-separated step names to run, e.g. ONLY="info parity-tests pytorch-parity";
# every step together took 251 s on an H200, before ncu-kernels existed), ARCHIVE (a .tgz path: the
# log folder is archived there after every step and at the end, so a run cut short still leaves its
# logs in one file),
# PARITY_DEVICE (default cuda; cpu checks the pytorch-parity step itself on a machine without GPU),
# TIMEOUT_TESTS (s, default 420), TIMEOUT_BENCH (s, default 240: the op benchmarks' JMH run),
# QUICK=1 (shorter op benchmarks),
# SMOKE_ARGS (extra arguments for the training smoke run on the bundled demo data, e.g. --crop-size 64),
# BENCH_ARGS and TORCH_ARGS (extra arguments for every step of ours (`cyclegan4j bench`) and of
# PyTorch's (step_benchmark.py); the last value of an option wins, so `make gpu-check-fake` shrinks
# the steps with them to rehearse this script on the fake GPU),
# BENCH_CSV, BENCH_JAVA_OPTS (--op-bench: the CSV's name in LOG_DIR, Java options such as
# -Dcyclegan4j.cuda.cublas=false), JMH_FORKS (default 0: every op benchmark in one JVM, so that CUDA starts once instead of about 70
# times; device time does not depend on the JVM's profile as host code does).
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
JAVA="$ROOT/runtime/bin/java"
[ -x "$JAVA" ] || JAVA=java
export CYCLEGAN4J_COMPAT_DIR="${CYCLEGAN4J_COMPAT_DIR:-$ROOT/native}"
CP="$ROOT/lib/*"
JARS=$(ls "$ROOT"/lib/*.jar | tr '\n' ':') # the JUnit console does not expand lib/*
LOG=${LOG_DIR:-$(mktemp -d)}
mkdir -p "$LOG"

if [ "${1:-}" = "--op-bench" ]; then # JMH on CUDA, short settings (about 70 runs of 1.5 s), then the tables
  shift
  runs=(-wi 1 -w 300ms -i 3 -r 300ms)
  [ -n "${QUICK:-}" ] && runs=(-wi 1 -w 200ms -i 2 -r 200ms)
  BENCH_CP="$ROOT/benchmarks/benchmarks.jar:$CP"
  csv="$LOG/${BENCH_CSV:-jmh-cuda.csv}"
  rm -f "$csv"
  # The time limit is here, on Java itself: a signal to this shell would wait for Java to finish.
  # BENCH_JAVA_OPTS: backend switches for the benchmark JVM (with 0 forks JMH runs in this one).
  timeout "${TIMEOUT_BENCH:-240}" "$JAVA" -Xmx4g ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" org.openjdk.jmh.Main -p backend=cuda \
    -f "${JMH_FORKS:-0}" "${runs[@]}" -e GemmBenchmark -rf csv -rff "$csv" "$@"
  rc=$?
  "$JAVA" -cp "$BENCH_CP" cyclegan4j.bench.Ratios "$csv" # the tables of what did run
  exit $rc
fi

declare -a SUMMARY
FAILED=0 # the exit status: 1 when any step failed or timed out

archive() { # the log folder into $ARCHIVE, replaced whole (never a half-written file)
  [ -z "${ARCHIVE:-}" ] || { tar czf "$ARCHIVE.part" -C "$LOG" . && mv -f "$ARCHIVE.part" "$ARCHIVE"; }
}

step() { # step NAME TIMEOUT COMMAND...
  local name=$1 limit=$2; shift 2
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then
    SUMMARY+=("$(printf '%-26s | %-24s | %4s' "$name" "not run (ONLY)" -)")
    return 0
  fi
  local t0=$(date +%s) rc
  echo; echo "=== $name ==="
  timeout "$limit" "$@" 2>&1 | tee "$LOG/$name.log"
  rc=${PIPESTATUS[0]}
  local dt=$(( $(date +%s) - t0 ))
  local result="ok"
  [ "$rc" -eq 0 ] || { result="FAILED (exit $rc)"; FAILED=1; }
  [ "$rc" -eq 124 ] && result="TIMED OUT after ${limit}s"
  SUMMARY+=("$(printf '%-26s | %-24s | %4ss' "$name" "$result" "$dt")")
  archive
  return 0
}

echo "host: $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
"$JAVA" -version 2>&1 | head -1

step info 120 "$JAVA" -cp "$CP" cyclegan4j.backend.cuda.CudaInfo

step parity-tests "${TIMEOUT_TESTS:-420}" "$JAVA" -Xmx8g -Dcyclegan4j.requireGpu=true -jar "$ROOT"/test/junit-platform-console-standalone-*.jar \
  execute -cp "$ROOT/test/classes:$JARS" --select-package cyclegan4j --include-tag gpu --fail-if-no-tests \
  --details=tree --disable-ansi-colors --disable-banner --reports-dir "$LOG/junit"
grep -h -E 'tests (found|successful|failed|aborted)' "$LOG/parity-tests.log" 2>/dev/null

# A short training run on the bundled demo data in the seed's configuration, then translation.
# (Checkpoints of the full model are ~340 MB: keep the run out of the log folder.)
RUNS=$(mktemp -d)
step smoke-train 300 "$ROOT/bin/cyclegan4j" train --device cuda --dataroot "$ROOT/demo/fashion-mnist" \
  --name smoke --out "$RUNS" --max-steps 20 --sample-every 10 ${SMOKE_ARGS:-}
step smoke-translate 120 "$ROOT/bin/cyclegan4j" translate --device cuda \
  --checkpoint "$RUNS/smoke/checkpoints/latest.safetensors" --input "$ROOT/demo/fashion-mnist/testA" \
  --output "$RUNS/smoke/translated"
cp -r "$RUNS/smoke/samples" "$LOG/smoke-samples" 2>/dev/null || true

# The seed's full training step, ours then PyTorch's (if the host has it), same machine, same run:
# both with TF32 allowed in convolutions (each engine's default), and both in plain fp32 at batch 1.
# Ours warms up for 20 steps: with 5, two JVMs on an H200 gave 81.5 and 64.5 ms medians for nearly
# the same step (2026-11-28). The host side's JIT compilation is one suspect: on the fake GPU the
# step's host time is 4-6 ms after 10 steps and 2.6 ms after 20 + 200.
step step-ours-b1 300 "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 1 --steps 30 --warmup 20 ${BENCH_ARGS:-}
step step-ours-b4 300 "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 4 --steps 15 --warmup 10 ${BENCH_ARGS:-}
step step-ours-fp32 300 env JAVA_OPTS="${JAVA_OPTS:--Xmx8g} -Dcyclegan4j.cuda.tf32=false" "$ROOT/bin/cyclegan4j" bench \
  --device cuda --size 256 --batch-size 1 --steps 30 --warmup 20 ${BENCH_ARGS:-}
# The decoder's upsampling + conv as upsample, then cuDNN's 3x3 convolution (the Backend default)
# instead of the phase form's 2x2 one: the step that decides which the backend should keep.
step step-ours-upconv-composite 300 env JAVA_OPTS="${JAVA_OPTS:--Xmx8g} -Dcyclegan4j.cuda.phaseUpsampleConv=false" \
  "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 1 --steps 30 --warmup 20 ${BENCH_ARGS:-}
# Instance norm with the streaming kernels everywhere (three reads of each plane forward, two
# backward) instead of the register kernels (one) on planes of up to 16,384 floats: which to keep.
step step-ours-norm-streaming 300 env JAVA_OPTS="${JAVA_OPTS:--Xmx8g} -Dcyclegan4j.cuda.normInRegisters=false" \
  "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 1 --steps 30 --warmup 20 ${BENCH_ARGS:-}
# The step as train runs it, with the gradient norms for loss.csv: their cost on a GPU.
step step-ours-gradnorms 300 "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 1 --steps 30 --warmup 20 --grad-norms ${BENCH_ARGS:-}
# Where the step's device time goes: ours per backend call (CUDA events around each), PyTorch's
# per op (torch.profiler, below).
step step-ours-op-times 300 "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 1 --steps 5 --warmup 3 --op-times ${BENCH_ARGS:-}
TORCH_PY=${TORCH_PY:-/opt/torch/.venv/bin/python}
if [ -x "$TORCH_PY" ]; then # never put the system cuDNN on LD_LIBRARY_PATH for PyTorch
  step step-pytorch 400 env -u LD_LIBRARY_PATH "$TORCH_PY" "$ROOT/benchmarks/reference/step_benchmark.py" \
    --device cuda --size 256 --batch 1 4 --tf32 --generator-only ${TORCH_ARGS:-}
  step step-pytorch-profile 300 env -u LD_LIBRARY_PATH "$TORCH_PY" "$ROOT/benchmarks/reference/step_benchmark.py" \
    --device cuda --size 256 --batch 1 --tf32 --steps 5 --warmup 3 --profile ${TORCH_ARGS:-}
  step step-pytorch-fp32 300 env -u LD_LIBRARY_PATH "$TORCH_PY" "$ROOT/benchmarks/reference/step_benchmark.py" \
    --device cuda --size 256 --batch 1 ${TORCH_ARGS:-}
  # Numerical parity, ours on CUDA against PyTorch on CUDA, TF32 off on both sides (PyTorchParityTest
  # writes the initial weights and our step, parity.py loads them; run from the bundle's root).
  step pytorch-parity 600 env -C "$ROOT" "$JAVA" -Xmx8g -Dparity.require=true -Dparity.device="${PARITY_DEVICE:-cuda}" -Dparity.python="$TORCH_PY" \
    -jar "$ROOT"/test/junit-platform-console-standalone-*.jar execute -cp "$ROOT/test/classes:$JARS" \
    --select-class cyclegan4j.parity.PyTorchParityTest --include-tag pytorch --fail-if-no-tests \
    --details=tree --disable-ansi-colors --disable-banner --reports-dir "$LOG/junit-pytorch"
  grep -h -E 'tests (successful|failed|aborted|skipped)' "$LOG/pytorch-parity.log" 2>/dev/null
else
  SUMMARY+=("$(printf '%-26s | %-24s | %4s' step-pytorch "skipped: no $TORCH_PY" -)")
  SUMMARY+=("$(printf '%-26s | %-24s | %4s' step-pytorch-profile "skipped: no $TORCH_PY" -)")
  SUMMARY+=("$(printf '%-26s | %-24s | %4s' step-pytorch-fp32 "skipped: no $TORCH_PY" -)")
  SUMMARY+=("$(printf '%-26s | %-24s | %4s' pytorch-parity "skipped: no $TORCH_PY" -)")
fi

# Every op family, forward and backward, at the model's shapes (writes jmh-cuda.csv).
step op-bench $(( ${TIMEOUT_BENCH:-240} + 60 )) env LOG_DIR="$LOG" bash "$ROOT/benchmarks/gpu-check.sh" --op-bench
# Gradient accumulation with our axpy kernel instead of cuBLAS Saxpy: the backend keeps cuBLAS for
# axpy only where it is at least as fast (compare with op-bench's AxpyBenchmark rows).
step axpy-kernel 120 env LOG_DIR="$LOG" BENCH_CSV=jmh-cuda-axpy-kernel.csv BENCH_JAVA_OPTS=-Dcyclegan4j.cuda.cublas=false \
  bash "$ROOT/benchmarks/gpu-check.sh" --op-bench AxpyBenchmark CopyBenchmark
# Instance norm with the streaming kernels (compare with op-bench's InstanceNormBenchmark rows).
step norm-streaming 120 env LOG_DIR="$LOG" BENCH_CSV=jmh-cuda-norm-streaming.csv \
  BENCH_JAVA_OPTS=-Dcyclegan4j.cuda.normInRegisters=false bash "$ROOT/benchmarks/gpu-check.sh" --op-bench InstanceNormBenchmark CopyBenchmark
# The fused upsampling + conv op alone in its composite form (compare with op-bench's UpsampleConvBenchmark rows).
step upconv-composite 120 env LOG_DIR="$LOG" BENCH_CSV=jmh-cuda-upconv-composite.csv \
  BENCH_JAVA_OPTS=-Dcyclegan4j.cuda.phaseUpsampleConv=false bash "$ROOT/benchmarks/gpu-check.sh" --op-bench UpsampleConvBenchmark

# Our kernels alone in one training step (bench --profile), from the hardware counters: device time
# and DRAM bytes per kernel and launch shape, caches flushed before each (Nsight Compute's default),
# for the memory-bound kernels' bandwidth without the host's launch cost. Skipped without ncu; last,
# as its time on a GPU is not known yet.
if command -v ncu >/dev/null; then
  step ncu-kernels 300 ncu --profile-from-start off --target-processes all --clock-control none --csv --page raw \
    --print-units base --metrics gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum --launch-count 5000 \
    --kernel-name "regex:^(instance_norm|reflection_pad|zero_pad|upsample_nearest|upconv|l1_|mse_|loss_finish|mean_|leaky_relu|tanh|adam|axpy_f32|scale_f32|add_f32|sum|zero_chunks|conv_bias)" \
    --log-file "$LOG/ncu-kernels.csv" "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 1 --steps 1 --warmup 2 --profile ${BENCH_ARGS:-}
  python3 "$ROOT/benchmarks/ncu_kernels.py" "$LOG/ncu-kernels.csv" > "$LOG/ncu-kernels.txt" 2>&1
else
  SUMMARY+=("$(printf '%-26s | %-24s | %4s' ncu-kernels "skipped: no ncu" -)")
fi

{
echo
echo "=== summary (logs in $LOG${ARCHIVE:+, archived in $ARCHIVE}) ==="
printf '%-26s | %-24s | %5s\n' check result time
for s in "${SUMMARY[@]}"; do echo "$s"; done
echo
echo "op benchmarks on CUDA (JMH; GB/s over the device time alone, where measured: benchmarks/README.md):"
sed -n '/^Memory-bound kernels/,$p' "$LOG/op-bench.log" 2>/dev/null
echo "data loading (batches/s, 256x256 crops from 286x286 JPEG resizes; the default is 2 workers):"
grep -h '^LoaderBenchmark.next ' "$LOG/op-bench.log" 2>/dev/null
echo
echo "axpy: cuBLAS Saxpy (op-bench, above) against our axpy kernel (-Dcyclegan4j.cuda.cublas=false):"
sed -n '/^Memory-bound kernels/,$p' "$LOG/axpy-kernel.log" 2>/dev/null | grep 'AxpyBenchmark' | sed 's/^/  kernel: /'
sed -n '/^Memory-bound kernels/,$p' "$LOG/op-bench.log" 2>/dev/null | grep 'AxpyBenchmark' | sed 's/^/  cuBLAS: /'
echo
echo "instance norm: register kernels where the plane fits (op-bench) against the streaming kernels everywhere:"
sed -n '/^Memory-bound kernels/,$p' "$LOG/op-bench.log" 2>/dev/null | grep 'InstanceNorm' | sed 's/^/  registers: /'
sed -n '/^Memory-bound kernels/,$p' "$LOG/norm-streaming.log" 2>/dev/null | grep 'InstanceNorm' | sed 's/^/  streaming: /'
grep -h 'training step: median' "$LOG/step-ours-b1.log" 2>/dev/null | sed 's/^/  step, registers: /'
grep -h 'training step: median' "$LOG/step-ours-norm-streaming.log" 2>/dev/null | sed 's/^/  step, streaming: /'
echo
echo "upsampling + conv (TFLOP/s counted on the upsampled conv): the phase form (op-bench) against upsample, then 3x3 conv:"
grep -h '^  up2 + [0-9]' "$LOG/op-bench.log" 2>/dev/null | sed 's/^/  phase:     /'
grep -h '^  up2 + [0-9]' "$LOG/upconv-composite.log" 2>/dev/null | sed 's/^/  composite: /'
echo "the training step at batch 1 with each:"
grep -h 'training step: median' "$LOG/step-ours-b1.log" 2>/dev/null | sed 's/^/  phase:     /'
grep -h 'training step: median' "$LOG/step-ours-upconv-composite.log" 2>/dev/null | sed 's/^/  composite: /'
echo "the training step at batch 1 without and with train's gradient norms (GradientNormBenchmark above: per call):"
grep -h 'training step: median' "$LOG/step-ours-b1.log" 2>/dev/null | sed 's/^/  without: /'
grep -h 'training step: median' "$LOG/step-ours-gradnorms.log" 2>/dev/null | sed 's/^/  with:    /'
echo "device time of one training step (256x256, batch 1, TF32 allowed; the tables are in the two logs):"
grep -h '^  total:' "$LOG/step-ours-op-times.log" 2>/dev/null | sed 's/^  total:/  ours (events per backend call):/'
grep -h '^device time of the profiled step' "$LOG/step-pytorch-profile.log" 2>/dev/null | sed 's/^/  PyTorch (torch.profiler): /'
head -25 "$LOG/ncu-kernels.txt" 2>/dev/null
} 2>&1 | tee "$LOG/summary.txt"
archive
exit $FAILED
