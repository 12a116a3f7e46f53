package cyclegan4j.backend.cpu;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

    /**
     * The file of the BLAS that the binding loaded when it is netlib's reference implementation
     * (Debian's libblas3: plain loops, 10-30 times slower than the Java GEMM here), else null: an
     * optimised BLAS (OpenBLAS, BLIS, MKL, ATLAS, also behind FlexiBLAS), or no way to tell (not Linux).
     * Read off the libraries mapped into this process, since libblas.so.3 may be any of them.
     */
    static String referenceBlas() {
        try {
            return referenceBlas(Files.readAllLines(Path.of("/proc/self/maps")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@link #referenceBlas()} for the lines of a /proc/PID/maps. */
    static String referenceBlas(List<String> maps) {
        String blas = null;
        for (String line : maps) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash).trim(), lower = path.toLowerCase(Locale.ROOT);
            String name = lower.substring(lower.lastIndexOf('/') + 1);
            if (!name.contains(".so")) {
                continue;
            }
            for (String optimised : List.of("openblas", "blis", "mkl", "atlas")) {
                if (lower.contains(optimised)) {
                    return null;
                }
            }
            if (name.startsWith("libblas.so") || name.startsWith("libflexiblas_netlib")) {
                blas = path;
            }
        }
        return blas;
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
