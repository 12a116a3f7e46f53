package cyclegan4j.bench;

import cyclegan4j.backend.cpu.Gemm;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The GEMM inside the generator's 3x3 256->256 convolution on a 64x64 map, on its own:
 * C[M][N] = A[M][K] * B[K][N] with M = 256 (output channels), N = 4096 (output pixels),
 * K = 2304 (256 input channels x 3 x 3), row-major, all arrays allocated once.
 *
 * <ul>
 *   <li>{@code sgemmNative}: OpenBLAS's sgemm called directly through netlib's JNI binding
 *       (the reference rate the convolution goal is measured against);</li>
 *   <li>{@code sgemmNativeNT} / {@code sgemmNativeTN}: the same FLOP in the transposed layouts the
 *       convolution's backward pass uses (dW = dOut * col^T, dCol = W^T * dOut);</li>
 *   <li>{@code sgemmJava}: the engine's pure-Java fallback GEMM on the same product.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class GemmBenchmark {

    static final int M = 256, N = 4096, K = 2304;

    /**
     * netlib warns ("Failed to load implementation from ...VectorBLAS") when it first looks for its
     * Java fallback, in the middle of the first iteration; silenced. A static field keeps the
     * logger, and so its level, alive.
     */
    static final Logger NETLIB_LOG = Logger.getLogger("dev.ludovic.netlib.blas");

    private BLAS blas;
    private Gemm javaGemm;
    private float[] a, b, c;
    private float[] dOut, col, dW, dCol; // backward-shaped operands

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(1);
        a = random(rng, M * K);
        b = random(rng, K * N);
        c = new float[M * N];
        dOut = random(rng, M * N);
        col = random(rng, K * N);
        dW = new float[M * K];
        dCol = new float[K * N];
        javaGemm = Gemm.java();
        NETLIB_LOG.setLevel(Level.OFF);
        try {
            blas = NativeBLAS.getInstance();
        } catch (Throwable e) {
            blas = null; // the native benchmarks then fail with a clear message; sgemmJava still runs
        }
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    private BLAS blas() {
        if (blas == null) {
            throw new IllegalStateException("no native BLAS (install libopenblas0 / libblas3)");
        }
        return blas;
    }

    /** C = A B, row-major, as column-major BLAS: C^T = B^T A^T. */
    @Benchmark
    public float[] sgemmNative(Flops flops) {
        blas().sgemm("N", "N", N, M, K, 1f, b, 0, N, a, 0, K, 0f, c, 0, N);
        flops.gflops += Flops.gemm(M, N, K);
        return c;
    }

    /** dW[M][K] += dOut[M][N] col[K][N]^T (the weight gradient). */
    @Benchmark
    public float[] sgemmNativeNT(Flops flops) {
        blas().sgemm("T", "N", K, M, N, 1f, col, 0, N, dOut, 0, N, 1f, dW, 0, K);
        flops.gflops += Flops.gemm(M, N, K);
        return dW;
    }

    /** dCol[K][N] = W[M][K]^T dOut[M][N] (the input gradient before col2im). */
    @Benchmark
    public float[] sgemmNativeTN(Flops flops) {
        blas().sgemm("N", "T", N, K, M, 1f, dOut, 0, N, a, 0, K, 0f, dCol, 0, N);
        flops.gflops += Flops.gemm(M, N, K);
        return dCol;
    }

    @Benchmark
    public float[] sgemmJava(Flops flops) {
        javaGemm.sgemm(false, false, M, N, K, 1f, a, 0, K, b, 0, N, 0f, c, 0, N);
        flops.gflops += Flops.gemm(M, N, K);
        return c;
    }
}
