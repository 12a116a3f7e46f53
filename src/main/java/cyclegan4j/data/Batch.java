package cyclegan4j.data;

import cyclegan4j.backend.Backend;
import cyclegan4j.tensor.Tensor;

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

    /** Domain A as a tensor of shape {@link #shape} on {@code backend} (owned by the current scope). */
    public Tensor tensorA(Backend backend) {
        return Tensor.of(backend, a, shape);
    }

    /** Domain B as a tensor of shape {@link #shape} on {@code backend} (owned by the current scope). */
    public Tensor tensorB(Backend backend) {
        return Tensor.of(backend, b, shape);
    }
}
