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
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Bytes {

    public double gbytes;

    @Setup(Level.Iteration)
    public void reset() {
        gbytes = 0;
    }

    /** Adds {@code calls} calls that each move {@code floats} float32 values. */
    void add(int calls, double floats) {
        gbytes += calls * floats * Float.BYTES / 1e9;
    }
}
