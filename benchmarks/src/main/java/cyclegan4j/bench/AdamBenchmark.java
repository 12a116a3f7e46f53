package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The fused Adam update ({@code Backend.adamUpdate}, the model's lr and betas, step 10). The
 * optimizer calls it once per parameter tensor: 589824 is a residual block's 256x256x3x3 weight
 * (18 of them hold 93% of the 9-block generator's parameters); 11378179 is the whole generator in
 * one call, the upper end. Bytes: reads param, grad, m, v and writes param, m, v: 7n floats.
 */
public class AdamBenchmark extends OpBench {

    @Param({"589824", "11378179"})
    public String shape;

    private Buffer param, grad, m, v;
    private long n;

    @Override
    protected void allocate() {
        n = Shape.parse(shape).elements();
        param = random(n);
        grad = random(n);
        m = filled(n, 0f);
        v = filled(n, 0f);
    }

    @Benchmark
    public void update(Bytes bytes) {
        bytes.add(repeat(() -> be.adamUpdate(param, grad, m, v, n, 2e-4f, 0.5f, 0.999f, 1e-8f, 10)), 7.0 * n);
    }
}
