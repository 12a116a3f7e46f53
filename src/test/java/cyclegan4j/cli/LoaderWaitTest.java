package cyclegan4j.cli;

import cyclegan4j.data.ImageCache;
import cyclegan4j.data.ImageCodec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The line an epoch that waited for its images ends with, and when it says nothing. */
class LoaderWaitTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void saysNothingUnderATenth() {
        assertNull(LoaderWait.hint(9 * SECOND, 100 * SECOND, 2, null, 10, true));
        assertNull(LoaderWait.hint(0, 0, 2, null, 10, true));
    }

    @Test
    void namesWhatHelps() {
        String none = LoaderWait.hint(30 * SECOND, 100 * SECOND, 2, null, 10, true);
        assertTrue(none.startsWith("the steps waited 30 s for images, 30% of this epoch: raise --workers (now 2, on "), none);
        String short_ = LoaderWait.hint(SECOND / 4, SECOND, 2, null, 10, true);
        assertTrue(short_.startsWith("the steps waited 0.3 s for images, 25% of this epoch"), short_);
        assertTrue(none.contains("give --cache-mb more memory"), none);

        ImageCodec.Planes img = new ImageCodec.Planes(1, 2, 2, new float[4]);
        ImageCache filling = new ImageCache(1 << 20);
        filling.put(Path.of("a"), img);
        String first = LoaderWait.hint(30 * SECOND, 100 * SECOND, 2, filling, 10, true);
        assertTrue(first.endsWith("most were decoded for the first time; the epochs after it crop them from memory (--cache-mb)"), first);
        // the run's last epoch: no epoch after it to crop from memory (a --resume starts with an empty cache)
        String last = LoaderWait.hint(30 * SECOND, 100 * SECOND, 2, filling, 10, false);
        assertTrue(last.endsWith("most were decoded for the first time"), last);

        ImageCache full = new ImageCache(150);
        full.put(Path.of("a"), img);
        assertFalse(full.put(Path.of("b"), img));
        assertTrue(LoaderWait.hint(30 * SECOND, 100 * SECOND, 2, full, 10, true).contains("give --cache-mb more memory"));

        ImageCache all = new ImageCache(1 << 20);
        all.put(Path.of("a"), img);
        all.put(Path.of("b"), img);
        String kept = LoaderWait.hint(30 * SECOND, 100 * SECOND, 4, all, 2, true);
        assertTrue(kept.contains("raise --workers (now 4, on ") && !kept.contains("--cache-mb"), kept);
    }
}
