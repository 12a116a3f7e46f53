package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * L1 and MSE losses ({@code Backend.l1Loss*}, {@code mseLoss*}). The model takes them of images and
 * discriminator maps; the bandwidth goal is at the generator's large shapes, so those.
 * Bytes: forward reads both operands (2n floats; the one-float result is not counted), backward
 * reads both and writes the gradient (3n).
 */
public class LossBenchmark extends OpBench {

    @Param({"1x64x256x256", "1x128x128x128", "1x256x64x64"})
    public String shape;

    private Buffer a, b, dA, loss, dLoss;
    private long n;

    @Override
    protected void allocate() {
        n = Shape.parse(shape).elements();
        a = random(n);
        b = random(n);
        dA = filled(n, 0f);
        loss = filled(1, 0f);
        dLoss = filled(1, 1f);
    }

    @Benchmark
    public void l1Forward(Bytes bytes) {
        bytes.add(repeat(() -> be.l1LossForward(loss, a, b, n)), 2.0 * n);
    }

    @Benchmark
    public void l1Backward(Bytes bytes) {
        bytes.add(repeat(() -> be.l1LossBackward(dA, dLoss, a, b, n)), 3.0 * n);
    }

    @Benchmark
    public void mseForward(Bytes bytes) {
        bytes.add(repeat(() -> be.mseLossForward(loss, a, b, n)), 2.0 * n);
    }

    @Benchmark
    public void mseBackward(Bytes bytes) {
        bytes.add(repeat(() -> be.mseLossBackward(dA, dLoss, a, b, n)), 3.0 * n);
    }
}
