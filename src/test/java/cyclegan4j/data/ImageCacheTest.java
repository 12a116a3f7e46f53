package cyclegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageCacheTest {

    @TempDir
    Path root;

    /** trainA and trainB of noise images (every level 0..255 occurs), 16 wide and 12 high. */
    private void makeDataset(int na, int nb) throws IOException {
        makeDataset(na, nb, 16, 12);
    }

    private void makeDataset(int na, int nb, int width, int height) throws IOException {
        DatasetTest.makeDataset(root, na, nb, width, height);
    }

    /**
     * The items of a data set that keeps its images equal those decoded afresh, bit for bit, in
     * every preprocess mode and in gray; once every image is kept, the files are not read again.
     */
    @ParameterizedTest
    @EnumSource(DataOptions.Preprocess.class)
    void keptImagesGiveTheSameItemsWithoutTheFiles(DataOptions.Preprocess mode) throws IOException {
        makeDataset(5, 3, 35, 33); // none's least size; sides that none and scale_width round
        for (int channels : new int[]{3, 1}) {
            DataOptions o = new DataOptions(14, 8, channels, true, true, mode);
            UnalignedDataset fresh = UnalignedDataset.open(root, "train", o, 7, null);
            ImageCache cache = new ImageCache(1 << 20);
            UnalignedDataset kept = fresh.withCache(cache);
            for (int epoch = 0; epoch < 6; epoch++) { // B is drawn at random: enough epochs to draw each
                for (int i = 0; i < fresh.size(); i++) {
                    assertSameItem(fresh.get(epoch, i), kept.get(epoch, i));
                }
            }
            assertEquals(8, cache.size());
            List<UnalignedDataset.Item> expected = new ArrayList<>();
            for (int i = 0; i < fresh.size(); i++) {
                expected.add(fresh.get(9, i));
            }
            Path moved = Files.move(root, root.resolveSibling(root.getFileName() + "-moved"));
            try {
                for (int i = 0; i < fresh.size(); i++) {
                    assertSameItem(expected.get(i), kept.get(9, i));
                }
            } finally {
                Files.move(moved, root);
            }
        }
    }

    private static void assertSameItem(UnalignedDataset.Item want, UnalignedDataset.Item got) {
        assertEquals(want.pathA(), got.pathA());
        assertEquals(want.pathB(), got.pathB());
        assertArrayEquals(want.a(), got.a());
        assertArrayEquals(want.b(), got.b());
        assertArrayEquals(want.shapeA(), got.shapeA());
        assertArrayEquals(want.shapeB(), got.shapeB());
    }

    /** A window of a kept, non-square image holds the levels of that window of the image, in every channel. */
    @Test
    void aWindowIsThatPartOfTheImage() {
        int c = 3, h = 7, w = 9;
        float[] levels = new float[c * h * w];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = (i * 37) % 256;
        }
        ImageCache cache = new ImageCache(1 << 20);
        cache.put(Path.of("x"), new ImageCodec.Planes(c, h, w, levels));
        ImageCodec.Planes win = cache.get(Path.of("x")).window(2, 3, 4, 5);
        assertEquals(4, win.height());
        assertEquals(5, win.width());
        for (int p = 0; p < c; p++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(levels[(p * h + 2 + y) * w + 3 + x], win.data()[(p * 4 + y) * 5 + x], "channel " + p + " (" + y + ", " + x + ")");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> cache.get(Path.of("x")).window(4, 0, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> cache.get(Path.of("x")).window(0, 5, 4, 5));
    }

    /** Images are kept while the budget has room, none after; a full cache is said once, and the items stay right. */
    @Test
    void theBudgetIsKept() throws IOException {
        float[] levels = new float[3 * 10 * 10];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = i % 256;
        }
        ImageCodec.Planes img = new ImageCodec.Planes(3, 10, 10, levels);
        ImageCache cache = new ImageCache(2 * (300 + 96));
        assertTrue(cache.put(Path.of("a"), img));
        assertTrue(cache.put(Path.of("b"), img));
        assertTrue(cache.put(Path.of("a"), img), "already kept");
        assertFalse(cache.put(Path.of("c"), img));
        assertEquals(2, cache.size());
        assertEquals(2 * (300 + 96), cache.bytes());
        assertNull(cache.get(Path.of("c")));
        assertArrayEquals(levels, cache.get(Path.of("b")).window(0, 0, 10, 10).data());
        assertFalse(new ImageCache(0).put(Path.of("a"), img));

        makeDataset(4, 4);
        DataOptions o = new DataOptions(14, 8, 3, true, true);
        List<String> warnings = new ArrayList<>();
        UnalignedDataset fresh = UnalignedDataset.open(root, "train", o, 3, null);
        UnalignedDataset kept = UnalignedDataset.open(root, "train", o, 3, warnings::add).withCache(new ImageCache(3 * (3 * 14 * 14 + 96)));
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = 0; i < fresh.size(); i++) {
                assertSameItem(fresh.get(epoch, i), kept.get(epoch, i));
            }
        }
        assertEquals(3, kept.cache().size());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("image cache full (3 images, "), warnings.get(0));
    }

    /** Loader threads sharing one cache deliver the batches one thread without it does. */
    @Test
    void threadsShareOneCache() throws IOException {
        makeDataset(6, 5);
        DataOptions o = new DataOptions(14, 8, 3, true, true);
        UnalignedDataset fresh = UnalignedDataset.open(root, "train", o, 11, null);
        try (PrefetchLoader one = new PrefetchLoader(fresh, 2, 0, 1, 0);
             PrefetchLoader four = new PrefetchLoader(fresh.withCache(new ImageCache(1 << 20)), 2, 4, 8, 0)) {
            for (int k = 0; k < 4 * one.batchesPerEpoch(); k++) {
                Batch want = one.next(), got = four.next();
                assertArrayEquals(want.a(), got.a());
                assertArrayEquals(want.b(), got.b());
            }
        }
    }
}
