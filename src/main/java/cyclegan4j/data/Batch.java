package cyclegan4j.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A batch of training pairs: {@code a} and {@code b} hold {@code shape = [n, channels, crop, crop]}
 * floats in [-1, 1], NCHW, ready for {@code Tensor.of(backend, batch.a(), batch.shape())}.
 *
 * @param epoch     the epoch this batch belongs to
 * @param index     its position in the epoch (0-based)
 * @param lastInEpoch whether it ends the epoch (the last batch may be smaller: no drop_last)
 */
public record Batch(long epoch, int index, boolean lastInEpoch, float[] a, float[] b, int[] shape,
                    List<Path> pathsA, List<Path> pathsB) {

    public int size() {
        return shape[0];
    }
}
