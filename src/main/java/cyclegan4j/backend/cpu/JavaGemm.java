package cyclegan4j.backend.cpu;

/**
 * A portable cache-blocked GEMM in plain Java, used when no native BLAS is installed.
 *
 * <p>op(B) is packed, one k x n block at a time, into row arrays so that the inner loop uses the
 * same index on every array, which C2 auto-vectorizes (with different offsets it does not). The
 * inner loop adds four rows of B at once, {@code c[j] += a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]},
 * so each pass over the C row does four multiply-adds per load/store of C instead of one.
 * On 2 busy cores at M=256 N=4096 K=2304 that measured 1.1-1.4x one row of B at a time
 * (best of interleaved rounds: 40 vs 37, 37.5 vs 31, 48 vs 40 GFLOP/s; benchmarks/RESULTS.md).
 * Not used: Math.fma (5-10% more where the CPU has FMA, a very slow software routine where it
 * has not); two rows of C per pass (C2 then stops vectorizing); eight rows of B (slower);
 * jdk.incubator.vector (needs --add-modules in every launcher; issue 2 measured ~59 GFLOP/s with
 * it on this class of machine, against ~40-48 here). Rows of C are split across cores.
 */
final class JavaGemm implements Gemm {

    private static final int KB = 256; // k-block: one packed panel of B stays in L2
    private static final int NB = 1024; // n-block: a row slice of C and B stays in L1/L2

    /** Why the Java GEMM is used although a native BLAS loaded, or null. */
    private final String note;

    JavaGemm(String note) {
        this.note = note;
    }

    @Override
    public String name() {
        return note == null ? "Java GEMM" : "Java GEMM (" + note + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        for (int nb = 0; nb < n; nb += NB) {
            int nw = Math.min(NB, n - nb);
            float[][] cRows = new float[m][];
            for (int kb = 0; kb < k; kb += KB) {
                int kw = Math.min(KB, k - kb);
                float[][] bRows = packB(transB, b, bOff, ldb, kb, kw, nb, nw);
                int kStart = kb;
                Parallel.forEach(m, (long) kw * nw, i -> {
                    float[] acc = cRows[i];
                    if (acc == null) {
                        acc = new float[nw];
                        cRows[i] = acc;
                    }
                    int p = 0;
                    for (; p + 4 <= kw; p += 4) {
                        int kk = kStart + p;
                        float a0 = alpha * element(transA, a, aOff, lda, i, kk);
                        float a1 = alpha * element(transA, a, aOff, lda, i, kk + 1);
                        float a2 = alpha * element(transA, a, aOff, lda, i, kk + 2);
                        float a3 = alpha * element(transA, a, aOff, lda, i, kk + 3);
                        float[] b0 = bRows[p], b1 = bRows[p + 1], b2 = bRows[p + 2], b3 = bRows[p + 3];
                        for (int j = 0; j < nw; j++) {
                            acc[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
                        }
                    }
                    for (; p < kw; p++) {
                        float av = alpha * element(transA, a, aOff, lda, i, kStart + p);
                        float[] bRow = bRows[p];
                        for (int j = 0; j < nw; j++) {
                            acc[j] += av * bRow[j];
                        }
                    }
                });
            }
            int nStart = nb;
            Parallel.forEach(m, nw, i -> {
                float[] acc = cRows[i];
                int row = cOff + i * ldc + nStart;
                for (int j = 0; j < nw; j++) {
                    float old = beta == 0f ? 0f : beta * c[row + j];
                    c[row + j] = old + (acc == null ? 0f : acc[j]);
                }
            });
        }
    }

    /** op(A)[row][col]. */
    private static float element(boolean trans, float[] a, int off, int ld, int row, int col) {
        return trans ? a[off + col * ld + row] : a[off + row * ld + col];
    }

    /** Rows kb..kb+kw of op(B), columns nb..nb+nw, as separate arrays. */
    private static float[][] packB(boolean transB, float[] b, int bOff, int ldb, int kb, int kw, int nb, int nw) {
        float[][] rows = new float[kw][nw];
        for (int p = 0; p < kw; p++) {
            float[] r = rows[p];
            int kk = kb + p;
            if (transB) {
                for (int j = 0; j < nw; j++) {
                    r[j] = b[bOff + (nb + j) * ldb + kk];
                }
            } else {
                System.arraycopy(b, bOff + kk * ldb + nb, r, 0, nw);
            }
        }
        return rows;
    }
}
