#!/usr/bin/env bash
# gpu-check.sh - every GPU check of the CUDA backend, in one run, for the GPU host (no Java, no
# Maven, no network there): run it from the bundle that `make dist` builds,
#     tar xzf cyclegan4j.tgz && cyclegan4j/benchmarks/gpu-check.sh
# Steps: device info; the GPU parity tests (JUnit console, tag gpu, -Dcyclegan4j.requireGpu=true,
# so a CUDA start-up failure fails instead of skipping); a short training smoke run and translation
# on the bundled demo data; our training step and, when the host has it, PyTorch's in the same run;
# kernel and convolution timings. Prints a summary table last.
# Environment: TIMEOUT_TESTS (s, default 420), TIMEOUT_BENCH (s, default 240), QUICK=1 (shorter bench),
# SMOKE_ARGS (extra arguments for the training smoke run on the bundled demo data, e.g. --crop-size 64).
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
JAVA="$ROOT/runtime/bin/java"
[ -x "$JAVA" ] || JAVA=java
export CYCLEGAN4J_COMPAT_DIR="${CYCLEGAN4J_COMPAT_DIR:-$ROOT/native}"
CP="$ROOT/lib/*"
JARS=$(ls "$ROOT"/lib/*.jar | tr '\n' ':') # the JUnit console does not expand lib/*
LOG=${LOG_DIR:-$(mktemp -d)}
mkdir -p "$LOG"
declare -a SUMMARY

step() { # step NAME TIMEOUT COMMAND...
  local name=$1 limit=$2; shift 2
  local t0=$(date +%s) rc
  echo; echo "=== $name ==="
  timeout "$limit" "$@" 2>&1 | tee "$LOG/$name.log"
  rc=${PIPESTATUS[0]}
  local dt=$(( $(date +%s) - t0 ))
  local result="ok"
  [ "$rc" -eq 0 ] || result="FAILED (exit $rc)"
  [ "$rc" -eq 124 ] && result="TIMED OUT after ${limit}s"
  SUMMARY+=("$(printf '%-16s | %-24s | %4ss' "$name" "$result" "$dt")")
  return 0
}

echo "host: $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
"$JAVA" -version 2>&1 | head -1

step info 120 "$JAVA" -cp "$CP" cyclegan4j.backend.cuda.CudaInfo

step parity-tests "${TIMEOUT_TESTS:-420}" "$JAVA" -Xmx8g -Dcyclegan4j.requireGpu=true -jar "$ROOT"/test/junit-platform-console-standalone-*.jar \
  execute -cp "$ROOT/test/classes:$JARS" --select-package cyclegan4j --include-tag gpu --fail-if-no-tests \
  --details=tree --disable-ansi-colors --disable-banner --reports-dir "$LOG/junit"
grep -h -E 'tests (found|successful|failed|aborted)' "$LOG/parity-tests.log"

# A short training run on the bundled demo data in the seed's configuration, then translation.
# (Checkpoints of the full model are ~340 MB: keep the run out of the log folder.)
RUNS=$(mktemp -d)
step smoke-train 300 "$ROOT/bin/cyclegan4j" train --device cuda --dataroot "$ROOT/demo/fashion-mnist" \
  --name smoke --out "$RUNS" --max-steps 20 --sample-every 10 ${SMOKE_ARGS:-}
step smoke-translate 120 "$ROOT/bin/cyclegan4j" translate --device cuda \
  --checkpoint "$RUNS/smoke/checkpoints/latest.safetensors" --input "$ROOT/demo/fashion-mnist/testA" \
  --output "$RUNS/smoke/translated"
cp -r "$RUNS/smoke/samples" "$LOG/smoke-samples" 2>/dev/null

# The seed's full training step, ours then PyTorch's (if the host has it), same machine, same run.
step step-ours-b1 300 "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 1 --steps 20 --warmup 5
step step-ours-b4 300 "$ROOT/bin/cyclegan4j" bench --device cuda --size 256 --batch-size 4 --steps 10 --warmup 3
TORCH_PY=${TORCH_PY:-/opt/torch/.venv/bin/python}
if [ -x "$TORCH_PY" ]; then # never put the system cuDNN on LD_LIBRARY_PATH for PyTorch
  step step-pytorch 400 env -u LD_LIBRARY_PATH "$TORCH_PY" "$ROOT/benchmarks/reference/step_benchmark.py" \
    --device cuda --size 256 --batch 1 4 --generator-only
else
  SUMMARY+=("$(printf '%-16s | %-24s | %4s' step-pytorch "skipped: no $TORCH_PY" -)")
fi

step kernel-bench "${TIMEOUT_BENCH:-240}" "$JAVA" -Xmx8g -cp "$CP" cyclegan4j.backend.cuda.KernelBench ${QUICK:+--quick}

echo
echo "=== summary (logs in $LOG) ==="
printf '%-16s | %-24s | %5s\n' check result time
for s in "${SUMMARY[@]}"; do echo "$s"; done
echo
echo "kernel timings:"
sed -n '/^kernel /,$p' "$LOG/kernel-bench.log" 2>/dev/null
