package cyclegan4j.backend.cpu;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Float arrays of closed CPU buffers, kept for the next buffer of the same length: the CPU
 * backend's counterpart of the GPU's caching allocator.
 *
 * <p>Why: a training step allocates the same ~1,500 buffers every time. Fresh arrays are zeroed by
 * the JVM, and the large ones are page-faulted in anew after each collection: the 256x256 step
 * spent up to a quarter of its CPU time in the kernel for that, and the process grew to 2.2–5.9 GiB for
 * a step whose live buffers peak at 1 GiB (1.4 GiB with this pool; benchmarks/RESULTS.md).
 *
 * <p>Arrays are kept per exact length (a step asks for the same lengths each time), lengths in
 * least-recently-used order: when the kept bytes would pass the cap, the lengths unused longest
 * go first (a translate run over images of many sizes keeps only the recent ones). The arrays are
 * held through soft references, which the JVM clears before it throws an OutOfMemoryError, so
 * keeping them never makes an allocation fail.
 *
 * <p>A reused array holds whatever its last buffer left there, as {@link
 * cyclegan4j.backend.Backend#allocate} allows. {@code -Dcyclegan4j.cpuPoolPoison=true} fills it
 * with NaN instead, so that the tests (which run so) fail for any op that reads memory it has not
 * written; {@code -Dcyclegan4j.cpuPool=false} turns the pool off.
 */
final class ArrayPool {

    private static final boolean ENABLED = !"false".equals(System.getProperty("cyclegan4j.cpuPool"));
    private static final boolean POISON = Boolean.getBoolean("cyclegan4j.cpuPoolPoison");

    private final long capBytes;
    private final boolean poison;
    /** Length -> kept arrays of that length, least recently used length first. */
    private final LinkedHashMap<Integer, ArrayDeque<SoftReference<float[]>>> kept = new LinkedHashMap<>(64, 0.75f, true);
    /** Bytes of the kept references, including any the GC has cleared and no one has polled yet. */
    private long keptBytes;

    /** The backend's pool: up to a quarter of the heap, switched by the system properties above. */
    static ArrayPool forBackend() {
        return new ArrayPool(ENABLED ? Runtime.getRuntime().maxMemory() / 4 : 0, POISON);
    }

    ArrayPool(long capBytes, boolean poison) {
        this.capBytes = capBytes;
        this.poison = poison;
    }

    /** An array of exactly {@code n} floats: a kept one (contents undefined) or a new one. */
    float[] take(int n) {
        float[] a = reuse(n);
        return a != null ? a : new float[n];
    }

    private synchronized float[] reuse(int n) {
        ArrayDeque<SoftReference<float[]>> q = kept.get(n);
        if (q == null) {
            return null;
        }
        for (SoftReference<float[]> ref; (ref = q.pollLast()) != null; ) {
            keptBytes -= 4L * n;
            float[] a = ref.get(); // null when the GC has taken it
            if (a != null) {
                if (poison) {
                    Arrays.fill(a, Float.NaN);
                }
                return a;
            }
        }
        return null;
    }

    /** Keeps {@code a} for a later {@link #take} of its length; the caller must not use it again. */
    synchronized void give(float[] a) {
        long bytes = 4L * a.length;
        if (bytes > capBytes) {
            return;
        }
        Iterator<Map.Entry<Integer, ArrayDeque<SoftReference<float[]>>>> eldest = kept.entrySet().iterator();
        while (keptBytes + bytes > capBytes && eldest.hasNext()) {
            Map.Entry<Integer, ArrayDeque<SoftReference<float[]>>> e = eldest.next();
            keptBytes -= 4L * e.getKey() * e.getValue().size();
            eldest.remove();
        }
        kept.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(new SoftReference<>(a));
        keptBytes += bytes;
    }

    /** Bytes held for reuse (not counted as live memory), an upper bound once the GC has cleared some. */
    synchronized long keptBytes() {
        return keptBytes;
    }
}
