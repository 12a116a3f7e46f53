package cyclegan4j.backend.cpu;

/**
 * A portable cache-blocked GEMM in plain Java, used when no native BLAS is installed.
 *
 * <p>op(A) and op(B) are packed into row arrays so that the inner loop
 * {@code c[j] += a * b[j]} uses the same index on both sides, which C2 auto-vectorizes (with
 * different offsets it does not). Rows of C are split across cores.
 */
final class JavaGemm implements Gemm {

    private static final int KB = 256; // k-block: one packed panel of B stays in L2
    private static final int NB = 1024; // n-block: a row slice of C and B stays in L1/L2

    @Override
    public String name() {
        return "Java GEMM (no native BLAS found)";
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
                    for (int p = 0; p < kw; p++) {
                        int kk = kStart + p;
                        float av = alpha * (transA ? a[aOff + kk * lda + i] : a[aOff + i * lda + kk]);
                        if (av == 0f) {
                            continue;
                        }
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
