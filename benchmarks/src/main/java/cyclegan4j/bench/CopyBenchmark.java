package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The yardstick of the memory-bound kernels: {@code Backend.copy} of n floats (on a GPU a
 * device-to-device {@code cuMemcpyDtoDAsync}, on the CPU {@code System.arraycopy}), 8n bytes.
 * The shapes are those of the other families' main operands, so that each kernel is compared with
 * a copy of a tensor of its own size in the same run (same caches, same clocks). The CPU copy
 * runs on one thread while the CPU kernels use every core, so there a kernel can beat it.
 */
public class CopyBenchmark extends OpBench {

    @Param({"1x64x256x256", "1x128x128x128", "1x256x64x64", "1x3x256x256", "589824", "11378179"})
    public String shape;

    private Buffer src, dst;
    private long n;

    @Override
    protected void allocate() {
        n = Shape.parse(shape).elements();
        src = random(n);
        dst = filled(n, 0f);
    }

    /** Reads n, writes n floats. */
    @Benchmark
    public void copy(Bytes bytes) {
        bytes.add(repeat(() -> be.copy(dst, src, n)), 2.0 * n);
    }
}
