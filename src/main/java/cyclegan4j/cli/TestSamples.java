package cyclegan4j.cli;

import cyclegan4j.cyclegan.CycleGan;
import cyclegan4j.data.DataException;
import cyclegan4j.data.DataOptions;
import cyclegan4j.data.ImageFolder;
import cyclegan4j.data.ImageWriter;
import cyclegan4j.data.Transforms;
import cyclegan4j.data.UnalignedDataset;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The held-out images `train` shows next to its training samples: up to {@link #MAX} images of
 * each of testA/ and testB/ (spread over the sorted folder, so always the same ones), resized to
 * the crop size as at test time. The same images at every sample step make the grids comparable
 * over a run; the reference's training script also samples its test split.
 */
final class TestSamples {

    static final int MAX = 4;

    private final float[] a;
    private final float[] b;
    private final int n;
    private final int channels;
    private final int size;

    private TestSamples(float[] a, float[] b, int n, int channels, int size) {
        this.a = a;
        this.b = b;
        this.n = n;
        this.channels = channels;
        this.size = size;
    }

    /** The test images under {@code root}, or null when testA/ or testB/ is missing or has no readable image. */
    static TestSamples load(Path root, int size, int channels, Consumer<String> warn) {
        Path dirA = UnalignedDataset.domainFolder(root, "test", "A"), dirB = UnalignedDataset.domainFolder(root, "test", "B");
        if (!Files.isDirectory(dirA) || !Files.isDirectory(dirB)) {
            return null;
        }
        DataOptions test = DataOptions.test(size, channels);
        List<float[]> a = pick(dirA, test, warn), b = pick(dirB, test, warn);
        int n = Math.min(a.size(), b.size());
        if (n == 0) {
            return null;
        }
        return new TestSamples(concat(a, n), concat(b, n), n, channels, size);
    }

    int count() {
        return n;
    }

    /** Writes the grid: a row per image, columns real A, fake B, recovered A, real B, fake A, recovered B. */
    void write(CycleGan gan, Path file) throws IOException {
        float[][] all;
        try (Scope s = Scope.open()) {
            all = gan.translateBoth(Tensor.of(gan.backend(), a, n, channels, size, size),
                    Tensor.of(gan.backend(), b, n, channels, size, size));
        }
        int per = channels * size * size;
        List<float[]> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (float[] column : all) {
                float[] one = new float[per];
                System.arraycopy(column, i * per, one, 0, per);
                cells.add(one);
            }
        }
        ImageWriter.writeGrid(file, cells, channels, n, all.length, size, size, 2);
    }

    /** Up to MAX images spread evenly over the folder's sorted images (one that fails to decode is left out). */
    private static List<float[]> pick(Path dir, DataOptions test, Consumer<String> warn) {
        List<Path> files;
        try {
            files = ImageFolder.scan(dir, null).files();
        } catch (DataException e) { // no usable image: no test samples, training goes on, and the user is told why
            warn.accept("no test samples: " + e.getMessage() + "; the sample grids show the training images only");
            return List.of();
        }
        List<float[]> out = new ArrayList<>();
        int step = Math.max(1, files.size() / MAX);
        for (int i = 0; i < files.size() && i < MAX * step; i += step) {
            try {
                out.add(UnalignedDataset.loadImage(files.get(i), test, Transforms.Params.NONE));
            } catch (IOException e) {
                warn.accept("test sample " + files.get(i) + " left out: " + e.getMessage());
            }
        }
        return out;
    }

    private static float[] concat(List<float[]> images, int n) {
        int per = images.get(0).length;
        float[] all = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images.get(i), 0, all, i * per, per);
        }
        return all;
    }
}
