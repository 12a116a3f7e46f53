package cyclegan4j.cli;

import cyclegan4j.data.ImageCache;

import java.util.Locale;

/**
 * How long an epoch's steps waited for their images, and what to do about it. A GPU step of
 * 65-80 ms outruns two loader threads decoding large photos (about 0.3 s each at 12 MP), so the
 * device idles; the CPU's seconds-long steps never wait.
 */
final class LoaderWait {

    /** The share of an epoch spent waiting that is worth a line. */
    static final double WORTH_SAYING = 0.10;

    private LoaderWait() {
    }

    /**
     * A line for the end of an epoch in which the steps waited {@code waitedNanos} of
     * {@code epochNanos} for the loader, or null when that is under {@link #WORTH_SAYING}.
     *
     * @param cache  the loader's image cache, or null when there is none
     * @param images the training images (both domains)
     * @param moreEpochs whether this run trains epochs after this one (the cache lives as long as the process)
     */
    static String hint(long waitedNanos, long epochNanos, int workers, ImageCache cache, int images, boolean moreEpochs) {
        if (epochNanos <= 0 || waitedNanos < WORTH_SAYING * epochNanos) {
            return null;
        }
        double seconds = waitedNanos / 1e9;
        String waited = String.format(Locale.ROOT, seconds < 10 ? "the steps waited %.1f s for images, %.0f%% of this epoch"
                : "the steps waited %.0f s for images, %.0f%% of this epoch", seconds, 100.0 * waitedNanos / epochNanos);
        if (cache != null && !cache.full() && cache.size() < images) {
            return waited + ": most were decoded for the first time"
                    + (moreEpochs ? "; the epochs after it crop them from memory (--cache-mb)" : "");
        }
        return waited + String.format(Locale.ROOT, ": raise --workers (now %d, on %d cores)%s, or shrink large images once beforehand",
                workers, Runtime.getRuntime().availableProcessors(), cache == null || cache.full() ? ", give --cache-mb more memory" : "");
    }
}
