package cyclegan4j.data;

import java.util.SplittableRandom;

/**
 * The reference's training transform ({@code get_transform}): a bicubic resize as
 * {@link DataOptions#preprocess()} says ({@link #resized}), random {@code cropSize} square crop,
 * random horizontal flip, then {@code x / 127.5 - 1} (ToTensor's /255 followed by Normalize(0.5,
 * 0.5)). Grayscale conversion happens earlier, at decoding ({@link ImageCodec#read}).
 */
public final class Transforms {

    private Transforms() {
    }

    /** The random choices for one image: crop offsets and whether to flip. */
    public record Params(int top, int left, boolean flip) {
        /** No offset, no flip: the choice for test time, where load size = crop size. */
        public static final Params NONE = new Params(0, 0, false);
    }

    /**
     * Draws the crop offsets for a {@code height x width} resized image (top, then left, each
     * uniform over the valid range as torchvision's RandomCrop) and the flip coin, always in that
     * order and always all three, so the stream of draws does not depend on the options.
     */
    public static Params draw(DataOptions o, int height, int width, SplittableRandom rng) {
        int[] window = window(o, height, width);
        int top = rng.nextInt(height - window[0] + 1);
        int left = rng.nextInt(width - window[1] + 1);
        boolean flip = rng.nextBoolean();
        return new Params(top, left, o.flip() && flip);
    }

    /** The item's {height, width} from a {@code height x width} resized image: the crop, or all of it (scale_width, none). */
    public static int[] window(DataOptions o, int height, int width) {
        return o.preprocess().crops() ? new int[]{o.cropSize(), o.cropSize()} : new int[]{height, width};
    }

    /** {@link #draw(DataOptions, int, int, SplittableRandom)} for resize_and_crop's loadSize square. */
    public static Params draw(DataOptions o, SplittableRandom rng) {
        return draw(o, o.loadSize(), o.loadSize(), rng);
    }

    /**
     * The image the crop is taken from: resized to loadSize x loadSize (resize_and_crop); scaled
     * to width loadSize and height int(loadSize * h / w), at least cropSize (scale_width_and_crop,
     * as the reference's __scale_width, which leaves an image of that width alone); with the shorter
     * side scaled to loadSize and the longer to int(loadSize * long / short) (scale_shortside_and_crop,
     * as torchvision's Resize(int), which leaves an image with that shorter side alone); as it is (crop).
     * The whole item for scale_width (scaled as scale_width_and_crop) and none (as it is), each side
     * then rounded to a multiple of 4 ({@link #multipleOf4}).
     *
     * @throws IllegalArgumentException when the result is too small ({@link #fits}: crop and none only)
     */
    public static ImageCodec.Planes resized(ImageCodec.Planes img, DataOptions o) {
        if (!fits(img, o)) {
            throw new IllegalArgumentException(img.width() + "x" + img.height() + " is smaller than " + (o.preprocess() == DataOptions.Preprocess.CROP
                    ? "the " + o.cropSize() + "x" + o.cropSize() + " crop" : DataOptions.Preprocess.MIN_SIDE + " pixels on a side"));
        }
        return switch (o.preprocess()) {
            case RESIZE_AND_CROP -> Bicubic.resize(img, o.loadSize(), o.loadSize());
            case SCALE_WIDTH_AND_CROP -> {
                int[] hw = scaledWidthSize(img.height(), img.width(), o);
                yield resize(img, hw[0], hw[1]);
            }
            case SCALE_SHORTSIDE_AND_CROP -> {
                int shorter = Math.min(img.width(), img.height()), longer = Math.max(img.width(), img.height());
                int scaledLonger = (int) ((double) o.loadSize() * longer / shorter);
                yield shorter == o.loadSize() ? img : img.width() <= img.height()
                        ? Bicubic.resize(img, scaledLonger, o.loadSize()) : Bicubic.resize(img, o.loadSize(), scaledLonger);
            }
            case CROP -> img;
            case SCALE_WIDTH, NONE -> { // one resize to the rounded size, not the reference's size and then the rounding
                int[] hw = wholeSize(img.height(), img.width(), o);
                yield resize(img, hw[0], hw[1]);
            }
        };
    }

