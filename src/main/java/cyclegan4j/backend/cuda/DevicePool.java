package cyclegan4j.backend.cuda;

import jcuda.CudaException;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

/**
 * A caching device allocator with size-bucketed free lists.
 *
 * <p>Sizes are rounded up to a bucket ({@link #bucket}); a freed block goes to its bucket's free
 * list and is handed out again for the next request of the same bucket. A CycleGAN step asks for
 * the same sizes every step, so after the first step allocation never reaches {@code cuMemAlloc}.
 * All device work runs on one stream, in order, so a block freed by the host while queued work
 * still reads it can be reused at once: the next user's work is queued behind that work.
 *
 * <p>When {@code cuMemAlloc} reports out of memory, the pool frees every cached block
 * ({@code cuMemFree} waits for the device) and tries once more; a second failure becomes a
 * {@link DeviceOutOfMemoryException} that says what was asked, what the pool holds and what to try.
 * Not thread-safe: the backend is used from one thread at a time.
 */
final class DevicePool {

    private static final long SMALL = 1L << 20; // below 1 MiB: 512-byte granularity
    private static final long SMALL_STEP = 512;
    private static final int CLASSES_PER_DOUBLING = 16; // from 1 MiB: at most 1/16 (6.25%) rounded up

    private final Map<Long, ArrayDeque<DevicePtr>> free = new HashMap<>();
    private long inUseBytes;
    private long cachedBytes;
    private long allocCalls;
    private long peakInUse; // since resetPeaks: blocks handed out (buffers, cuDNN workspace), bucket sizes
    private long peakHeld; // since resetPeaks: in use + cached, i.e. what the pool has from cuMemAlloc

    /**
     * The bucket a request of {@code bytes} is served from: a multiple of 512 bytes below 1 MiB,
     * above it one of 16 sizes per power of two. (A fixed 2 MiB step wasted a third of each
     * residual-block padding buffer at 256x256, 4.25 MiB in 6: 15% of the step's memory in all.)
     */
    static long bucket(long bytes) {
        long b = Math.max(bytes, 1);
        long step = b < SMALL ? SMALL_STEP : Long.highestOneBit(b) / CLASSES_PER_DOUBLING;
        return (b + step - 1) / step * step;
    }

    DevicePtr acquire(long bytes) {
        long size = bucket(bytes);
        ArrayDeque<DevicePtr> list = free.get(size);
        if (list != null && !list.isEmpty()) {
            DevicePtr p = list.pop();
            cachedBytes -= size;
            inUseBytes += size;
            notePeaks();
            return p;
        }
        DevicePtr p = new DevicePtr(size);
        try {
            cuMemAlloc(p, size);
        } catch (CudaException first) {
            if (!isOutOfMemory(first)) {
                throw first;
            }
            long released = trim();
            try {
                cuMemAlloc(p, size);
            } catch (CudaException second) {
                throw new DeviceOutOfMemoryException(describeOom(bytes, released), second);
            }
        }
        allocCalls++;
        inUseBytes += size;
        notePeaks();
        return p;
    }

    private void notePeaks() {
        peakInUse = Math.max(peakInUse, inUseBytes);
        peakHeld = Math.max(peakHeld, inUseBytes + cachedBytes);
    }

    /** Peak bytes in use and held since the last call (the comparable of PyTorch's allocated / reserved); resets both. */
    long[] takePeaks() {
        long[] peaks = {peakInUse, peakHeld};
        peakInUse = inUseBytes;
        peakHeld = inUseBytes + cachedBytes;
        return peaks;
    }

    void release(DevicePtr p) {
        free.computeIfAbsent(p.bytes, k -> new ArrayDeque<>()).push(p);
        inUseBytes -= p.bytes;
        cachedBytes += p.bytes;
    }

    /** Frees every cached block; returns the bytes given back to the device. */
    long trim() {
        long released = 0;
        for (ArrayDeque<DevicePtr> list : free.values()) {
            for (DevicePtr p : list) {
                cuMemFree(p);
                released += p.bytes;
            }
            list.clear();
        }
        free.clear();
        cachedBytes -= released;
        return released;
    }

    long inUseBytes() {
        return inUseBytes;
    }

    long cachedBytes() {
        return cachedBytes;
    }

    /** Number of real cuMemAlloc calls so far (a warm training loop keeps this constant). */
    long allocCalls() {
        return allocCalls;
    }

    private static boolean isOutOfMemory(CudaException e) {
        return e.getMessage() != null && e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY");
    }

    private String describeOom(long requested, long released) {
        String device = "";
        try {
            long[] freeB = new long[1], total = new long[1];
            cuMemGetInfo(freeB, total);
            device = String.format(", device has %s free of %s", mib(freeB[0]), mib(total[0]));
        } catch (RuntimeException ignored) {
            // the context may be unusable after the failure; the rest of the message still helps
        }
        return String.format("CUDA out of memory: asked for %s (bucket %s); the pool has %s in use and released %s of "
                        + "cached blocks before retrying%s. Try smaller images (train: --crop-size or --batch-size, or with "
                        + "--preprocess none --preprocess scale_width --load-size; translate: --max-size), or free other processes on this GPU.",
                mib(requested), mib(bucket(requested)), mib(inUseBytes), mib(released), device);
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
