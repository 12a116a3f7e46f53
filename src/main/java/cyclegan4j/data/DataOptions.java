package cyclegan4j.data;

/**
 * How images become model inputs, as the reference's {@code get_transform} with
 * {@code --preprocess resize_and_crop}: optional grayscale, bicubic resize to
 * {@code loadSize x loadSize}, random crop to {@code cropSize x cropSize}, random horizontal flip,
 * scale to [-1, 1].
 *
 * @param loadSize side of the square every image is resized to (bicubic)
 * @param cropSize side of the random square crop taken from the resized image (≤ loadSize)
 * @param channels 3 (RGB) or 1 (grayscale, PIL's ITU-R 601-2 luma)
 * @param flip     random horizontal flip with probability 1/2 (the reference's default; off with --no_flip)
 * @param shuffle  visit the items of each epoch in a seeded random order (the reference's
 *                 DataLoader shuffle; off with --serial_batches, which also pairs B[i % |B|])
 */
public record DataOptions(int loadSize, int cropSize, int channels, boolean flip, boolean shuffle) {

    public DataOptions {
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
        return new DataOptions(v, cropSize, channels, flip, shuffle);
    }

    public DataOptions withFlip(boolean v) {
        return new DataOptions(loadSize, cropSize, channels, v, shuffle);
    }

    public DataOptions withShuffle(boolean v) {
        return new DataOptions(loadSize, cropSize, channels, flip, v);
    }
}
