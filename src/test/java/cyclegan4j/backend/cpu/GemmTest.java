package cyclegan4j.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Both GEMMs (Java, and native when installed) against a triple loop: every transpose, offsets, padded leading dimensions, alpha and beta. */
class GemmTest {

    @Test
    void matchesTripleLoop() {
        List<Gemm> gemms = new ArrayList<>(List.of(Gemm.java()));
        Gemm nat = Gemm.nativeBlas();
        if (nat != null) {
            gemms.add(nat);
        }
        SplittableRandom rng = new SplittableRandom(3);
        int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {17, 1030, 261}, {64, 33, 4}, {5, 2100, 515}};
        for (Gemm g : gemms) {
            for (int[] mnk : sizes) {
                for (int t = 0; t < 4; t++) {
                    check(g, rng, mnk[0], mnk[1], mnk[2], (t & 1) != 0, (t & 2) != 0);
                }
            }
        }
    }

    private static void check(Gemm g, SplittableRandom rng, int m, int n, int k, boolean ta, boolean tb) {
        int pad = 3, off = 2;
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        float[] a = random(rng, off + (ta ? k : m) * lda), b = random(rng, off + (tb ? n : k) * ldb);
        float[] c = random(rng, off + m * ldc), want = c.clone();
        float alpha = 0.75f, beta = 0.5f;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[off + (ta ? p * lda + i : i * lda + p)] * b[off + (tb ? j * ldb + p : p * ldb + j)];
                }
                want[off + i * ldc + j] = (float) (alpha * s + beta * c[off + i * ldc + j]);
            }
        }
        g.sgemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
        String what = g.name() + " m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb;
        for (int i = 0; i < c.length; i++) {
            assertEquals(want[i], c[i], 1e-4f * (1 + (float) Math.sqrt(k)), what + " index " + i);
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }
    /** netlib's reference BLAS, 10-30 times slower than the Java GEMM, is told from the optimised ones by what is mapped. */
    @Test
    void theReferenceBlasIsRecognisedAndPassedOver() {
        String jni = "7f00-7f10 r-xp 00000000 00:1f 12 /tmp/libnetlibblasjni.so4801102771428072046";
        String reference = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0";
        assertEquals(reference, NativeGemm.referenceBlas(List.of(jni, "7f20-7f30 r-xp 00000000 fe:01 99   " + reference)));
        for (String optimised : List.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
                "/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3", "/usr/lib64/libflexiblas_openblas-openmp.so",
                "/opt/intel/oneapi/mkl/lib/libmkl_rt.so.2", "/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3")) {
            List<String> maps = new ArrayList<>(List.of(jni, "7f20-7f30 r-xp 00000000 fe:01 99 " + optimised));
            if (optimised.contains("flexiblas")) {
                maps.add("7f40-7f50 r-xp 00000000 fe:01 98 /usr/lib64/libflexiblas.so.3");
            }
            assertEquals(null, NativeGemm.referenceBlas(maps), optimised);
        }
        assertEquals("/usr/lib64/flexiblas/libflexiblas_netlib.so", NativeGemm.referenceBlas(List.of(
                "1-2 r-xp 0 0 1 /usr/lib64/libflexiblas.so.3", "3-4 r-xp 0 0 2 /usr/lib64/flexiblas/libflexiblas_netlib.so")));
        assertEquals(null, NativeGemm.referenceBlas(List.of(jni, "1-2 rw-p 0 0 0 [heap]")), "no BLAS mapped: nothing to say");
        assertEquals(null, NativeGemm.referenceBlas(List.of("1-2 r--p 0 0 3 /usr/share/doc/openblas-notes.txt",
                "3-4 r-xp 0 0 2 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")));
    }
}
