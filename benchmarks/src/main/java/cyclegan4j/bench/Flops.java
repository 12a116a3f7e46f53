package cyclegan4j.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts floating-point work in units of 10^9 FLOP. In JMH's throughput mode an
 * {@code OPERATIONS} counter is divided by the measured time, so the secondary result
 * {@code <benchmark>:gflops} that JMH prints next to the benchmark's own ops/s is GFLOP/s
 * (JMH labels it "ops/s").
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Flops {

    public double gflops;

    @Setup(Level.Iteration)
    public void reset() {
        gflops = 0;
    }

    /** FLOP of one m x n x k matrix product: one multiply and one add per term. */
    static double gemm(int m, int n, int k) {
        return 2.0 * m * n * k / 1e9;
    }
}
