package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * ReLU, LeakyReLU (slope 0.2) and tanh ({@code Backend.leakyRelu*}, {@code tanh*}), each at the maps
 * it meets in the model: ReLU after every generator norm, LeakyReLU after the discriminator's first
 * conv (its largest map), tanh on the generated image. Each op has its own state so that it runs
 * only at its own shapes; all three name the parameter {@code shape}, so {@code -p shape=...} sets
 * all. Bytes: forward reads the input and writes the output (2n floats); backward reads the
 * upstream gradient and the saved input (ReLU, LeakyReLU) or output (tanh) and writes the gradient (3n).
 * Not a state itself, so it repeats {@link OpBench}'s run settings.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ActivationBenchmark {

    /** An input, an output and their gradients, all of the subclass's {@code shape}. */
    abstract static class Maps extends OpBench {
        Buffer x, y, dy, dx;
        long n;

        @Override
        protected void allocate() {
            n = Shape.parse(param("shape")).elements();
            x = random(n);
            y = filled(n, 0f);
            dy = random(n);
            dx = filled(n, 0f);
        }
    }

    public static class Relu extends Maps {
        @Param({"1x64x256x256", "1x128x128x128", "1x256x64x64"})
        public String shape;
    }

    public static class LeakyRelu extends Maps {
        @Param({"1x64x128x128"})
        public String shape;
    }

    public static class Tanh extends Maps {
        @Param({"1x3x256x256"})
        public String shape;
    }

    @Benchmark
    public void reluForward(Relu s, Bytes bytes) {
        bytes.add(s.repeat(() -> s.be.leakyReluForward(s.y, s.x, 0f, s.n)), 2.0 * s.n);
    }

    @Benchmark
    public void reluBackward(Relu s, Bytes bytes) {
        bytes.add(s.repeat(() -> s.be.leakyReluBackward(s.dx, s.dy, s.x, 0f, s.n)), 3.0 * s.n);
    }

    @Benchmark
    public void leakyReluForward(LeakyRelu s, Bytes bytes) {
        bytes.add(s.repeat(() -> s.be.leakyReluForward(s.y, s.x, 0.2f, s.n)), 2.0 * s.n);
    }

    @Benchmark
    public void leakyReluBackward(LeakyRelu s, Bytes bytes) {
        bytes.add(s.repeat(() -> s.be.leakyReluBackward(s.dx, s.dy, s.x, 0.2f, s.n)), 3.0 * s.n);
    }

    @Benchmark
    public void tanhForward(Tanh s, Bytes bytes) {
        bytes.add(s.repeat(() -> s.be.tanhForward(s.y, s.x, s.n)), 2.0 * s.n);
    }

    @Benchmark
    public void tanhBackward(Tanh s, Bytes bytes) {
        bytes.add(s.repeat(() -> s.be.tanhBackward(s.dx, s.dy, s.y, s.n)), 3.0 * s.n);
    }
}
