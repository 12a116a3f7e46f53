package cyclegan4j.io;

import java.util.Arrays;

/**
 * A float32 tensor on the heap: a shape and its row-major values. The arrays are not copied, so
 * big tensors are not duplicated; do not modify them after handing them over.
 */
public final class TensorData implements TensorSource {

    private final int[] shape;
    private final float[] values;

    public TensorData(int[] shape, float[] values) {
        long n = elementCount(shape);
        if (values.length != n) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape)
                    + " (" + n + " elements)");
        }
        this.shape = shape;
        this.values = values;
    }

    /** Number of elements of {@code shape} (1 for a scalar); dimensions must be non-negative. */
    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, (long) d);
        }
        return n;
    }

    @Override
    public int[] shape() {
        return shape;
    }

    @Override
    public float[] values() {
        return values;
    }

    public long elementCount() {
        return values.length;
    }

    /** Same shape and bit-identical values (NaN payloads and signed zeros included). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TensorData t)) {
            return false;
        }
        if (!Arrays.equals(shape, t.shape) || values.length != t.values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(t.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(shape);
        for (float v : values) {
            h = 31 * h + Float.floatToRawIntBits(v);
        }
        return h;
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
