package cyclegan4j.bench;

import cyclegan4j.data.DataOptions;
import cyclegan4j.data.ImageCache;
import cyclegan4j.data.PrefetchLoader;
import cyclegan4j.data.UnalignedDataset;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training data pipeline on its own: batches per second that {@link PrefetchLoader} delivers
 * with its worker threads, for the seed's setting (imageSize x imageSize JPEGs, 256 by default,
 * resized to 286x286 (bicubic), random 256x256 crop and flip, both domains), with the resized
 * images kept in an {@link ImageCache} as {@code train} does (cache=on: each image is kept when
 * it is first loaded, nearly all of them within the default 2 s warm-up) or decoded every time (off). A
 * GPU step must not wait for it: at 65-80 ms a step (the H200's, 2026-11-28), batch 1 needs 12-15 batches/s. Images are synthetic (60 per domain, written at set-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class LoaderBenchmark {

    @Param({"1", "2"})
    public int workers;

    @Param({"1"})
    public int batch;

    @Param({"on", "off"})
    public String cache;

    @Param({"256"})
    public int imageSize;

    /** The side the images are resized to before the 256 crop (and kept at, with the cache). */
    @Param({"286"})
    public int loadSize;

    private Path root;
    private PrefetchLoader loader;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        root = Files.createTempDirectory("cyclegan4j-loader-bench");
        SplittableRandom rng = new SplittableRandom(1);
        for (String domain : new String[]{"trainA", "trainB"}) {
            Path dir = Files.createDirectories(root.resolve(domain));
            for (int i = 0; i < 60; i++) {
                BufferedImage img = new BufferedImage(imageSize, imageSize, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < imageSize; y++) {
                    for (int x = 0; x < imageSize; x++) { // gradients plus noise: a JPEG of realistic size
                        int gx = x * 256 / imageSize, gy = y * 256 / imageSize;
                        img.setRGB(x, y, ((gx + rng.nextInt(16)) << 16) | ((gy + rng.nextInt(16)) << 8) | ((x ^ y) & 255));
                    }
                }
                ImageIO.write(img, "jpg", dir.resolve(i + ".jpg").toFile());
            }
        }
        UnalignedDataset data = UnalignedDataset.open(root, "train", DataOptions.train(256, 3).withLoadSize(loadSize), 0, w -> { })
                .withCache(cache.equals("on") ? new ImageCache(1L << 30) : null);
        loader = new PrefetchLoader(data, batch, workers, 2 * workers, 0);
    }

    @Benchmark
    public Object next() {
        return loader.next();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        loader.close();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
