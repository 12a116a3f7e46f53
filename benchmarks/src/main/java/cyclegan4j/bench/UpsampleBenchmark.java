package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Nearest-neighbour upsampling by 2 ({@code Backend.upsampleNearest*}) at the generator's two
 * inputs (before u128 and u64). Bytes, both directions: the input (n floats) and the output (4n)
 * each once: 5n floats.
 */
public class UpsampleBenchmark extends OpBench {

    @Param({"1x256x64x64", "1x128x128x128"})
    public String shape;

    private Buffer x, dx, big, dBig;
    private int planes, h, w;
    private long n;

    @Override
    protected void allocate() {
        Shape s = Shape.parse(shape);
        n = s.elements();
        planes = s.planes();
        h = s.h();
        w = s.w();
        x = random(n);
        dx = filled(n, 0f);
        big = filled(4 * n, 0f);
        dBig = random(4 * n);
    }

    @Benchmark
    public void forward(Bytes bytes) {
        bytes.add(repeat(() -> be.upsampleNearestForward(big, x, planes, h, w, 2)), 5.0 * n);
    }

    @Benchmark
    public void backward(Bytes bytes) {
        bytes.add(repeat(() -> be.upsampleNearestBackward(dx, dBig, planes, h, w, 2)), 5.0 * n);
    }
}
