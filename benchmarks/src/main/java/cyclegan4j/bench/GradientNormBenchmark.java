package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The gradient-norm logging's sum of squares ({@code Backend.sumOfSquares}), which `train` runs on
 * every parameter gradient after each step: a residual block's 256x256x3x3 weight, and the whole
 * 9-block generator in one call (as AdamBenchmark). Bytes: reads n floats. Not one of the issue's
 * bandwidth goals: most gradients are small, so per-call overhead is what shows.
 */
public class GradientNormBenchmark extends OpBench {

    @Param({"589824", "11378179"})
    public String shape;

    private Buffer grad, sum;
    private long n;

    @Override
    protected void allocate() {
        n = Shape.parse(shape).elements();
        grad = random(n);
        sum = filled(1, 0f);
    }

    @Benchmark
    public void sumOfSquares(Bytes bytes) {
        bytes.add(repeat(() -> be.sumOfSquares(sum, grad, n)), n);
    }
}
