package cyclegan4j.backend.cpu;

/**
 * Row-major single-precision matrix multiply: C = alpha * op(A) * op(B) + beta * C, with op(A)
 * m x k, op(B) k x n, C m x n, leading dimensions in elements and offsets into the arrays.
 */
public interface Gemm {

    String name();

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * The native BLAS when one loads (OpenBLAS through netlib's JNI binding), else the Java GEMM.
     * {@code -Dcyclegan4j.gemm=java} forces the Java one.
     */
    static Gemm best() {
        if (!"java".equals(System.getProperty("cyclegan4j.gemm"))) {
            Gemm g = NativeGemm.tryLoad();
            if (g != null) {
                return g;
            }
        }
        return new JavaGemm();
    }

    /** The native BLAS (OpenBLAS through netlib's JNI binding), or null when none loads. */
    static Gemm nativeBlas() {
        return NativeGemm.tryLoad();
    }

    /** The portable Java GEMM, whatever else is installed (for benchmarks and comparisons). */
    static Gemm java() {
        return new JavaGemm();
    }
}
