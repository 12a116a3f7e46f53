package cyclegan4j.backend.cpu;

import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.MemoryStats;

/** A buffer backed by a Java float array. */
final class CpuBuffer implements Buffer {

    private final MemoryStats stats;
    private float[] array;

    CpuBuffer(long n, MemoryStats stats) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cpu: a single buffer is limited to 2^31 floats, asked for " + n);
        }
        this.array = new float[(int) n];
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
    public void close() {
        if (array != null) {
            stats.freed(4L * array.length);
            array = null;
        }
    }
}
