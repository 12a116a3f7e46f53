package cyclegan4j.backend.cpu;

/**
 * Per-thread work arrays for the convolutions, kept between calls. A fresh multi-megabyte float[]
 * is zeroed by the JVM and page-faulted in on every call: the 7x7 stem at 128x128 took 3.6 ms with
 * a fresh 9.4 MB column buffer (GEMM 1.6 ms, im2col 0.7 ms) and 2.8 ms with a kept one. They stay
 * as large as the largest convolution has needed: about 120 MB for the 256x256 generator at
 * batch 1 (the padded inputs grow with the batch).
 */
final class Scratch {

    /**
     * What an array holds; arrays of different slots may be in use at the same time. PHASE_ROWS is
     * taken inside the pool tasks of a strided im2col (a few de-interleaved input rows per thread).
     */
    enum Slot { COLUMNS, WEIGHTS, WEIGHT_GRAD, INPUT, INPUT_GRAD, OUTPUT, OUTPUT_GRAD, PHASE_ROWS, STACKED_TAPS }

    private static final ThreadLocal<float[][]> ARRAYS =
            ThreadLocal.withInitial(() -> new float[Slot.values().length][]);

    private Scratch() {
    }

    /**
     * An array of at least n floats with whatever the last user left in it. It belongs to the
     * calling thread until that thread asks for the same slot again.
     */
    static float[] floats(Slot slot, int n) {
        float[][] arrays = ARRAYS.get();
        float[] a = arrays[slot.ordinal()];
        if (a == null || a.length < n) {
            a = new float[n];
            arrays[slot.ordinal()] = a;
        }
        return a;
    }
}
