package cyclegan4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Two unpaired image folders in the CycleGAN layout ({@code root/trainA}, {@code root/trainB}, or
 * {@code testA}/{@code testB} for phase "test"), sampled as the reference's
 * {@code UnalignedDataset}: item {@code i} takes {@code A[i % |A|]} and a B drawn at random
 * ({@code B[i % |B|]} when shuffling is off, as with {@code --serial_batches}); an epoch has
 * {@code max(|A|, |B|)} items.
 *
 * <p>Every random choice of an item (its B, both crops, both flips) comes from a generator
 * seeded with {@code (seed, epoch, index)} ({@link #itemRandom}), so an item is the same whichever
 * thread loads it and whenever.
 *
 * <p>An image that fails to decode at load time is reported once through the warning callback,
 * remembered, and replaced by the next image of its domain (wrapping around); only when no image
 * of a domain decodes does loading fail. The callback may be called from loader threads.
 */
public final class UnalignedDataset {

    private final ImageFolder a;
    private final ImageFolder b;
    private final DataOptions options;
    private final long seed;
    private final Consumer<String> warn;
    private final Consumer<String> givenWarn;
    private final Set<Path> broken = ConcurrentHashMap.newKeySet();
    /** Resized images kept across epochs; null: none kept. */
    private final ImageCache cache;
    private final AtomicBoolean cacheFullSaid = new AtomicBoolean();

    public UnalignedDataset(ImageFolder a, ImageFolder b, DataOptions options, long seed, Consumer<String> warn) {
        this(a, b, options, seed, warn, null);
    }

    private UnalignedDataset(ImageFolder a, ImageFolder b, DataOptions options, long seed, Consumer<String> warn, ImageCache cache) {
        this.a = a;
        this.b = b;
        this.options = options;
        this.seed = seed;
        this.cache = cache;
        this.givenWarn = warn;
        Consumer<String> w = warn == null ? s -> { } : warn;
        this.warn = s -> {
            synchronized (this) {
                w.accept(s);
            }
        };
    }

    /**
     * A domain's folder: {@code root/trainA} (the authors' layout, which their download script
     * makes), or {@code root/train/A} where only that exists (PyTorch-GAN's, which its script makes).
     *
     * @param phase  "train" or "test"
     * @param domain "A" or "B"
     */
    public static Path domainFolder(Path root, String phase, String domain) {
        Path authors = root.resolve(phase + domain), pytorchGan = root.resolve(phase).resolve(domain);
        return !java.nio.file.Files.isDirectory(authors) && java.nio.file.Files.isDirectory(pytorchGan) ? pytorchGan : authors;
    }

    /**
     * Opens {@code root/<phase>A} and {@code root/<phase>B} ({@link #domainFolder}: or
     * {@code root/<phase>/A} and {@code /B}).
     *
     * @param phase "train" or "test"
     * @throws DataException when the root or a domain folder is missing or has no usable image
     */
    public static UnalignedDataset open(Path root, String phase, DataOptions options, long seed, Consumer<String> warn) {
        if (!java.nio.file.Files.isDirectory(root)) {
            throw new DataException("data set root " + root + " does not exist or is not a directory"
                    + " (expected " + phase + "A/ and " + phase + "B/ inside it, or " + phase + "/A/ and " + phase + "/B/)");
        }
        Consumer<String> w = warn == null ? s -> { } : warn;
        ImageFolder fa = ImageFolder.scan(domainFolder(root, phase, "A"), w);
        ImageFolder fb = ImageFolder.scan(domainFolder(root, phase, "B"), w);
        // crop and none take the images at their own size: too small ones are known from their headers
        int least = Transforms.leastSide(options);
        if (least > 1) {
            fa = fa.atLeast(least, leastSideReason(options), w);
            fb = fb.atLeast(least, leastSideReason(options), w);
        }
        return new UnalignedDataset(fa, fb, options, seed, warn);
    }

    /**
     * For batches of more than one image with scale_width or none, which keep each image's own
     * size: refuses, before training, a domain whose images would not all have one size (from the
     * headers and JPEG orientations, nothing decoded), naming two that differ. The loader would
     * otherwise stop the run at the first batch that mixes them, which may come hours later.
     *
     * @throws DataException naming the two images and their sizes
     */
    public void requireOneSize(int batchSize) {
        if (batchSize <= 1 || options.preprocess().crops()) {
            return;
        }
        for (ImageFolder folder : List.of(a, b)) {
            int[] first = null;
            for (int i = 0; i < folder.size(); i++) {
                int[] wh = folder.shownSize(i); // a portrait photo stored landscape counts as portrait
                int[] hw = Transforms.wholeSize(wh[1], wh[0], options);
                if (first == null) {
                    first = new int[]{hw[0], hw[1], i};
                } else if (hw[0] != first[0] || hw[1] != first[1]) {
                    throw new DataException(String.format(java.util.Locale.ROOT, "--batch-size %d needs images of one size, and with"
                                    + " --preprocess %s %s becomes %dx%d where %s becomes %dx%d: train with --batch-size 1, or a"
                                    + " --preprocess that crops", batchSize, options.preprocess().label(),
                            folder.files().get(first[2]).getFileName(), first[1], first[0], folder.files().get(i).getFileName(), hw[1], hw[0]));
                }
            }
        }
    }

    /** What needs {@link Transforms#leastSide}, for messages. */
    private static String leastSideReason(DataOptions o) {
        int s = Transforms.leastSide(o);
        return o.preprocess() == DataOptions.Preprocess.CROP ? "the " + s + "x" + s + " crop (--preprocess crop)"
                : s + "x" + s + " (--preprocess none: the discriminators downsample by 16)";
    }

    /**
     * This data set, keeping its resized images in {@code cache} as they are first loaded (null:
     * keeping none). The items are the same either way.
     */
    public UnalignedDataset withCache(ImageCache cache) {
        return new UnalignedDataset(a, b, options, seed, givenWarn, cache);
    }

    /** The cache of resized images, or null. */
    public ImageCache cache() {
        return cache;
    }

    /** Items per epoch: max(|A|, |B|). */
    public int size() {
        return Math.max(a.size(), b.size());
    }

    public ImageFolder domainA() {
        return a;
    }

    public ImageFolder domainB() {
        return b;
    }

    public DataOptions options() {
        return options;
    }

    public long seed() {
        return seed;
    }

    /**
     * One training pair: two CHW images in [-1, 1], of shapes {@code shapeA} and {@code shapeB}:
     * {@code [channels, crop, crop]}, or each image's own size (scale_width, none).
     */
    public record Item(float[] a, float[] b, Path pathA, Path pathB, int[] shapeA, int[] shapeB) {
    }

    /** The generator for item {@code index} of {@code epoch}: a pure function of (seed, epoch, index). */
    public static SplittableRandom itemRandom(long seed, long epoch, long index) {
        long s = mix(seed ^ 0x5DEECE66DL);
        s = mix(s + 0x9E3779B97F4A7C15L * (epoch + 1));
        s = mix(s + 0xC2B2AE3D27D4EB4FL * (index + 1));
        return new SplittableRandom(s);
    }

    /** SplitMix64's finaliser: a bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Loads and transforms item {@code index} (0 ≤ index &lt; size()) of {@code epoch}. */
    public Item get(long epoch, int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("item " + index + " of " + size());
        }
        SplittableRandom rng = itemRandom(seed, epoch, index);
        int ib = options.shuffle() ? rng.nextInt(b.size()) : index % b.size();
        Loaded la = load(a, index % a.size());
        Loaded lb = load(b, ib);
        Transforms.Params pa = Transforms.draw(options, la.height(), la.width(), rng); // the offsets' range is the resized size
        Transforms.Params pb = Transforms.draw(options, lb.height(), lb.width(), rng);
        int[] wa = Transforms.window(options, la.height(), la.width()), wb = Transforms.window(options, lb.height(), lb.width());
        int c = options.channels();
        return new Item(la.crop(pa, wa), lb.crop(pb, wb), la.path, lb.path, new int[]{c, wa[0], wa[1]}, new int[]{c, wb[0], wb[1]});
    }

    /** A resized image: freshly decoded ({@code resized}) or kept in the cache ({@code kept}). */
    private record Loaded(Path path, ImageCodec.Planes resized, ImageCache.Kept kept) {
        int height() {
            return kept != null ? kept.height() : resized.height();
        }

        int width() {
            return kept != null ? kept.width() : resized.width();
        }

        /** The {@code window[0] x window[1]} crop at p's offsets, flipped as p says, in [-1, 1]. */
        float[] crop(Transforms.Params p, int[] window) {
            return kept != null
                    ? Transforms.cropFlipNormalize(kept.window(p.top(), p.left(), window[0], window[1]), 0, 0, window[0], window[1], p.flip())
                    : Transforms.cropFlipNormalize(resized, p.top(), p.left(), window[0], window[1], p.flip());
        }
    }

    /**
     * Image {@code i} of a domain, or the next one that decodes and is large enough for the crop,
     * resized ({@link Transforms#resized}): from the cache, or decoded and then kept there.
     */
    private Loaded load(ImageFolder folder, int i) {
        List<Path> files = folder.files();
        for (int k = 0; k < files.size(); k++) {
            Path p = files.get((i + k) % files.size());
            if (broken.contains(p)) {
                continue;
            }
            ImageCache.Kept kept = cache == null ? null : cache.get(p);
            if (kept != null) {
                return new Loaded(p, null, kept);
            }
            try {
                ImageCodec.Planes img = ImageCodec.read(p, options.channels());
                if (Transforms.fits(img, options)) {
                    ImageCodec.Planes resized = Transforms.resized(img, options);
                    if (cache != null && !cache.put(p, resized) && cacheFullSaid.compareAndSet(false, true)) {
                        warn.accept(String.format(java.util.Locale.ROOT, "image cache full (%d images, %.1f of %d MiB, --cache-mb):"
                                + " the images beyond it, %s first, are decoded every epoch", cache.size(), cache.bytes() / 1048576.0,
                                cache.budget() >> 20, p.getFileName()));
                    }
                    return new Loaded(p, resized, null);
                }
                if (broken.add(p)) {
                    warn.accept(p + ": " + img.width() + "x" + img.height() + " is smaller than " + leastSideReason(options)
                            + "; skipped, using another image");
                }
            } catch (IOException | RuntimeException e) {
                if (broken.add(p)) {
                    warn.accept(p + ": cannot decode (" + ImageCodec.describe(e) + "); skipped, using another image");
                }
            } catch (OutOfMemoryError e) { // one huge photo must not end the run; its decoded copies are garbage now
                if (broken.add(p)) {
                    warn.accept(p + ": too large to decode in this Java heap (" + (Runtime.getRuntime().maxMemory() >> 20)
                            + " MiB; about 27 bytes per pixel are needed); skipped, using another image (shrink it, or raise"
                            + " JAVA_OPTS=-Xmx)");
                }
            }
        }
        throw new DataException("image folder " + folder.dir() + ": no image could be decoded"
                + (Transforms.leastSide(options) > 1 ? " as large as " + leastSideReason(options) : ""));
    }

    /** Decodes and transforms a single file with fixed choices (translation of one image). */
    public static float[] loadImage(Path file, DataOptions options, Transforms.Params params) throws IOException {
        return Transforms.apply(ImageCodec.read(file, options.channels()), options, params);
    }
}
