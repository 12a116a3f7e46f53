package cyclegan4j.nn;

/** torch.optim.Adam's update (no weight decay, no amsgrad) in double, for the tests to check against. */
public final class AdamReference {

    private AdamReference() {
    }

    /**
     * One step in place: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
     * p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps), with bc = 1 - beta^step.
     */
    public static void step(double[] p, double[] m, double[] v, double[] g, int step,
                            double lr, double b1, double b2, double eps) {
        double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < p.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
        }
    }
}
