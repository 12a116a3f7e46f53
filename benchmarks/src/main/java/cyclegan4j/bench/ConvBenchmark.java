package cyclegan4j.bench;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The generator's residual-block convolution through the public engine API on the CPU backend:
 * input 1x256x64x64, weight 256x256x3x3, bias 256, stride 1, zero padding 1.
 *
 * <ul>
 *   <li>{@code forward}: {@code F.conv2d} inside a {@link cyclegan4j.tensor.Scope} (grad mode on,
 *       as in training); closing the scope frees the output.</li>
 *   <li>{@code backward}: {@code y.backward(dy)} on a conv output made (untimed) just before, which
 *       computes the input, weight and bias gradients.</li>
 * </ul>
 * GFLOP/s counts the GEMM work only: 2*M*N*K for the forward pass and twice that for the backward
 * pass (weight and input gradients), with M = 256, N = 64*64, K = 256*3*3. The bias and
 * im2col/col2im work is timed but not counted. Compare with {@link GemmBenchmark#sgemmNative}.
 * The engine uses the native BLAS when it loads; {@code -jvmArgsAppend -Dcyclegan4j.gemm=java}
 * runs it on the Java GEMM instead.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ConvBenchmark {

    static final int C = 256, H = 64, W = 64, KS = 3;
    static final double FORWARD_GFLOP = Flops.gemm(C, H * W, C * KS * KS);

    /** The layer's parameters, its input (which requires grad) and an upstream gradient. */
    @State(Scope.Thread)
    public static class Layer {
        Tensor x, weight, bias, dy;

        @Setup(Level.Trial)
        public void setup() {
            GemmBenchmark.NETLIB_LOG.setLevel(java.util.logging.Level.OFF);
            CpuBackend be = CpuBackend.get();
            System.out.println("# GEMM: " + be.gemmName());
            SplittableRandom rng = new SplittableRandom(42);
            try (cyclegan4j.tensor.Scope ignored = cyclegan4j.tensor.Scope.unowned()) {
                x = Tensor.randn(be, rng, 1f, 1, C, H, W).requiresGrad(true);
                dy = Tensor.randn(be, rng, 1f, 1, C, H, W);
                float[] w = Tensor.randn(be, rng, 0.02f, C, C, KS, KS).toArray();
                weight = Tensor.parameter(be, w, C, C, KS, KS);
                bias = Tensor.parameter(be, new float[C], C);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (Tensor t : new Tensor[]{x, dy, weight, bias}) {
                t.close();
            }
        }
    }

    /**
     * The layer plus one training step's scope with the forward pass already done (untimed): what
     * backward walks. A subclass, not a second state that takes the layer as a helper argument:
     * tried that way, the layer's trial setup ran three times and the helpers did not see the
     * benchmark's instance (the input gradient was never reset).
     */
    public static class Step extends Layer {
        cyclegan4j.tensor.Scope scope;
        Tensor y;

        @Setup(Level.Invocation)
        public void forward() {
            scope = cyclegan4j.tensor.Scope.open();
            y = F.conv2d(x, weight, bias, 1, 1);
        }

        @TearDown(Level.Invocation)
        public void endStep() {
            x.setGrad(null); // the input gradient was allocated in this step's scope
            scope.close();
        }
    }

    @Benchmark
    public boolean forward(Layer layer, Flops flops) {
        try (cyclegan4j.tensor.Scope s = cyclegan4j.tensor.Scope.open()) {
            Tensor out = F.conv2d(layer.x, layer.weight, layer.bias, 1, 1);
            flops.gflops += FORWARD_GFLOP;
            return out.data().isClosed();
        }
    }

    @Benchmark
    public Object backward(Step step, Flops flops) {
        step.y.backward(step.dy);
        flops.gflops += 2 * FORWARD_GFLOP;
        return step.x.grad();
    }
}
