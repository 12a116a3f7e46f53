package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The gradient-norm logging's sum of squares ({@code Backend.sumOfSquares}), which `train` runs
 * once per network after each step over all its parameter gradients: one residual block's
 * 256x256x3x3 weight alone, and the 48 gradients of a 9-block generator (11,378,179 floats) in one
 * call. Bytes: reads the floats once. Not one of the bandwidth goals; on a GPU the call is
 * two launches for any number of buffers.
 */
public class GradientNormBenchmark extends OpBench {

    @Param({"589824", "generator"})
    public String shape;

    private Buffer[] grads;
    private long[] n;
    private long total;
    private Buffer sum;

    @Override
    protected void allocate() {
        n = Shape.tensors(shape);
        grads = new Buffer[n.length];
        total = 0;
        for (int i = 0; i < n.length; i++) {
            grads[i] = random(n[i]);
            total += n[i];
        }
        sum = filled(1, 0f);
    }

    @Benchmark
    public void sumOfSquares(Bytes bytes) {
        bytes.add(repeat(() -> be.sumOfSquares(sum, grads, n)), total);
    }
}
