package cyclegan4j.cyclegan;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagePoolTest {

    private static final CpuBackend BE = CpuBackend.get();

    private static Tensor image(float v) {
        return Tensor.full(BE, v, 1, 1, 2, 2);
    }

    @Test
    void fillsFirstThenSwapsHalfTheTime() {
        try (Scope s = Scope.open(); ImagePool pool = new ImagePool(3, new Rng(42))) {
            for (int i = 0; i < 3; i++) { // filling: every image comes straight back and is stored
                assertArrayEquals(image(i).toArray(), pool.pushAndPop(image(i)).toArray());
                assertEquals(i + 1, pool.size());
            }
            int fromHistory = 0;
            Set<Float> seen = new HashSet<>();
            int pushes = 400;
            for (int i = 0; i < pushes; i++) {
                float v = 100 + i;
                float got = pool.pushAndPop(image(v)).toArray()[0];
                if (got != v) {
                    fromHistory++;
                    assertTrue(got < v, "a returned old image must have been pushed earlier");
                    seen.add(got);
                }
                assertEquals(3, pool.size());
            }
            // Probability 1/2 per push: 400 pushes give 200 +- 10 (one std); allow 5 std.
            assertTrue(Math.abs(fromHistory - pushes / 2) < 50, "returned from history " + fromHistory + " of " + pushes);
            assertTrue(seen.contains(0f) || seen.contains(1f) || seen.contains(2f), "the first stored images come back");
        }
    }

    @Test
    void batchIsHandledImageByImageAndPoolOutlivesScope() {
        long before = BE.liveBuffers();
        ImagePool pool = new ImagePool(2, new Rng(1));
        try (Scope s = Scope.open()) {
            Tensor batch = Tensor.of(BE, new float[]{1, 1, 2, 2, 3, 3}, 3, 1, 1, 2);
            float[] out = pool.pushAndPop(batch).toArray();
            assertEquals(1f, out[0]);
            assertEquals(2f, out[2]);
            assertEquals(2, pool.size());
            assertTrue(out[4] == 3f || out[4] == 1f || out[4] == 2f);
        }
        assertEquals(before + 2, BE.liveBuffers(), "the pool keeps its two images after the step scope");
        pool.close();
        assertEquals(before, BE.liveBuffers());
    }

    @Test
    void zeroCapacityPassesThrough() {
        try (Scope s = Scope.open(); ImagePool pool = new ImagePool(0, new Rng(1))) {
            assertArrayEquals(image(5).toArray(), pool.pushAndPop(image(5)).toArray());
            assertEquals(0, pool.size());
        }
    }

    /**
     * Images of different sizes (--preprocess none): a pooled image comes back at its own size, the
     * new one takes its place at its own, nothing leaks, and a checkpoint's round trip keeps the sizes.
     */
    @Test
    void imagesOfDifferentSizesComeBackAtTheirOwnSize() {
        long before = BE.liveBuffers();
        ImagePool pool = new ImagePool(1, new Rng(7));
        try (Scope s = Scope.open()) {
            Tensor small = Tensor.full(BE, 1f, 1, 3, 4, 8);
            assertArrayEquals(new int[]{1, 3, 4, 8}, pool.pushAndPop(small).shape());
            int swapped = 0;
            for (int i = 0; i < 40; i++) {
                float v = 10 + i;
                int h = 4 + 4 * (i % 3);
                Tensor img = Tensor.full(BE, v, 1, 3, h, 8);
                int[] storedShape = pool.shape(0);
                float storedValue = BE.download(pool.image(0))[0];
                Tensor out = pool.pushAndPop(img);
                if (out.toArray()[0] != v) { // the stored image, at its size; the new one stored at its own
                    swapped++;
                    assertArrayEquals(new int[]{1, storedShape[0], storedShape[1], storedShape[2]}, out.shape());
                    assertEquals(storedValue, out.toArray()[0]);
                    assertArrayEquals(new int[]{3, h, 8}, pool.shape(0));
                    assertEquals(3 * h * 8, BE.download(pool.image(0)).length);
                } else {
                    assertArrayEquals(img.shape(), out.shape());
                }
            }
            assertTrue(swapped > 5 && swapped < 35, "swapped " + swapped + " of 40");
        }
        assertEquals(before + 1, BE.liveBuffers(), "a replaced image's buffer is freed");
        ImagePool restored = new ImagePool(1, new Rng(7));
        restored.restore(BE, java.util.List.of(new cyclegan4j.io.TensorData(pool.shape(0), BE.download(pool.image(0)))));
        assertArrayEquals(pool.shape(0), restored.shape(0));
        pool.close();
        restored.close();
        assertEquals(before, BE.liveBuffers());
    }

    /**
     * A pool of images of other sizes (--preprocess none, then a --resume with a cropping --preprocess
     * and --batch-size 2): a batch of several comes back at its own size, its images replacing the
     * stored ones they would have been swapped with, instead of an IllegalStateException.
     */
    @Test
    void batchOfSeveralReplacesStoredImagesOfAnotherSize() {
        try (Scope s = Scope.open(); ImagePool pool = new ImagePool(2, new Rng(3))) {
            pool.restore(BE, java.util.List.of(new cyclegan4j.io.TensorData(new int[]{1, 4, 8}, new float[32]),
                    new cyclegan4j.io.TensorData(new int[]{1, 8, 4}, new float[32])));
            for (int i = 0; i < 20; i++) {
                Tensor batch = Tensor.full(BE, 1 + i, 2, 1, 2, 2);
                Tensor out = pool.pushAndPop(batch);
                assertArrayEquals(batch.shape(), out.shape());
                for (float v : out.toArray()) {
                    assertTrue(v >= 1 && v <= 1 + i, "an image pushed so far, got " + v);
                }
            }
            assertArrayEquals(new int[]{1, 2, 2}, pool.shape(0));
            assertArrayEquals(new int[]{1, 2, 2}, pool.shape(1));
        }
    }
}
