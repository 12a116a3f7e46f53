package cyclegan4j.backend.cpu;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * SGEMM from the system BLAS (libblas.so.3, e.g. Debian's OpenBLAS) through netlib-java's JNI
 * binding. BLAS is column-major: a row-major product C = A B is the column-major C^T = B^T A^T,
 * so the operands swap places.
 */
final class NativeGemm implements Gemm {

    private final BLAS blas;

    private NativeGemm(BLAS blas) {
        this.blas = blas;
    }

    /** The native binding, or null when no native BLAS is installed. */
    static Gemm tryLoad() {
        Logger log = Logger.getLogger("dev.ludovic.netlib.blas");
        Level previous = log.getLevel();
        log.setLevel(Level.OFF); // its own warning is noisy; the caller reports which GEMM is used
        try {
            return new NativeGemm(NativeBLAS.getInstance());
        } catch (Throwable e) {
            return null;
        } finally {
            log.setLevel(previous);
        }
    }

    @Override
    public String name() {
        return "native BLAS (" + blas.getClass().getSimpleName() + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }
}
