package cyclegan4j.data;

import java.util.Locale;
import java.util.Objects;

/**
 * How images become model inputs, as the reference's {@code get_transform}: optional grayscale,
 * a bicubic resize as {@code preprocess} says, random crop to {@code cropSize x cropSize} (except
 * scale_width and none: the whole image), random horizontal flip, scale to [-1, 1].
 *
 * @param loadSize   side of the square every image is resized to (resize_and_crop), or the width
 *                   (scale_width_and_crop, scale_width) or shorter side (scale_shortside_and_crop) it is scaled
 *                   to; unused by crop and none
 * @param cropSize   side of the random square crop taken from the resized image (≤ loadSize);
 *                   scale_width's least height; unused by none
 * @param channels 3 (RGB) or 1 (grayscale, PIL's ITU-R 601-2 luma)
 * @param flip     random horizontal flip with probability 1/2 (the reference's default; off with --no_flip)
 * @param shuffle  visit the items of each epoch in a seeded random order (the reference's
 *                 DataLoader shuffle; off with --serial_batches, which also pairs B[i % |B|])
 */
public record DataOptions(int loadSize, int cropSize, int channels, boolean flip, boolean shuffle, Preprocess preprocess) {

    /**
     * The reference's --preprocess choices. The *_crop ones and crop give every image the crop's
     * size; scale_width and none keep each image's own proportions, so images differ in size.
     */
    public enum Preprocess {
        /** Resize to loadSize x loadSize (aspect not kept), then crop: the reference's default. */
        RESIZE_AND_CROP,
        /** Scale to width loadSize, aspect kept (height at least cropSize), then crop. */
        SCALE_WIDTH_AND_CROP,
        /**
         * Scale the shorter side to loadSize, aspect kept, then crop: PyTorch-GAN's
         * {@code transforms.Resize(int(img_height * 1.12))}, which differs from resize_and_crop on
         * non-square images only.
         */
        SCALE_SHORTSIDE_AND_CROP,
        /** Crop at the image's own size (images smaller than the crop are skipped). */
        CROP,
        /**
         * Scale to width loadSize, aspect kept (height at least cropSize), no crop; then, as none,
         * each side rounded to a multiple of 4. (The reference skips that rounding here, and its
         * generator then fails on a height that is not a multiple of 4.)
         */
        SCALE_WIDTH,
        /**
         * The image as it is, each side rounded to the nearest multiple of 4 (the reference's
         * __make_power_2 with base 4: a bicubic resize where a side changes); no crop. Images
         * smaller than {@link #MIN_SIDE} on a side are skipped.
         */
        NONE;

        /** The smallest side a whole image may have (the discriminators downsample by 16). */
        public static final int MIN_SIDE = 32;

        /** Whether items are crops of cropSize x cropSize; otherwise each has its image's own size. */
        public boolean crops() {
            return this != SCALE_WIDTH && this != NONE;
        }

        /** The command-line name, e.g. "scale_width_and_crop". */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Preprocess parse(String label) {
            for (Preprocess p : values()) {
                if (p.label().equals(label)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("preprocess must be resize_and_crop, scale_width_and_crop, scale_shortside_and_crop,"
                    + " crop, scale_width or none, got '" + label + "'");
        }
    }

    /** resize_and_crop, the reference's default. */
    public DataOptions(int loadSize, int cropSize, int channels, boolean flip, boolean shuffle) {
        this(loadSize, cropSize, channels, flip, shuffle, Preprocess.RESIZE_AND_CROP);
    }

    public DataOptions {
        Objects.requireNonNull(preprocess, "preprocess");
        if (cropSize <= 0 || loadSize < cropSize) {
            throw new IllegalArgumentException("data: need 0 < crop size (" + cropSize + ") <= load size (" + loadSize + ")");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("data: channels must be 1 or 3, got " + channels);
        }
    }

    /** Training defaults: load = crop * 1.12 (as the reference's 286/256), flip and shuffle on. */
    public static DataOptions train(int cropSize, int channels) {
        return new DataOptions((int) (cropSize * 1.12), cropSize, channels, true, true);
    }

    /** Test time, as the reference's test options: load = crop (no random crop), no flip, in order. */
    public static DataOptions test(int size, int channels) {
        return new DataOptions(size, size, channels, false, false);
    }

    public DataOptions withLoadSize(int v) {
        return new DataOptions(v, cropSize, channels, flip, shuffle, preprocess);
    }

    public DataOptions withFlip(boolean v) {
        return new DataOptions(loadSize, cropSize, channels, v, shuffle, preprocess);
    }

    public DataOptions withShuffle(boolean v) {
        return new DataOptions(loadSize, cropSize, channels, flip, v, preprocess);
    }

    public DataOptions withPreprocess(Preprocess v) {
        return new DataOptions(loadSize, cropSize, channels, flip, shuffle, v);
    }
}
