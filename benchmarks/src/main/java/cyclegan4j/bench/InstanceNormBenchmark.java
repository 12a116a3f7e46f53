package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Instance norm ({@code Backend.instanceNormForward/Backward}, eps 1e-5) at the generator's
 * normalised maps, with the ReLU fused as the models run it (every norm there is followed by one).
 * Bytes: each element read and written once, plus the per-plane mean and 1/std.
 */
public class InstanceNormBenchmark extends OpBench {

    @Param({"1x64x256x256", "1x128x128x128", "1x256x64x64"})
    public String shape;

    private Buffer x, y, dy, dx, mean, rstd;
    private int planes, hw;
    private long n;

    @Override
    protected void allocate() {
        Shape s = Shape.parse(shape);
        n = s.elements();
        planes = s.planes();
        hw = s.h() * s.w();
        x = random(n);
        dy = random(n);
        y = filled(n, 0f);
        dx = filled(n, 0f);
        mean = filled(planes, 0f);
        rstd = filled(planes, 0f);
        be.instanceNormForward(y, mean, rstd, x, planes, hw, 1e-5f, true, 0f); // the statistics backward reads
    }

    /** Reads x, writes y, mean and rstd: 2n + 2 planes floats. */
    @Benchmark
    public void forward(Bytes bytes) {
        bytes.add(repeat(() -> be.instanceNormForward(y, mean, rstd, x, planes, hw, 1e-5f, true, 0f)), 2.0 * n + 2.0 * planes);
    }

    /** Reads dOut, x, mean and rstd, writes dIn: 3n + 2 planes floats. */
    @Benchmark
    public void backward(Bytes bytes) {
        bytes.add(repeat(() -> be.instanceNormBackward(dx, dy, x, mean, rstd, planes, hw, true, 0f)), 3.0 * n + 2.0 * planes);
    }
}
