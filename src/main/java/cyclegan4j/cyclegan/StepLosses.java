package cyclegan4j.cyclegan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss values of one training step, as the reference logs them: the generator total and its
 * three terms (each averaged over the two directions), and the discriminator loss (mean of D_A, D_B).
 */
public record StepLosses(float g, float gan, float cycle, float identity, float d) {

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

    /** The name of the first term that is NaN or infinite, or null when all are finite. */
    public String firstNonFinite() {
        for (Map.Entry<String, Float> e : terms().entrySet()) {
            if (!Float.isFinite(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }
}
