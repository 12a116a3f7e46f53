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
        int top = rng.nextInt(height - o.cropSize() + 1);
        int left = rng.nextInt(width - o.cropSize() + 1);
        boolean flip = rng.nextBoolean();
        return new Params(top, left, o.flip() && flip);
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
     *
     * @throws IllegalArgumentException when the result is smaller than the crop (crop mode only)
     */
    public static ImageCodec.Planes resized(ImageCodec.Planes img, DataOptions o) {
        return switch (o.preprocess()) {
            case RESIZE_AND_CROP -> Bicubic.resize(img, o.loadSize(), o.loadSize());
            case SCALE_WIDTH_AND_CROP -> img.width() == o.loadSize() && img.height() >= o.cropSize() ? img
                    : Bicubic.resize(img, (int) Math.max((double) o.loadSize() * img.height() / img.width(), o.cropSize()), o.loadSize());
            case SCALE_SHORTSIDE_AND_CROP -> {
                int shorter = Math.min(img.width(), img.height()), longer = Math.max(img.width(), img.height());
                int scaledLonger = (int) ((double) o.loadSize() * longer / shorter);
                yield shorter == o.loadSize() ? img : img.width() <= img.height()
                        ? Bicubic.resize(img, scaledLonger, o.loadSize()) : Bicubic.resize(img, o.loadSize(), scaledLonger);
            }
            case CROP -> {
                if (!fits(img, o)) {
                    throw new IllegalArgumentException(img.width() + "x" + img.height() + " is smaller than the "
                            + o.cropSize() + "x" + o.cropSize() + " crop");
                }
                yield img;
            }
        };
    }

    /** Whether the crop fits in the image as decoded: always, except in crop mode. */
    public static boolean fits(ImageCodec.Planes img, DataOptions o) {
        return o.preprocess() != DataOptions.Preprocess.CROP || img.width() >= o.cropSize() && img.height() >= o.cropSize();
    }

    /** Resize, crop, flip and scale one image; returns CHW floats in [-1, 1]. */
    public static float[] apply(ImageCodec.Planes img, DataOptions o, Params p) {
        return cropFlipNormalize(resized(img, o), p.top(), p.left(), o.cropSize(), p.flip());
    }

    /** An 8-bit level (0..255) as the networks see it, in [-1, 1]. */
    public static float normalize(float level) {
        return level / 127.5f - 1f;
    }

    /** Crops a {@code size x size} window at (top, left), optionally mirrors it, scales to [-1, 1]. */
    public static float[] cropFlipNormalize(ImageCodec.Planes img, int top, int left, int size, boolean flip) {
        int c = img.channels();
        int h = img.height();
        int w = img.width();
        if (top < 0 || left < 0 || top + size > h || left + size > w) {
            throw new IllegalArgumentException("crop " + size + " at (" + top + ", " + left + ") outside " + h + "x" + w);
        }
        float[] src = img.data();
        float[] out = new float[c * size * size];
        for (int p = 0; p < c; p++) {
            for (int y = 0; y < size; y++) {
                int s = (p * h + top + y) * w + left;
                int d = (p * size + y) * size;
                for (int x = 0; x < size; x++) {
                    float v = src[s + (flip ? size - 1 - x : x)];
                    out[d + x] = normalize(v);
                }
            }
        }
        return out;
    }
}