    /**
     * The {height, width} an image of {@code height x width} has as an item of scale_width or none:
     * scale_width_and_crop's size, or the image's, each side rounded to a multiple of 4.
     */
    public static int[] wholeSize(int height, int width, DataOptions o) {
        int[] hw = o.preprocess() == DataOptions.Preprocess.SCALE_WIDTH ? scaledWidthSize(height, width, o) : new int[]{height, width};
        return new int[]{multipleOf4(hw[0]), multipleOf4(hw[1])};
    }

    /**
     * The reference's __scale_width: {height, width} of width loadSize and height int(loadSize * h
     * / w) but at least cropSize; an image of width loadSize and height at least cropSize keeps its size.
     */
    private static int[] scaledWidthSize(int height, int width, DataOptions o) {
        return width == o.loadSize() && height >= o.cropSize() ? new int[]{height, width}
                : new int[]{(int) Math.max((double) o.loadSize() * height / width, o.cropSize()), o.loadSize()};
    }

    /** {@code img} resized to height x width (bicubic), or itself when it has that size. */
    private static ImageCodec.Planes resize(ImageCodec.Planes img, int height, int width) {
        return height == img.height() && width == img.width() ? img : Bicubic.resize(img, height, width);
    }

    /**
     * The reference's __make_power_2 with base 4: a side rounded to the nearest multiple of 4
     * (Python's round: halves to even). The generator's two stride-2 steps need such sides.
     */
    static int multipleOf4(int side) {
        return (int) Math.rint(side / 4.0) * 4;
    }

    /** The least side an image must have as decoded: the crop's (crop), {@link DataOptions.Preprocess#MIN_SIDE} (none), else 1. */
    public static int leastSide(DataOptions o) {
        return switch (o.preprocess()) {
            case CROP -> o.cropSize();
            case NONE -> DataOptions.Preprocess.MIN_SIDE;
            default -> 1;
        };
    }

    /** Whether the image as decoded has {@link #leastSide} on both sides. */
    public static boolean fits(ImageCodec.Planes img, DataOptions o) {
        return img.width() >= leastSide(o) && img.height() >= leastSide(o);
    }

    /** Resize, crop, flip and scale one image; returns CHW floats in [-1, 1]. */
    public static float[] apply(ImageCodec.Planes img, DataOptions o, Params p) {
        ImageCodec.Planes r = resized(img, o);
        int[] window = window(o, r.height(), r.width());
        return cropFlipNormalize(r, p.top(), p.left(), window[0], window[1], p.flip());
    }

    /** An 8-bit level (0..255) as the networks see it, in [-1, 1]. */
    public static float normalize(float level) {
        return level / 127.5f - 1f;
    }

    /** Crops a {@code size x size} window at (top, left), optionally mirrors it, scales to [-1, 1]. */
    public static float[] cropFlipNormalize(ImageCodec.Planes img, int top, int left, int size, boolean flip) {
        return cropFlipNormalize(img, top, left, size, size, flip);
    }

    /** Crops a {@code height x width} window at (top, left), optionally mirrors it, scales to [-1, 1]. */
    public static float[] cropFlipNormalize(ImageCodec.Planes img, int top, int left, int height, int width, boolean flip) {
        int c = img.channels();
        int h = img.height();
        int w = img.width();
        if (top < 0 || left < 0 || top + height > h || left + width > w) {
            throw new IllegalArgumentException("crop " + height + "x" + width + " at (" + top + ", " + left + ") outside " + h + "x" + w);
        }
        float[] src = img.data();
        float[] out = new float[c * height * width];
        for (int p = 0; p < c; p++) {
            for (int y = 0; y < height; y++) {
                int s = (p * h + top + y) * w + left;
                int d = (p * height + y) * width;
                for (int x = 0; x < width; x++) {
                    float v = src[s + (flip ? width - 1 - x : x)];
                    out[d + x] = normalize(v);
                }
            }
        }
        return out;
    }
}
