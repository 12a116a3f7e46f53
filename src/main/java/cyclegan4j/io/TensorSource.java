package cyclegan4j.io;

import java.io.IOException;

/**
 * One float32 tensor to be written: its shape is needed up front (for the header), its values only
 * when its turn comes, so a writer can stream tensors one at a time (e.g. download each device
 * buffer as it is written instead of holding every tensor on the heap at once).
 */
public interface TensorSource {

    /** The shape (row-major); {@code []} is a scalar. The caller does not modify the array. */
    int[] shape();

    /**
     * The values in row-major order; exactly as many as the shape's element count. Called once, at
     * write time. An exception here aborts the write and leaves any previous file in place.
     */
    float[] values() throws IOException;
}
