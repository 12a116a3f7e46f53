package cyclegan4j.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts memory traffic in units of 10^9 bytes, as {@link Flops} counts FLOP: JMH divides the
 * {@code OPERATIONS} counter by the measured time, so the secondary result
 * {@code <benchmark>:gbytes} is GB/s (JMH labels it "ops/s"). Each benchmark counts the fewest bytes
 * its op must read and write (its Javadoc says which), so the rate is comparable with a copy's.
 *
 * <p>{@code dgbytes} is the rate over the device's time alone, where {@link OpBench#repeat} measured
 * it (on a GPU; 0 elsewhere): each batch's bytes are scaled by its wall time over its device time,
 * so that JMH's division by the wall time leaves bytes per device second.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Bytes {

    public double gbytes;
    public double dgbytes;

    @Setup(Level.Iteration)
    public void reset() {
        gbytes = 0;
        dgbytes = 0;
    }

    /** Adds {@code calls} calls that each move {@code floats} float32 values (the batch OpBench just ran). */
    void add(int calls, double floats) {
        double gb = calls * floats * Float.BYTES / 1e9;
        gbytes += gb;
        long[] last = OpBench.LAST_BATCH.get();
        if (last[1] > 0) {
            dgbytes += gb * last[0] / last[1];
        }
    }
}
