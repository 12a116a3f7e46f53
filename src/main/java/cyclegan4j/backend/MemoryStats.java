package cyclegan4j.backend;

import java.util.concurrent.atomic.AtomicLong;

/** Live buffer count, live bytes and the peak of live bytes, as a backend's buffers come and go. */
public final class MemoryStats {

    private final AtomicLong buffers = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    public void allocated(long size) {
        buffers.incrementAndGet();
        peak.accumulateAndGet(bytes.addAndGet(size), Math::max);
    }

    public void freed(long size) {
        buffers.decrementAndGet();
        bytes.addAndGet(-size);
    }

    public long liveBuffers() {
        return buffers.get();
    }

    public long liveBytes() {
        return bytes.get();
    }

    public long peakBytes() {
        return peak.get();
    }

    /** Starts a new peak measurement from what is live now. */
    public void resetPeak() {
        peak.set(bytes.get());
    }
}
