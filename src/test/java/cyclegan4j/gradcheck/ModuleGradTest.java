package cyclegan4j.gradcheck;

import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.cyclegan.ResidualBlock;
import cyclegan4j.nn.Conv2d;
import cyclegan4j.nn.Layers;
import cyclegan4j.nn.Module;
import cyclegan4j.nn.Sequential;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static cyclegan4j.gradcheck.Inputs.CPU;
import static cyclegan4j.gradcheck.Inputs.leaf;

/**
 * Gradient checks through the nn modules and the CycleGAN networks, on their parameters (sampled)
 * and their input.
 *
 * <p>The parameters are re-drawn before each check (weights N(0, 1/fan_in), biases N(0, 0.1)): at the
 * reference initialisation N(0, 0.02) the conv outputs feeding an instance norm have standard
 * deviations down to ~1e-3 in some channels, so a step of eps = 1e-3 in one weight is not small (the
 * measured "gradients" there were off by 30% from pure curvature and from ReLU kinks crossed after the
 * norm). The backward code paths are the same for any values; only the conditioning changes.
 *
 * <p>Tolerances. The networks stack ReLU / LeakyReLU on instance-normalised planes, so a step of one
 * weight moves many pre-activations and some cross 0; {@link GradCheck} widens each coordinate's
 * allowance by the measured second difference (exact for one kink), but several kinks can cancel in
 * it, hence rtol 3e-2 to 5e-2 here instead of 1e-2. The float32 noise floor of the numeric derivative
 * was measured by varying eps from 1e-4 to 3e-2 on coordinates whose true gradient is 0 (a conv bias
 * followed by instance norm): about 1e-2 for the generator (hundreds of outputs through ~20 layers),
 * about 2e-3 for the discriminator (4 outputs), hence atol 2e-2 and 5e-3. The gradients themselves are
 * of order 0.1 to 10, and every planted backward bug produced errors far above these bounds.
 * The generator's checks also allow 3% outliers (at most 50% off): perturbing one input pixel moves
 * every later layer, which is where the seeded samples still met a cancelled kink pair.
 */
class ModuleGradTest {

    /** Re-draws every conv weight with std 1/sqrt(fan_in) and every bias with std 0.1 (see the class comment). */
    static <M extends Module> M wellConditioned(M m, SplittableRandom rng) {
        for (Tensor p : m.parameters()) {
            float std = p.rank() == 4 ? (float) (1.0 / Math.sqrt(p.dim(1) * p.dim(2) * p.dim(3))) : 0.1f;
            float[] v = new float[Math.toIntExact(p.numel())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (Tensor.gaussian(rng) * std);
            }
            p.backend().upload(p.data(), v);
        }
        return m;
    }

    /** Parameters plus the input, in a fixed order. */
    private static Map<String, Tensor> paramsAndInput(Module m, Tensor x) {
        Map<String, Tensor> all = new LinkedHashMap<>(m.namedParameters());
        all.put("input", x);
        return all;
    }

    @Test
    void sequentialOfLayers() {
        SplittableRandom rng = new SplittableRandom(41);
        try (Sequential net = wellConditioned(new Sequential(
                new Layers.ReflectionPad2d(2, 1, 1, 2),
                new Conv2d(CPU, 2, 4, 3, 1, 0, rng),
                new Layers.InstanceNorm2d(),
                new Layers.LeakyReLU(0.2f, true),
                new Layers.Upsample(2),
                new Conv2d(CPU, 4, 3, 4, 2, 1, rng),
                new Layers.ZeroPad2d(1, 0, 1, 0),
                new Layers.Tanh()), rng);
             Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, 2, 2, 5, 3);
            report(GradCheck.named("Sequential(pad, conv, IN, lrelu, up, conv, zeropad, tanh)").samples(24).rtol(3e-2)
                    .check(() -> net.forward(x), paramsAndInput(net, x)));
        }
    }

    @Test
    void residualBlock() {
        SplittableRandom rng = new SplittableRandom(43);
        try (ResidualBlock block = wellConditioned(new ResidualBlock(CPU, 3, rng), rng); Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, 2, 3, 5, 6);
            report(GradCheck.named("ResidualBlock(3) on 2x3x5x6").samples(24).rtol(3e-2)
                    .check(() -> block.forward(x), paramsAndInput(block, x)));
        }
    }

    @Test
    void generatorRgb12x8() {
        SplittableRandom rng = new SplittableRandom(47);
        try (GeneratorResNet g = wellConditioned(new GeneratorResNet(CPU, 3, 1, rng), rng); Scope s = Scope.open()) {
            Tensor x = leaf(rng, 0.5f, 1, 3, 12, 8);
            report(GradCheck.named("GeneratorResNet(3 ch, 1 block) on 12x8").samples(6).rtol(5e-2).atol(2e-2).outliers(0.03)
                    .check(() -> g.forward(x), paramsAndInput(g, x)));
        }
    }

    @Test
    void generatorGray8x8() {
        SplittableRandom rng = new SplittableRandom(53);
        try (GeneratorResNet g = wellConditioned(new GeneratorResNet(CPU, 1, 1, rng), rng); Scope s = Scope.open()) {
            Tensor x = leaf(rng, 0.5f, 2, 1, 8, 8);
            report(GradCheck.named("GeneratorResNet(1 ch, 1 block) on 2x1x8x8").samples(6).rtol(5e-2).atol(2e-2).outliers(0.03)
                    .check(() -> g.forward(x), paramsAndInput(g, x)));
        }
    }

    @Test
    void discriminator32x32() {
        SplittableRandom rng = new SplittableRandom(59);
        try (Discriminator d = wellConditioned(new Discriminator(CPU, 3, rng), rng); Scope s = Scope.open()) {
            Tensor x = leaf(rng, 0.5f, 1, 3, 32, 32);
            report(GradCheck.named("Discriminator(3) on 32x32").samples(8).rtol(3e-2).atol(5e-3)
                    .check(() -> d.forward(x), paramsAndInput(d, x)));
        }
    }

    @Test
    void discriminator32x16Input() {
        SplittableRandom rng = new SplittableRandom(61);
        try (Discriminator d = wellConditioned(new Discriminator(CPU, 1, rng), rng); Scope s = Scope.open()) {
            Tensor x = leaf(rng, 0.5f, 2, 1, 32, 16);
            report(GradCheck.named("Discriminator(1) on 2x1x32x16").samples(8).rtol(3e-2).atol(5e-3)
                    .check(() -> d.forward(x), paramsAndInput(d, x)));
        }
    }

    static void report(GradCheck.Result r) {
        System.out.println("  " + r);
    }
}
