#!/usr/bin/env python3
"""Times the seed's full CycleGAN training step in PyTorch (eager, fp32): the reference figure that
cyclegan4j's own step benchmark is compared with.

One step = models.CycleGAN.step: generator step (identity, GAN, cycle; Adam), then D_A and D_B.
Inputs are fixed random images in [-1, 1]; weights are N(0, 0.02) or, with --init, a cyclegan4j
checkpoint (e.g. the init.safetensors of the parity check, or a checkpoint `train` wrote), loaded
strictly, so both engines can start from the same weights. Reports per batch size: median ms/step
after warm-up, images/s and, on CUDA, the peak memory PyTorch allocated and reserved during the timed
steps (`cyclegan4j bench` prints its pool's peaks in use and held, the same two measures).

    /usr/bin/python3 benchmarks/reference/step_benchmark.py --device cpu --size 64 --batch 1 --steps 3
    python3 benchmarks/reference/step_benchmark.py --device cuda            # 256x256, batch 1 and 4
    python3 benchmarks/reference/step_benchmark.py --device cuda --cudnn-benchmark --init run/init.safetensors
TF32 is off unless --tf32 is given (compare with our CUDA backend's default, which allows TF32 in
convolutions as PyTorch does, or with -Dcyclegan4j.cuda.tf32=false).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import CycleGAN  # noqa: E402
from safetensors_numpy import load  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu", choices=["cpu", "cuda"])
    ap.add_argument("--size", type=int, default=256, help="image height and width (multiple of 16)")
    ap.add_argument("--batch", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--blocks", type=int, default=9, help="residual blocks per generator")
    ap.add_argument("--ngf", type=int, default=64, help="filters in each generator's first layer")
    ap.add_argument("--ndf", type=int, default=64, help="filters in each discriminator's first layer")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--cudnn-benchmark", action="store_true", help="torch.backends.cudnn.benchmark = True")
    ap.add_argument("--tf32", action="store_true", help="allow TF32 in convolutions and matmuls")
    ap.add_argument("--init", help="cyclegan4j safetensors checkpoint to start from (G_AB./G_BA./D_A./D_B. keys)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--generator-only", action="store_true", help="also time G_AB inference (no grad)")
    ap.add_argument("--json", help="write the results here as JSON")
    ap.add_argument("--profile", action="store_true",
                    help="after the timed steps, one more step under torch.profiler: its device time per op "
                         "(compare with `cyclegan4j bench --op-times`)")
    args = ap.parse_args()

    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    torch.backends.cudnn.allow_tf32 = args.tf32
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    cuda = dev.type == "cuda"
    init = None
    if args.init:
        tensors, meta = load(args.init)
        init = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}
        args.channels = int(meta.get("option.channels", args.channels))
        args.blocks = int(meta.get("option.n_residual_blocks", meta.get("option.residual_blocks", args.blocks)))
        args.ngf = int(meta.get("option.ngf", args.ngf))
        args.ndf = int(meta.get("option.ndf", args.ndf))

    def sync():
        if cuda:
            torch.cuda.synchronize()

    where = torch.cuda.get_device_name(dev) if cuda else "CPU, %d threads" % torch.get_num_threads()
    print("PyTorch %s on %s; %d residual blocks, %d channels, ngf %d, ndf %d, %dx%d, fp32%s, eager, cudnn.benchmark=%s, weights: %s"
          % (torch.__version__, where, args.blocks, args.channels, args.ngf, args.ndf, args.size, args.size,
             " (TF32 allowed)" if args.tf32 else " (TF32 off)", args.cudnn_benchmark, args.init or "N(0, 0.02)"))
    print("%6s %12s %12s %10s %24s" % ("batch", "ms/step", "min ms", "images/s", "peak allocated / reserved"))
    results = []
    for n in args.batch:
        gan = CycleGAN(args.channels, args.blocks, device=dev, init=init is None, ngf=args.ngf, ndf=args.ndf)
        if init is not None:
            gan.load_checkpoint_tensors(init)
        gan.train()
        g = torch.Generator().manual_seed(n)
        real_A = (torch.rand(n, args.channels, args.size, args.size, generator=g) * 2 - 1).to(dev)
        real_B = (torch.rand(n, args.channels, args.size, args.size, generator=g) * 2 - 1).to(dev)
        for _ in range(args.warmup):
            gan.step(real_A, real_B)
        sync()
        if cuda:
            torch.cuda.reset_peak_memory_stats(dev)
        times = []
        for _ in range(args.steps):
            sync()
            t0 = time.perf_counter()
            gan.step(real_A, real_B)  # returns .item() values, which wait for the device anyway
            sync()
            times.append((time.perf_counter() - t0) * 1e3)
        med = statistics.median(times)
        peak = torch.cuda.max_memory_allocated(dev) if cuda else None
        reserved = torch.cuda.max_memory_reserved(dev) if cuda else None
        row = dict(batch=n, median_ms=med, min_ms=min(times), images_per_s=n * 1e3 / med, peak_bytes=peak,
                   peak_reserved_bytes=reserved,
                   steps=args.steps, warmup=args.warmup)
        if args.generator_only:
            with torch.no_grad():
                for _ in range(args.warmup):
                    gan.G_AB(real_A)
                gt = []
                for _ in range(args.steps):
                    sync()
                    t0 = time.perf_counter()
                    gan.G_AB(real_A)
                    sync()
                    gt.append((time.perf_counter() - t0) * 1e3)
            row["generator_ms"] = statistics.median(gt)
        if args.profile:
            profile_step(gan, real_A, real_B, cuda)
        results.append(row)
        print("%6d %12.1f %12.1f %10.2f %24s%s" % (n, med, min(times), row["images_per_s"],
                                                   "%.1f / %.1f MiB" % (peak / 2**20, reserved / 2**20)
                                                   if peak is not None else "-",
                                                   ("   G_AB inference %.1f ms" % row["generator_ms"])
                                                   if "generator_ms" in row else ""))
        del gan, real_A, real_B
        if cuda:
            torch.cuda.empty_cache()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(torch=torch.__version__, device=where, size=args.size, blocks=args.blocks,
                           channels=args.channels, cudnn_benchmark=args.cudnn_benchmark, tf32=args.tf32,
                           init=args.init, results=results), f, indent=1)
    return 0


def profile_step(gan, real_A, real_B, cuda):
    """One step under torch.profiler: the ops' device (or CPU) time, largest first, and the sum of
    the device kernels' times against the step."""
    from torch.profiler import ProfilerActivity, profile
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    with profile(activities=activities) as prof:
        gan.step(real_A, real_B)
        if cuda:
            torch.cuda.synchronize()
    events = prof.key_averages()
    # the column was renamed from cuda_* to device_* in PyTorch 2.4
    keys = ("self_device_time_total", "self_cuda_time_total") if cuda else ("self_cpu_time_total",)
    key = next(k for k in keys if hasattr(events[0], k)) if len(events) else keys[-1]
    print(events.table(sort_by=key, row_limit=30))
    if cuda:
        total = sum(getattr(e, key) for e in events) / 1e3
        print("device time of the profiled step (sum of %s): %.2f ms" % (key, total))


if __name__ == "__main__":
    sys.exit(main())
