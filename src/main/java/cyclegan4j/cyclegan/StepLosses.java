package cyclegan4j.cyclegan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss values of one training step, as the reference logs them: the generator total and its
 * three terms (each averaged over the two directions), and the discriminator loss (mean of D_A, D_B).
 * With {@link CycleGan#trackGradientNorms}, also the L2 norms of the step's gradients (else null).
 */
public record StepLosses(float g, float gan, float cycle, float identity, float d, GradientNorms gradients) {

    /**
     * The L2 norm of all parameter gradients of the two generators together (the gradient of loss_G,
     * lambda-weighted, that their Adam step used), of D_A's and of D_B's.
     */
    public record GradientNorms(float g, float dA, float dB) {

        /** Norms by name, in logging order. */
        public Map<String, Float> terms() {
            Map<String, Float> m = new LinkedHashMap<>();
            m.put("grad_norm_G", g);
            m.put("grad_norm_D_A", dA);
            m.put("grad_norm_D_B", dB);
            return m;
        }
    }

    public StepLosses(float g, float gan, float cycle, float identity, float d) {
        this(g, gan, cycle, identity, d, null);
    }

    /** Terms by name, in logging order. */
    public Map<String, Float> terms() {
        Map<String, Float> m = new LinkedHashMap<>();
        m.put("loss_G", g);
        m.put("loss_GAN", gan);
        m.put("loss_cycle", cycle);
        m.put("loss_identity", identity);
        m.put("loss_D", d);
        return m;
    }

    /** The name of the first loss or gradient norm that is NaN or infinite, or null when all are finite. */
    public String firstNonFinite() {
        Map<String, Float> all = terms();
        if (gradients != null) {
            all.putAll(gradients.terms());
        }
        for (Map.Entry<String, Float> e : all.entrySet()) {
            if (!Float.isFinite(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The value of a term of {@link #terms()} or of the gradient norms, by name. */
    public float value(String name) {
        Float v = terms().get(name);
        if (v == null && gradients != null) {
            v = gradients.terms().get(name);
        }
        if (v == null) {
            throw new IllegalArgumentException("no term " + name);
        }
        return v;
    }
}
