package cyclegan4j.bench;

import cyclegan4j.backend.cpu.CpuBackend;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A check for shared, noisy machines, not a JMH benchmark: runs native sgemm, conv forward and
 * conv backward (the GEMM of {@link GemmBenchmark}, the residual conv of {@link ConvBenchmark}) one after the
 * other for N rounds and prints, per piece, the fastest and the median time and its rate as a
 * fraction of sgemm's. Interleaving puts all three under the same background load; the fastest
 * round approximates a quiet machine.
 * {@code java -cp benchmarks/target/benchmarks.jar cyclegan4j.bench.Interleaved [rounds]}
 */
public final class Interleaved {

    private Interleaved() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        GemmBenchmark.NETLIB_LOG.setLevel(java.util.logging.Level.OFF);
        int m = GemmBenchmark.M, n = GemmBenchmark.N, k = GemmBenchmark.K;
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = GemmBenchmark.random(rng, m * k), b = GemmBenchmark.random(rng, k * n), c = new float[m * n];
        BLAS blas = NativeBLAS.getInstance();
        CpuBackend be = CpuBackend.get();
        System.out.println("GEMM used by the engine: " + be.gemmName());
        ConvBenchmark conv = new ConvBenchmark();
        conv.backend = "cpu";
        conv.layer = ConvBenchmark.RESIDUAL;
        conv.setUp();
        Flops flops = new Flops();
        double gemmGflop = Flops.gemm(m, n, k);
        String[] names = {"sgemmNative", "conv forward", "conv backward"};
        double[] gflop = {gemmGflop, gemmGflop, 2 * gemmGflop};
        double[][] ms = new double[3][rounds];
        for (int r = -3; r < rounds; r++) { // three unrecorded warm-up rounds
            long t0 = System.nanoTime();
            blas.sgemm("N", "N", n, m, k, 1f, b, 0, n, a, 0, k, 0f, c, 0, n);
            long gemmNs = System.nanoTime() - t0;
            t0 = System.nanoTime();
            conv.forward(flops);
            long forwardNs = System.nanoTime() - t0;
            t0 = System.nanoTime();
            conv.backward(flops);
            long backwardNs = System.nanoTime() - t0;
            if (r >= 0) {
                ms[0][r] = gemmNs / 1e6;
                ms[1][r] = forwardNs / 1e6;
                ms[2][r] = backwardNs / 1e6;
            }
        }
        double[] best = new double[3], median = new double[3];
        for (int i = 0; i < 3; i++) {
            double[] sorted = ms[i].clone();
            Arrays.sort(sorted);
            best[i] = sorted[0];
            median[i] = sorted[rounds / 2];
        }
        System.out.printf(Locale.ROOT, "%-14s %9s %9s %9s %9s %9s%n", "", "best ms", "GFLOP/s", "median ms", "GFLOP/s", "ratio*");
        for (int i = 0; i < 3; i++) {
            double rate = gflop[i] / best[i] * 1e3;
            System.out.printf(Locale.ROOT, "%-14s %9.1f %9.1f %9.1f %9.1f %9.2f%n", names[i], best[i], rate,
                    median[i], gflop[i] / median[i] * 1e3, rate / (gflop[0] / best[0] * 1e3));
        }
        System.out.println("* best-round rate / sgemmNative's best-round rate (goal >= 0.50)");
        conv.tearDown();
    }
}
