package cyclegan4j.data;

import cyclegan4j.backend.Backend;
import cyclegan4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;

/**
 * A batch of training pairs: {@code a} and {@code b} hold NCHW floats in [-1, 1] of shapes
 * {@code shapeA} and {@code shapeB}, ready for {@link #tensorA} and {@link #tensorB}: both
 * {@code [n, channels, crop, crop]}, or with scale_width and none each domain's images' own size.
 *
 * @param epoch     the epoch this batch belongs to
 * @param index     its position in the epoch (0-based)
 * @param lastInEpoch whether it ends the epoch (the last batch may be smaller: no drop_last)
 */
public record Batch(long epoch, int index, boolean lastInEpoch, float[] a, int[] shapeA, float[] b, int[] shapeB,
                    List<Path> pathsA, List<Path> pathsB) {

    public int size() {
        return shapeA[0];
    }

    /** Domain A as a tensor of shape {@link #shapeA} on {@code backend} (owned by the current scope). */
    public Tensor tensorA(Backend backend) {
        return Tensor.of(backend, a, shapeA);
    }

    /** Domain B as a tensor of shape {@link #shapeB} on {@code backend} (owned by the current scope). */
    public Tensor tensorB(Backend backend) {
        return Tensor.of(backend, b, shapeB);
    }
}
