package cyclegan4j.backend.cpu;

import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.MemoryStats;

/** A buffer backed by a Java float array, taken from the backend's pool and given back on close. */
final class CpuBuffer implements Buffer {

    private final MemoryStats stats;
    private final ArrayPool pool;
    private float[] array;

    CpuBuffer(long n, MemoryStats stats, ArrayPool pool) {
        if (n > Integer.MAX_VALUE - 8) {
            // out of memory, as Java's own "array size exceeds VM limit": translate skips such an image
            // with a --max-size hint (a 48 MP photo's 64-channel activations), instead of ending the run
            throw new OutOfMemoryError("cpu: a single buffer is limited to 2^31 floats, asked for " + n);
        }
        this.array = pool.take((int) n);
        this.pool = pool;
        this.stats = stats;
        stats.allocated(4 * n);
    }

    /** The backing array; throws if the buffer was closed. */
    float[] array() {
        float[] a = array;
        if (a == null) {
            throw new IllegalStateException("cpu buffer used after it was closed (was it allocated in a scope that has ended?)");
        }
        return a;
    }

    @Override
    public long size() {
        return array().length;
    }

    @Override
    public boolean isClosed() {
        return array == null;
    }

    @Override
    public synchronized void close() { // synchronized: a racing second close must not give the array back twice
        if (array != null) {
            stats.freed(4L * array.length);
            pool.give(array);
            array = null;
        }
    }
}
