package cyclegan4j.data;

import java.util.SplittableRandom;

/**
 * The reference's training transform ({@code get_transform}, {@code resize_and_crop}): bicubic
 * resize to {@code loadSize x loadSize}, random {@code cropSize} square crop, random horizontal
 * flip, then {@code x / 127.5 - 1} (ToTensor's /255 followed by Normalize(0.5, 0.5)).
 * Grayscale conversion happens earlier, at decoding ({@link ImageCodec#read}).
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
     * Draws the crop offsets (top, then left, each uniform over the valid range as torchvision's
     * RandomCrop) and the flip coin, always in that order and always all three, so the stream of
     * draws does not depend on the options.
     */
    public static Params draw(DataOptions o, SplittableRandom rng) {
        int top = rng.nextInt(o.loadSize() - o.cropSize() + 1);
        int left = rng.nextInt(o.loadSize() - o.cropSize() + 1);
        boolean flip = rng.nextBoolean();
        return new Params(top, left, o.flip() && flip);
    }

    /** Resize, crop, flip and scale one image; returns CHW floats in [-1, 1]. */
    public static float[] apply(ImageCodec.Planes img, DataOptions o, Params p) {
        ImageCodec.Planes r = Bicubic.resize(img, o.loadSize(), o.loadSize());
        return cropFlipNormalize(r, p.top(), p.left(), o.cropSize(), p.flip());
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
