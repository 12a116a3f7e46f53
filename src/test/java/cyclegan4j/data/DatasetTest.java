package cyclegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {

    @TempDir
    Path root;

    /** trainA with {@code na} square noise images, trainB with {@code nb}. */
    static void makeDataset(Path root, int na, int nb, int size) throws IOException {
        makeDataset(root, na, nb, size, size);
    }

    /** trainA with {@code na} noise images of {@code width x height}, trainB with {@code nb}. */
    static void makeDataset(Path root, int na, int nb, int width, int height) throws IOException {
        for (int i = 0; i < na; i++) {
            TestImages.write(TestImages.noise(width, height, i), "png", root.resolve("trainA/a" + i + ".png"));
        }
        for (int i = 0; i < nb; i++) {
            TestImages.write(TestImages.noise(width, height, 100 + i), "png", root.resolve("trainB/b" + i + ".png"));
        }
    }

    @Test
    void missingOrEmptyFoldersAreNamed() throws IOException {
        DataOptions o = DataOptions.test(8, 3);
        DataException e = assertThrows(DataException.class, () -> UnalignedDataset.open(root.resolve("nope"), "train", o, 1, null));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());

        TestImages.write(TestImages.noise(8, 8, 1), "png", root.resolve("trainA/x.png"));
        e = assertThrows(DataException.class, () -> UnalignedDataset.open(root, "train", o, 1, null));
        assertTrue(e.getMessage().contains("trainB") && e.getMessage().contains("does not exist"), e.getMessage());

        Files.createDirectories(root.resolve("trainB"));
        e = assertThrows(DataException.class, () -> UnalignedDataset.open(root, "train", o, 1, null));
        assertTrue(e.getMessage().contains("trainB") && e.getMessage().contains("empty"), e.getMessage());

        Files.writeString(root.resolve("trainB/readme.txt"), "hi");
        List<String> warnings = new ArrayList<>();
        e = assertThrows(DataException.class, () -> UnalignedDataset.open(root, "train", o, 1, warnings::add));
        assertTrue(e.getMessage().contains("trainB") && e.getMessage().contains("no readable images"), e.getMessage());
        assertEquals(1, warnings.size());

        e = assertThrows(DataException.class, () -> UnalignedDataset.open(root, "test", o, 1, null));
        assertTrue(e.getMessage().contains("testA"), e.getMessage());
    }

    /** PyTorch-GAN's download script lays a data set out as train/A, train/B, test/A, test/B. */
    @Test
    void pytorchGansLayoutIsReadToo() throws IOException {
        for (int i = 0; i < 3; i++) {
            TestImages.write(TestImages.noise(8, 8, i), "png", root.resolve("train/A/a" + i + ".png"));
        }
        TestImages.write(TestImages.noise(8, 8, 9), "png", root.resolve("train/B/b.png"));
        UnalignedDataset d = UnalignedDataset.open(root, "train", new DataOptions(8, 8, 3, false, false), 1, null);
        assertEquals(3, d.domainA().size());
        assertEquals(1, d.domainB().size());
        assertEquals(root.resolve("testA"), UnalignedDataset.domainFolder(root, "test", "A"),
                "neither layout there: the authors' name, for the error message");
        TestImages.write(TestImages.noise(8, 8, 1), "png", root.resolve("trainA/x.png"));
        assertEquals(root.resolve("trainA"), UnalignedDataset.domainFolder(root, "train", "A"), "the authors' layout first where both exist");
    }

    @Test
    void itemsAreDeterministicAndUnaligned() throws IOException {
        makeDataset(root, 5, 3, 12);
        DataOptions o = new DataOptions(14, 8, 3, true, true);
        UnalignedDataset d = UnalignedDataset.open(root, "train", o, 42, null);
        assertEquals(5, d.size());
        UnalignedDataset d2 = UnalignedDataset.open(root, "train", o, 42, null);
        for (int i = 0; i < 5; i++) {
            UnalignedDataset.Item x = d.get(3, i);
            UnalignedDataset.Item y = d2.get(3, i);
            assertArrayEquals(x.a(), y.a());
            assertArrayEquals(x.b(), y.b());
            assertEquals(x.pathB(), y.pathB());
            assertEquals(root.resolve("trainA/a" + i + ".png"), x.pathA(), "A[i % |A|]");
            assertEquals(3 * 8 * 8, x.a().length);
            for (float v : x.a()) {
                assertTrue(v >= -1f && v <= 1f);
            }
        }
        // Another epoch or seed draws other crops / flips / partners somewhere.
        boolean differs = false;
        UnalignedDataset other = UnalignedDataset.open(root, "train", o, 43, null);
        for (int i = 0; i < 5; i++) {
            differs |= !java.util.Arrays.equals(d.get(3, i).a(), d.get(4, i).a());
            differs |= !java.util.Arrays.equals(d.get(3, i).a(), other.get(3, i).a());
        }
        assertTrue(differs);
        // Without shuffling B is paired in order, B[i % |B|].
        UnalignedDataset serial = UnalignedDataset.open(root, "train", o.withShuffle(false), 42, null);
        assertEquals(root.resolve("trainB/b1.png"), serial.get(0, 4).pathB());
    }

    @Test
    void cropAndFlipFollowTheSeed() {
        DataOptions o = new DataOptions(10, 4, 1, true, true);
        Transforms.Params p1 = Transforms.draw(o, new SplittableRandom(9));
        Transforms.Params p2 = Transforms.draw(o, new SplittableRandom(9));
        assertEquals(p1, p2);
        // Over many seeds every offset 0..6 and both flips occur; without flip, never flipped.
        boolean[] tops = new boolean[7];
        int flips = 0;
        for (int s = 0; s < 400; s++) {
            Transforms.Params p = Transforms.draw(o, UnalignedDataset.itemRandom(1, 0, s));
            tops[p.top()] = true;
            flips += p.flip() ? 1 : 0;
            assertFalse(Transforms.draw(o.withFlip(false), UnalignedDataset.itemRandom(1, 0, s)).flip());
        }
        for (boolean t : tops) {
            assertTrue(t);
        }
        assertTrue(flips > 150 && flips < 250, "flips " + flips);

        // Crop (1, 2) of size 2 from a 3x4 image of values 0..11, then mirrored.
        float[] v = new float[12];
        for (int i = 0; i < 12; i++) {
            v[i] = i * 10;
        }
        ImageCodec.Planes img = new ImageCodec.Planes(1, 3, 4, v);
        float[] c = Transforms.cropFlipNormalize(img, 1, 2, 2, false);
        assertArrayEquals(new float[]{60 / 127.5f - 1, 70 / 127.5f - 1, 100 / 127.5f - 1, 110 / 127.5f - 1}, c, 1e-6f);
        float[] f = Transforms.cropFlipNormalize(img, 1, 2, 2, true);
        assertArrayEquals(new float[]{c[1], c[0], c[3], c[2]}, f);
        assertEquals(-1f, Transforms.cropFlipNormalize(img, 0, 0, 1, false)[0]);
        assertEquals(1f, Transforms.cropFlipNormalize(new ImageCodec.Planes(1, 1, 1, new float[]{255}), 0, 0, 1, false)[0]);
    }

    @Test
    void linkedFoldersAreFollowed() throws IOException {
        Path elsewhere = root.resolve("elsewhere");
        makeDataset(elsewhere, 2, 3, 8);
        Path data = root.resolve("data");
        Files.createDirectories(data);
        Files.createSymbolicLink(data.resolve("trainA"), elsewhere.resolve("trainA"));
        Files.createDirectories(data.resolve("trainB"));
        Files.createSymbolicLink(data.resolve("trainB/more"), elsewhere.resolve("trainB"));
        UnalignedDataset d = UnalignedDataset.open(data, "train", DataOptions.test(8, 3), 1, null);
        assertEquals(2, d.domainA().size());
        assertEquals(3, d.domainB().size());
        assertEquals(3, d.size());
    }

    @Test
    void undecodableImageIsReplacedWithAWarning() throws IOException {
        makeDataset(root, 3, 2, 8);
        TestImages.undecodablePng(root.resolve("trainA/a1.png"));
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        UnalignedDataset d = UnalignedDataset.open(root, "train", DataOptions.test(8, 3), 1, warnings::add);
        assertEquals(3, d.size(), "passes the cheap scan");
        assertTrue(warnings.isEmpty());
        UnalignedDataset.Item item = d.get(0, 1);
        assertEquals(root.resolve("trainA/a2.png"), item.pathA(), "the next image stands in");
        d.get(1, 1);
        assertEquals(1, warnings.size(), "warned once: " + warnings);
        assertTrue(warnings.get(0).contains("a1.png"), warnings.get(0));
    }

    @Test
    void domainWithNothingDecodableFailsLoading() throws IOException {
        makeDataset(root, 0, 2, 8);
        TestImages.undecodablePng(root.resolve("trainA/only.png"));
        UnalignedDataset d = UnalignedDataset.open(root, "train", DataOptions.test(8, 3), 1, null);
        DataException e = assertThrows(DataException.class, () -> d.get(0, 0));
        assertTrue(e.getMessage().contains("trainA"), e.getMessage());
    }

    /** The committed demo data: 1000/1000 train, 100/100 test, 28x28 gray, loads at 32x32. */
    @Test
    void demoDatasetIsComplete() {
        Path demo = Path.of("src/demo/fashion-mnist");
        List<String> warnings = new ArrayList<>();
        DataOptions o = new DataOptions(32, 32, 1, true, true);
        UnalignedDataset train = UnalignedDataset.open(demo, "train", o, 0, warnings::add);
        UnalignedDataset test = UnalignedDataset.open(demo, "test", DataOptions.test(32, 1), 0, warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(1000, train.domainA().size());
        assertEquals(1000, train.domainB().size());
        assertEquals(100, test.domainA().size());
        assertEquals(100, test.domainB().size());
        ImageCodec.Planes p;
        try {
            p = ImageCodec.read(train.domainA().files().get(0), 1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(28, p.height());
        assertEquals(28, p.width());
        UnalignedDataset.Item item = train.get(0, 0);
        assertEquals(32 * 32, item.a().length);
        assertEquals(32 * 32, item.b().length);
    }
}
