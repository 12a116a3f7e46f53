package cyclegan4j.gradcheck;

import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static cyclegan4j.gradcheck.Inputs.CPU;
import static cyclegan4j.gradcheck.Inputs.awayFromZero;
import static cyclegan4j.gradcheck.Inputs.constant;
import static cyclegan4j.gradcheck.Inputs.leaf;

/**
 * Gradient checks of loss composites shaped like the CycleGAN step: least-squares GAN losses against
 * all-ones / all-zeros targets, L1 cycle and identity losses weighted by lambda, sums and averages,
 * with one tensor feeding several terms (its gradients must accumulate).
 */
class LossCompositeGradTest {

    private final SplittableRandom rng = new SplittableRandom(71);

    /** A leaf equal to {@code base} plus a perturbation at least 0.05 from zero (so |leaf - base| has no kink nearby). */
    private Tensor near(Tensor base) {
        float[] b = base.toArray(), d = Inputs.values(rng, 0.05f, b.length);
        for (int i = 0; i < b.length; i++) {
            d[i] = b[i] + 0.3f * d[i];
        }
        return Tensor.of(CPU, d, base.shape()).requiresGrad(true);
    }

    @Test
    void generatorLoss() {
        try (Scope s = Scope.open()) {
            Tensor real = Tensor.randn(CPU, rng, 0.5f, 2, 3, 4, 5);
            Tensor predFake = leaf(rng, 1f, 2, 1, 2, 2);    // D_B(G_AB(real_A))
            Tensor predFake2 = leaf(rng, 1f, 2, 1, 2, 2);   // D_A(G_BA(real_B))
            Tensor rec = near(real);                         // G_BA(G_AB(real_A))
            Tensor idt = near(real);                         // G_BA(real_A)
            Tensor ones = constant(1f, 2, 1, 2, 2);
            Map<String, Tensor> in = GradCheck.inputs("predFake", predFake, "predFake2", predFake2, "rec", rec, "idt", idt);
            GradCheck.named("loss_G = (gan1 + gan2)/2 + 10 cycle + 5 identity").check(() -> {
                Tensor gan = F.mul(F.add(F.mseLoss(predFake, ones), F.mseLoss(predFake2, ones)), 0.5f);
                Tensor cycle = F.mul(F.l1Loss(rec, real), 10f);
                Tensor identity = F.mul(F.l1Loss(idt, real), 5f);
                return F.add(F.add(gan, cycle), identity);
            }, in);
        }
    }

    @Test
    void discriminatorLoss() {
        try (Scope s = Scope.open()) {
            Tensor predReal = leaf(rng, 1f, 2, 1, 2, 3);
            Tensor predFake = leaf(rng, 1f, 2, 1, 2, 3);
            Tensor ones = constant(1f, 2, 1, 2, 3);
            Tensor zeros = constant(0f, 2, 1, 2, 3);
            GradCheck.named("loss_D = (mse(real, 1) + mse(fake, 0)) / 2").check(
                    () -> F.mul(F.add(F.mseLoss(predReal, ones), F.mseLoss(predFake, zeros)), 0.5f),
                    GradCheck.inputs("predReal", predReal, "predFake", predFake));
        }
    }

    @Test
    void oneTensorFeedsSeveralTerms() {
        try (Scope s = Scope.open()) {
            Tensor x = awayFromZero(rng, 0.05f, 1, 2, 3, 3);
            Tensor zeros = constant(0f, 1, 2, 3, 3);
            Tensor ones = constant(1f, 1, 2, 3, 3);
            GradCheck.named("mean(x) + mse(tanh(x), 1) + 3 l1(x, 0)").check(
                    () -> F.add(F.add(F.mean(x), F.mseLoss(F.tanh(x), ones)), F.mul(F.l1Loss(x, zeros), 3f)), x);
        }
    }

    @Test
    void ganLossThroughDiscriminator() {
        SplittableRandom r = new SplittableRandom(73);
        try (Discriminator d = ModuleGradTest.wellConditioned(new Discriminator(CPU, 1, r), r); Scope s = Scope.open()) {
            Tensor real = Tensor.randn(CPU, r, 0.5f, 1, 1, 32, 32);
            Tensor fake = near(real);
            Tensor ones = constant(1f, 1, 1, 2, 2);
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("fake", fake);
            in.put("model.0.weight", d.namedParameters().get("model.0.weight"));
            in.put("model.5.weight", d.namedParameters().get("model.5.weight"));
            in.put("model.12.weight", d.namedParameters().get("model.12.weight"));
            in.put("model.12.bias", d.namedParameters().get("model.12.bias"));
            // tolerances as for the discriminator in ModuleGradTest
            GradCheck.named("mse(D(fake), 1) + 10 l1(fake, real)").samples(12).rtol(3e-2).atol(5e-3).check(
                    () -> F.add(F.mseLoss(d.forward(fake), ones), F.mul(F.l1Loss(fake, real), 10f)), in);
        }
    }
}
