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
     * The native BLAS when one loads (OpenBLAS through netlib's JNI binding) and it is not the
     * reference implementation, else the Java GEMM. {@code -Dcyclegan4j.gemm=java} forces the
     * Java one, {@code =native} the native one even when it is the reference implementation.
     */
    static Gemm best() {
        String choice = System.getProperty("cyclegan4j.gemm", "auto");
        if (!"java".equals(choice)) {
            Gemm g = NativeGemm.tryLoad();
            if (g != null) {
                String reference = "native".equals(choice) ? null : NativeGemm.referenceBlas();
                if (reference == null) {
                    return g;
                }
                return new JavaGemm("the system BLAS is netlib's reference implementation (" + reference
                        + "), many times slower than this one; install OpenBLAS, e.g. Debian's libopenblas0-pthread,"
                        + " or -Dcyclegan4j.gemm=native uses it anyway");
            }
        }
        return new JavaGemm(null);
    }

    /** The native BLAS (OpenBLAS through netlib's JNI binding), or null when none loads. */
    static Gemm nativeBlas() {
        return NativeGemm.tryLoad();
    }

    /** The portable Java GEMM, whatever else is installed (for benchmarks and comparisons). */
    static Gemm java() {
        return new JavaGemm(null);
    }
}
