#!/usr/bin/env python3
"""Summarises an Nsight Compute CSV of our kernels (gpu-check.sh's ncu-kernels step): per kernel and
launch shape, the calls, the device time and the DRAM bandwidth (bytes read + written by the
kernel, from the hardware counters, over its duration), largest total time first, then the totals.

    ncu --csv --page raw --print-units base --metrics gpu__time_duration.sum,dram__bytes_read.sum,\\
        dram__bytes_write.sum --log-file K.csv ... ; python3 benchmarks/ncu_kernels.py K.csv

ncu flushes the caches before each kernel it profiles (its default), so every kernel reads from
DRAM, and the bandwidth is comparable with a large device-to-device copy's (about 4.3 TB/s on an
H200 and 3.0 TB/s on an H100, counting read + write; ../shared/gpu/README.md).
"""
import csv
import sys

TIME, READ, WRITE = "gpu__time_duration.sum", "dram__bytes_read.sum", "dram__bytes_write.sum"


def rows(path):
    """The profiled launches: dicts keyed by the CSV's header. ncu writes its own log lines (==PROF==
    ...) and the application's output may be mixed in; the table starts at the header that names
    the kernel column, and its second line holds the units."""
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith('"ID"') and '"Kernel Name"' in l), None)
    if start is None:
        return []
    table = [r for r in csv.reader(lines[start:]) if len(r) > 1]
    header, data = table[0], [r for r in table[1:] if r[0].strip().isdigit()]  # (--page raw: a units line)
    records = [dict(zip(header, r)) for r in data]
    if "Metric Name" not in header:  # --page raw: one line per launch, one column per metric
        return records
    launches = {}  # --page details: one line per launch and metric
    for r in records:
        launch = launches.setdefault(r["ID"], dict(r))
        launch[r["Metric Name"]] = r["Metric Value"]
    return list(launches.values())


def number(s):
    return float(s.replace(",", "")) if s.strip() not in ("", "n/a") else 0.0


def main(path):
    launches = rows(path)
    if not launches:
        print("no profiled kernels in %s" % path)
        return 1
    groups = {}
    for r in launches:
        key = (r["Kernel Name"], r.get("Grid Size", ""), r.get("Block Size", ""))
        g = groups.setdefault(key, [0, 0.0, 0.0])
        g[0] += 1
        g[1] += number(r[TIME])  # ns
        g[2] += number(r[READ]) + number(r[WRITE])  # bytes
    total_ns = sum(g[1] for g in groups.values())
    total_bytes = sum(g[2] for g in groups.values())
    print("our kernels in one training step (Nsight Compute, caches flushed before each): %d launches, "
          "%.3f ms of device time, %.2f GB moved, %.0f GB/s overall" % (len(launches), total_ns / 1e6, total_bytes / 1e9,
                                                                       total_bytes / total_ns if total_ns else 0))
    print("  %5s %9s %9s %8s  %-28s %-16s %s" % ("calls", "total us", "mean us", "GB/s", "kernel", "grid", "block"))
    for (name, grid, block), (n, ns, b) in sorted(groups.items(), key=lambda kv: -kv[1][1]):
        print("  %5d %9.1f %9.2f %8.0f  %-28s %-16s %s" % (n, ns / 1e3, ns / n / 1e3, b / ns if ns else 0, name, grid, block))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: ncu_kernels.py NCU.csv", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
