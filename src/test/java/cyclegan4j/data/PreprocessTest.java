package cyclegan4j.data;

import cyclegan4j.data.DataOptions.Preprocess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --preprocess: what each mode resizes to, and that items crop from it with the item's own draws. */
class PreprocessTest {

    @TempDir
    Path root;

    private static ImageCodec.Planes planes(int w, int h) {
        float[] v = new float[3 * w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37) % 256;
        }
        return new ImageCodec.Planes(3, h, w, v);
    }

    @Test
    void scaleWidthKeepsTheAspectAndTheCropFitting() {
        DataOptions o = new DataOptions(32, 16, 3, false, false, Preprocess.SCALE_WIDTH_AND_CROP);
        ImageCodec.Planes wide = Transforms.resized(planes(40, 20), o);
        assertEquals(32, wide.width());
        assertEquals(16, wide.height()); // int(32 * 20 / 40)
        ImageCodec.Planes tall = Transforms.resized(planes(20, 40), o);
        assertEquals(32, tall.width());
        assertEquals(64, tall.height());
        ImageCodec.Planes flat = Transforms.resized(planes(60, 10), o); // int(32 * 10 / 60) = 5: raised to the crop
        assertEquals(32, flat.width());
        assertEquals(16, flat.height());
        ImageCodec.Planes already = planes(32, 50);
        assertSame(already, Transforms.resized(already, o), "an image of that width is left as it is");
        ImageCodec.Planes odd = Transforms.resized(planes(45, 31), o); // int(32 * 31 / 45) = int(22.04)
        assertEquals(22, odd.height());
        assertArrayEquals(Bicubic.resize(planes(45, 31), 22, 32).data(), odd.data());
    }

    /** As torchvision's Resize(int): the shorter side to the load size, the longer one int(load * long / short). */
    @Test
    void scaleShortSideKeepsTheAspectAsPyTorchGan() {
        DataOptions o = new DataOptions(24, 16, 3, false, false, Preprocess.SCALE_SHORTSIDE_AND_CROP);
        ImageCodec.Planes wide = Transforms.resized(planes(45, 31), o); // int(24 * 45 / 31) = int(34.8)
        assertEquals(34, wide.width());
        assertEquals(24, wide.height());
        assertArrayEquals(Bicubic.resize(planes(45, 31), 24, 34).data(), wide.data());
        ImageCodec.Planes tall = Transforms.resized(planes(20, 50), o);
        assertEquals(24, tall.width());
        assertEquals(60, tall.height());
        ImageCodec.Planes square = Transforms.resized(planes(30, 30), o);
        assertEquals(24, square.width());
        assertEquals(24, square.height());
        ImageCodec.Planes already = planes(70, 24);
        assertSame(already, Transforms.resized(already, o), "an image whose shorter side is the load size is left as it is");
        assertEquals(Preprocess.SCALE_SHORTSIDE_AND_CROP, Preprocess.parse("scale_shortside_and_crop"));
    }

    @Test
    void resizeAndCropAndCropModes() {
        DataOptions square = new DataOptions(24, 16, 3, false, false);
        ImageCodec.Planes r = Transforms.resized(planes(40, 20), square);
        assertEquals(24, r.width());
        assertEquals(24, r.height());

        DataOptions crop = square.withPreprocess(Preprocess.CROP);
        ImageCodec.Planes big = planes(40, 20);
        assertSame(big, Transforms.resized(big, crop));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transforms.resized(planes(40, 15), crop));
        assertTrue(e.getMessage().contains("40x15 is smaller than the 16x16 crop"), e.getMessage());
        assertEquals(Preprocess.SCALE_WIDTH_AND_CROP, Preprocess.parse("scale_width_and_crop"));
        assertThrows(IllegalArgumentException.class, () -> Preprocess.parse("scale_height"));
    }

    @Test
    void itemsCropTheResizedImageAtOffsetsDrawnForItsSize() throws IOException {
        TestImages.write(TestImages.noise(40, 20, 1), "png", root.resolve("trainA/a0.png"));
        TestImages.write(TestImages.noise(20, 44, 2), "png", root.resolve("trainB/b0.png"));
        DataOptions o = new DataOptions(32, 16, 3, true, true, Preprocess.SCALE_WIDTH_AND_CROP);
        UnalignedDataset d = UnalignedDataset.open(root, "train", o, 5, null);
        ImageCodec.Planes a = Transforms.resized(ImageCodec.read(root.resolve("trainA/a0.png"), 3), o);
        ImageCodec.Planes b = Transforms.resized(ImageCodec.read(root.resolve("trainB/b0.png"), 3), o);
        boolean sawOffsetInB = false;
        for (int i = 0; i < 20; i++) {
            UnalignedDataset.Item item = d.get(i, 0);
            SplittableRandom rng = UnalignedDataset.itemRandom(5, i, 0);
            rng.nextInt(1); // the B index
            Transforms.Params pa = Transforms.draw(o, a.height(), a.width(), rng), pb = Transforms.draw(o, b.height(), b.width(), rng);
            assertEquals(0, pa.top(), "a 32x16 image has no vertical room");
            assertArrayEquals(Transforms.cropFlipNormalize(a, pa.top(), pa.left(), 16, pa.flip()), item.a());
            assertArrayEquals(Transforms.cropFlipNormalize(b, pb.top(), pb.left(), 16, pb.flip()), item.b());
            sawOffsetInB |= pb.top() > 16; // B is 32x70: offsets beyond a square's range
        }
        assertTrue(sawOffsetInB, "crops come from the whole scaled image");
    }

    @Test
    void cropModeSkipsImagesSmallerThanTheCropAndSaysSo() throws IOException {
        TestImages.write(TestImages.noise(10, 30, 1), "png", root.resolve("trainA/a0_small.png"));
        TestImages.write(TestImages.noise(20, 24, 2), "png", root.resolve("trainA/a1.png"));
        TestImages.write(TestImages.noise(12, 12, 3), "png", root.resolve("trainB/b0_small.png"));
        DataOptions o = new DataOptions(16, 16, 3, false, false, Preprocess.CROP);
        List<String> warnings = new ArrayList<>();
        // known from the headers when the data set is opened, before any training
        DataException e = assertThrows(DataException.class, () -> UnalignedDataset.open(root, "train", o, 5, warnings::add));
        assertTrue(e.getMessage().contains("trainB: no image is as large as the 16x16 crop (--preprocess crop) (1 smaller)"), e.getMessage());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("skipped 1 image smaller than the 16x16 crop (--preprocess crop): a0_small.png")),
                warnings.toString());

        TestImages.write(TestImages.noise(16, 16, 4), "png", root.resolve("trainB/b1.png"));
        UnalignedDataset ok = UnalignedDataset.open(root, "train", o, 5, warnings::add);
        assertEquals(1, ok.size(), "the small A is left out of the epoch");
        assertEquals(3 * 16 * 16, ok.get(0, 0).a().length);
        assertTrue(ok.get(0, 0).pathA().endsWith("a1.png"));
    }

    /** none: the image as it is, sides rounded to multiples of 4 as the reference's __make_power_2 (halves to even). */
    @Test
    void noneRoundsEachSideToAMultipleOf4() {
        DataOptions o = new DataOptions(32, 32, 3, false, false, Preprocess.NONE);
        ImageCodec.Planes kept = planes(48, 36);
        assertSame(kept, Transforms.resized(kept, o), "sides that are multiples of 4 are left as they are");
        ImageCodec.Planes r = Transforms.resized(planes(45, 33), o); // 11.25 -> 11, 8.25 -> 8
        assertEquals(44, r.width());
        assertEquals(32, r.height());
        assertArrayEquals(Bicubic.resize(planes(45, 33), 32, 44).data(), r.data());
        ImageCodec.Planes halves = Transforms.resized(planes(50, 54), o); // 12.5 -> 12, 13.5 -> 14: Python's round
        assertEquals(48, halves.width());
        assertEquals(56, halves.height());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transforms.resized(planes(40, 31), o));
        assertTrue(e.getMessage().contains("40x31 is smaller than 32 pixels on a side"), e.getMessage());
        assertEquals(Preprocess.NONE, Preprocess.parse("none"));
        assertFalse(Preprocess.NONE.crops());
    }

    /** scale_width: scale_width_and_crop's size, rounded to multiples of 4 in one resize, and no crop. */
    @Test
    void scaleWidthRoundsTheScaledSize() {
        DataOptions o = new DataOptions(64, 32, 3, false, false, Preprocess.SCALE_WIDTH);
        ImageCodec.Planes r = Transforms.resized(planes(90, 62), o); // int(64 * 62 / 90) = 44
        assertEquals(64, r.width());
        assertEquals(44, r.height());
        assertArrayEquals(Bicubic.resize(planes(90, 62), 44, 64).data(), r.data());
        ImageCodec.Planes odd = Transforms.resized(planes(90, 67), o); // int(47.6) = 47 -> 48
        assertEquals(48, odd.height());
        assertArrayEquals(Bicubic.resize(planes(90, 67), 48, 64).data(), odd.data(), "one resize, to the rounded size");
        ImageCodec.Planes flat = Transforms.resized(planes(100, 20), o); // at least the crop size, as scale_width_and_crop
        assertEquals(32, flat.height());
        assertEquals(Preprocess.SCALE_WIDTH, Preprocess.parse("scale_width"));
    }

    /** Without a crop an item is its whole resized image, flipped by its draw, and the two domains' sizes differ. */
    @Test
    void itemsOfNoneAreWholeImagesOfTheirOwnSizes() throws IOException {
        TestImages.write(TestImages.noise(45, 33, 1), "png", root.resolve("trainA/a0.png"));
        TestImages.write(TestImages.noise(40, 64, 2), "png", root.resolve("trainB/b0.png"));
        TestImages.write(TestImages.noise(20, 64, 3), "png", root.resolve("trainB/b1_small.png"));
        DataOptions o = new DataOptions(32, 32, 3, true, false, Preprocess.NONE);
        List<String> warnings = new ArrayList<>();
        UnalignedDataset d = UnalignedDataset.open(root, "train", o, 5, warnings::add);
        assertTrue(warnings.stream().anyMatch(w -> w.contains("skipped 1 image smaller than 32x32 (--preprocess none")
                && w.contains("b1_small.png")), warnings.toString());
        ImageCodec.Planes a = Transforms.resized(ImageCodec.read(root.resolve("trainA/a0.png"), 3), o);
        ImageCodec.Planes b = Transforms.resized(ImageCodec.read(root.resolve("trainB/b0.png"), 3), o);
        boolean flipped = false, straight = false;
        for (int epoch = 0; epoch < 12; epoch++) {
            UnalignedDataset.Item item = d.get(epoch, 0);
            assertArrayEquals(new int[]{3, 32, 44}, item.shapeA());
            assertArrayEquals(new int[]{3, 64, 40}, item.shapeB());
            SplittableRandom rng = UnalignedDataset.itemRandom(5, epoch, 0);
            Transforms.Params pa = Transforms.draw(o, a.height(), a.width(), rng), pb = Transforms.draw(o, b.height(), b.width(), rng);
            assertEquals(0, pa.top() + pa.left() + pb.top() + pb.left(), "no crop: no offsets");
            assertArrayEquals(Transforms.cropFlipNormalize(a, 0, 0, 32, 44, pa.flip()), item.a());
            assertArrayEquals(Transforms.cropFlipNormalize(b, 0, 0, 64, 40, pb.flip()), item.b());
            flipped |= pa.flip();
            straight |= !pa.flip();
        }
        assertTrue(flipped && straight, "the random flip still applies");
    }

    /** A batch of more than one needs images of one size; mixed ones are refused with the files named and a way out. */
    @Test
    void batchesOfImagesOfDifferentSizesAreRefused() throws IOException {
        TestImages.write(TestImages.noise(36, 32, 1), "png", root.resolve("trainA/a0.png"));
        TestImages.write(TestImages.noise(40, 32, 2), "png", root.resolve("trainA/a1.png"));
        TestImages.write(TestImages.noise(32, 32, 3), "png", root.resolve("trainB/b0.png"));
        DataOptions o = new DataOptions(32, 32, 3, false, false, Preprocess.NONE);
        // known from the headers before training: a0 is 36 wide, a1 40, both rounded to multiples of 4
        DataException early = assertThrows(DataException.class, () -> UnalignedDataset.open(root, "train", o, 5, null).requireOneSize(2));
        assertTrue(early.getMessage().contains("--batch-size 2 needs images of one size, and with --preprocess none a0.png becomes"
                + " 36x32 where a1.png becomes 40x32"), early.getMessage());
        UnalignedDataset.open(root, "train", o, 5, null).requireOneSize(1);
        UnalignedDataset.open(root, "train", o.withPreprocess(Preprocess.RESIZE_AND_CROP), 5, null).requireOneSize(2);
        // and by the loader, which meets them
        try (PrefetchLoader loader = new PrefetchLoader(UnalignedDataset.open(root, "train", o, 5, null), 2, 1, 1, 0)) {
            Exception e = assertThrows(Exception.class, loader::next);
            String m = e.getMessage();
            assertTrue(m.contains("a batch needs images of one size, and a0.png is 36x32 where a1.png is 40x32")
                    && m.contains("--batch-size 1"), m);
        }
        TestImages.write(TestImages.noise(36, 32, 4), "png", root.resolve("trainA/a1.png")); // now of one size: batches of 2 work
        TestImages.write(TestImages.noise(32, 32, 5), "png", root.resolve("trainB/b1.png"));
        UnalignedDataset.open(root, "train", o, 5, null).requireOneSize(2);
        try (PrefetchLoader loader = new PrefetchLoader(UnalignedDataset.open(root, "train", o, 5, null), 2, 1, 1, 0)) {
            Batch batch = loader.next();
            assertArrayEquals(new int[]{2, 3, 32, 36}, batch.shapeA());
            assertArrayEquals(new int[]{2, 3, 32, 32}, batch.shapeB());
        }
    }

    /** A phone's portrait photo, stored landscape with an EXIF turn, has a portrait photo's size: the check turns it too. */
    @Test
    void oneSizeCountsJpegOrientation() throws IOException {
        TestImages.write(TestImages.noise(32, 40, 1), "png", root.resolve("trainA/a0.png")); // portrait
        Path turned = root.resolve("trainA/a1.jpg");
        TestImages.write(TestImages.noise(40, 32, 2), "jpg", turned); // landscape as stored ...
        TestImages.setOrientation(turned, 6); // ... shown turned 90 degrees: portrait
        TestImages.write(TestImages.noise(32, 32, 3), "png", root.resolve("trainB/b0.png"));
        DataOptions o = new DataOptions(32, 32, 3, false, false, Preprocess.NONE);
        UnalignedDataset d = UnalignedDataset.open(root, "train", o, 5, null);
        d.requireOneSize(2);
        assertArrayEquals(new int[]{3, 40, 32}, d.get(0, 1).shapeA(), "the decoded item is turned upright as well");
        TestImages.setOrientation(root.resolve("trainA/a1.jpg"), 1); // now stored and shown landscape: not one size
        assertThrows(DataException.class, () -> UnalignedDataset.open(root, "train", o, 5, null).requireOneSize(2));
    }
}
