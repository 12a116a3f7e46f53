package cyclegan4j.data;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Training images as the random crop takes them (decoded and resized), kept in memory up to a
 * budget so that the epochs after the first decode and resize nothing: a 256x256 JPEG costs about
 * 4.5 ms to decode and resize to 286x286 and a 12 MP photo about 280 ms, a crop from the cache
 * about 0.3 ms (2-vCPU VM, 2026-11-28).
 *
 * <p>The resize is deterministic and its results are whole levels 0..255, kept here one byte
 * each, so a cached image gives exactly the item a fresh decode would. Images are kept in the
 * order they are first loaded until the budget is spent; nothing is evicted, since every epoch
 * visits every image once: with a budget for a fraction of them, keeping a fixed set serves that
 * fraction of the loads, where evicting the least recently used would serve almost none.
 *
 * <p>Safe for concurrent use by the loader's threads.
 */
public final class ImageCache {

    /** Bytes counted for an entry besides its levels: the map's node, the record, the array header. */
    private static final int ENTRY_OVERHEAD = 96;

    private final long budget;
    private final AtomicLong used = new AtomicLong();
    private volatile boolean full;
    private final ConcurrentHashMap<Path, Kept> images = new ConcurrentHashMap<>();

    /** An image kept at one byte per level (0..255), channel-major as {@link ImageCodec.Planes}. */
    public record Kept(int channels, int height, int width, byte[] data) {

        /**
         * The {@code rows x cols} window at (top, left) as fresh planes of levels: a crop converts
         * only its own pixels to floats, not the whole kept image (a 1024-pixel-wide one is 3 MB of
         * levels, 12 MB as floats).
         */
        public ImageCodec.Planes window(int top, int left, int rows, int cols) {
            if (top < 0 || left < 0 || rows < 1 || cols < 1 || top + rows > height || left + cols > width) {
                throw new IllegalArgumentException("window " + rows + "x" + cols + " at (" + top + ", " + left + ") outside "
                        + height + "x" + width);
            }
            float[] f = new float[channels * rows * cols];
            for (int p = 0; p < channels; p++) {
                for (int y = 0; y < rows; y++) {
                    int s = (p * height + top + y) * width + left;
                    int d = (p * rows + y) * cols;
                    for (int x = 0; x < cols; x++) {
                        f[d + x] = data[s + x] & 0xff;
                    }
                }
            }
            return new ImageCodec.Planes(channels, rows, cols, f);
        }
    }

    /** @param budgetBytes the most memory the kept images may take (0: keep none) */
    public ImageCache(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("image cache budget must be >= 0, got " + budgetBytes);
        }
        this.budget = budgetBytes;
    }

    /** The default budget: a quarter of the Java heap's limit (2 GiB under the launcher's -Xmx8g). */
    public static long defaultBudget() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * The most a budget may be: half the Java heap's limit. The rest must hold the training step and
     * the images being decoded; a larger budget fills the heap until an OutOfMemoryError.
     */
    public static long maxBudget() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /** {@code file}'s kept image, or null when it is not kept. */
    public Kept get(Path file) {
        return images.get(file);
    }

    /**
     * Keeps {@code planes} (8-bit levels, as {@link Bicubic} and {@link ImageCodec} give them) for
     * {@code file} if the budget has room.
     *
     * @return false when it was not kept for want of room
     */
    public boolean put(Path file, ImageCodec.Planes planes) {
        if (images.containsKey(file)) {
            return true;
        }
        float[] f = planes.data();
        long size = f.length + (long) ENTRY_OVERHEAD;
        if (used.addAndGet(size) > budget) {
            used.addAndGet(-size);
            if (images.containsKey(file)) { // another thread kept it meanwhile
                return true;
            }
            full = true;
            return false;
        }
        byte[] b;
        try {
            b = new byte[f.length];
        } catch (OutOfMemoryError e) {
            used.addAndGet(-size);
            throw e;
        }
        for (int i = 0; i < f.length; i++) {
            b[i] = (byte) (int) f[i];
        }
        if (images.putIfAbsent(file, new Kept(planes.channels(), planes.height(), planes.width(), b)) != null) {
            used.addAndGet(-size); // another thread kept it first
        }
        return true;
    }

    /** Whether an image was not kept for want of room. */
    public boolean full() {
        return full;
    }

    /** Images kept. */
    public int size() {
        return images.size();
    }

    /** Memory the kept images take, as counted against the budget. */
    public long bytes() {
        return used.get();
    }

    public long budget() {
        return budget;
    }
}
