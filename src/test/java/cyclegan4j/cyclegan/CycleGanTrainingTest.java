package cyclegan4j.cyclegan;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny CycleGAN on the CPU: it learns, it is deterministic, it frees every step's memory. */
class CycleGanTrainingTest {

    private static final CpuBackend BE = CpuBackend.get();

    /** Domain A: horizontal stripes, B: vertical stripes, in one of two phases. */
    private static float[] stripes(boolean horizontal, int i, int h, int w) {
        float[] v = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int t = (horizontal ? y : x) + i;
                v[y * w + x] = (t / 2) % 2 == 0 ? 0.8f : -0.8f;
            }
        }
        return v;
    }

    private static List<StepLosses> train(long seed, int steps) {
        CycleGanConfig cfg = CycleGanConfig.defaults().withChannels(1).withResidualBlocks(1).withSeed(seed).withLr(1e-3f);
        List<StepLosses> losses = new ArrayList<>();
        long before = BE.liveBuffers();
        try (CycleGan gan = new CycleGan(BE, cfg)) {
            long afterInit = BE.liveBuffers();
            for (int i = 0; i < steps; i++) {
                try (Scope s = Scope.open()) {
                    Tensor a = Tensor.of(BE, stripes(true, i % 2, 32, 16), 1, 1, 32, 16);
                    Tensor b = Tensor.of(BE, stripes(false, i % 2, 32, 16), 1, 1, 32, 16);
                    losses.add(gan.step(a, b));
                }
                long poolImages = gan.poolA.size() + gan.poolB.size();
                assertEquals(afterInit + poolImages, BE.liveBuffers(), "live buffers after step " + i);
            }
        }
        assertEquals(before, BE.liveBuffers(), "closing the model frees parameters, optimizer state and pools");
        return losses;
    }

    @Test
    void cycleLossFallsAndRunsAreDeterministic() {
        int steps = 30;
        List<StepLosses> run = train(7, steps);
        double first = (run.get(0).cycle() + run.get(1).cycle() + run.get(2).cycle()) / 3;
        double last = (run.get(steps - 1).cycle() + run.get(steps - 2).cycle() + run.get(steps - 3).cycle()) / 3;
        assertTrue(last < 0.5 * first, "cycle loss should fall clearly: first " + first + ", last " + last);

        List<StepLosses> again = train(7, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(run.get(i), again.get(i), "same seed, same losses at step " + i);
        }
    }

    /** Peak bytes of live buffers during the second step of a 64x64, 2-block model. */
    private static long stepPeak(float lambdaId) {
        CycleGanConfig cfg = CycleGanConfig.defaults().withResidualBlocks(2).withLambdas(10f, lambdaId).withSeed(3);
        try (CycleGan gan = new CycleGan(BE, cfg)) {
            long peak = 0;
            for (int i = 0; i < 2; i++) {
                try (Scope s = Scope.open()) {
                    Tensor a = Tensor.randn(BE, new SplittableRandom(i), 0.5f, 1, 3, 64, 64);
                    Tensor b = Tensor.randn(BE, new SplittableRandom(i + 10), 0.5f, 1, 3, 64, 64);
                    long start = BE.memory().liveBytes();
                    BE.memory().resetPeak();
                    gan.step(a, b);
                    peak = BE.memory().peakBytes() - start;
                }
            }
            return peak;
        }
    }

    @Test
    void theIdentityTermDoesNotRaiseThePeak() {
        // The identity passes go back and are freed before the other four generator passes run, so
        // the step's peak is that of the four; kept until the end, they would add half as much again.
        long with = stepPeak(5f), without = stepPeak(0f);
        assertTrue(with <= without * 1.05, "peak with the identity term " + with + " bytes, without " + without);
    }

    @Test
    void theStepHoldsTwoGeneratorPassesAtATime() {
        CycleGanConfig cfg = CycleGanConfig.defaults().withResidualBlocks(2).withSeed(4);
        long step = stepPeak(5f);
        long onePiece;
        try (CycleGan gan = new CycleGan(BE, cfg); Scope s = Scope.open()) {
            // the reference's way: all six generator passes in one graph, one backward pass
            Tensor a = Tensor.randn(BE, new SplittableRandom(1), 0.5f, 1, 3, 64, 64);
            Tensor b = Tensor.randn(BE, new SplittableRandom(11), 0.5f, 1, 3, 64, 64);
            Tensor valid = Tensor.full(BE, 1f, 1, 1, 4, 4);
            long start = BE.memory().liveBytes();
            BE.memory().resetPeak();
            Tensor identity = F.add(F.l1Loss(gan.gBA.forward(a), a), F.l1Loss(gan.gAB.forward(b), b));
            Tensor fakeB = gan.gAB.forward(a), fakeA = gan.gBA.forward(b);
            Tensor adversarial = F.add(F.mseLoss(gan.dB.forward(fakeB), valid), F.mseLoss(gan.dA.forward(fakeA), valid));
            Tensor cycle = F.add(F.l1Loss(gan.gBA.forward(fakeB), a), F.l1Loss(gan.gAB.forward(fakeA), b));
            F.add(F.add(F.mul(adversarial, 0.5f), F.mul(cycle, 5f)), F.mul(identity, 2.5f)).backward();
            onePiece = BE.memory().peakBytes() - start;
        }
        assertTrue(step < 0.5 * onePiece, "step peak " + step + " bytes, the generator loss in one piece " + onePiece);
    }

    /** sqrt of the sum of squares of the parameters' gradients, on the host in double. */
    private static double hostNorm(List<Tensor> params) {
        double sum = 0;
        for (Tensor p : params) {
            for (float g : BE.download(p.grad())) {
                sum += (double) g * g;
            }
        }
        return Math.sqrt(sum);
    }

    @Test
    void gradientNormsAreThoseOfTheStepsGradientsAndChangeNothing() {
        CycleGanConfig cfg = CycleGanConfig.defaults().withChannels(1).withResidualBlocks(1).withSeed(5);
        List<StepLosses> tracked = new ArrayList<>(), plain = new ArrayList<>();
        for (boolean track : new boolean[]{true, false}) {
            try (CycleGan gan = new CycleGan(BE, cfg)) {
                gan.trackGradientNorms(track);
                for (int i = 0; i < 2; i++) {
                    try (Scope s = Scope.open()) {
                        Tensor a = Tensor.of(BE, stripes(true, i, 32, 16), 1, 1, 32, 16);
                        Tensor b = Tensor.of(BE, stripes(false, i, 32, 16), 1, 1, 32, 16);
                        StepLosses l = gan.step(a, b);
                        (track ? tracked : plain).add(l);
                        if (!track) {
                            assertEquals(null, l.gradients());
                            continue;
                        }
                        List<Tensor> g = new ArrayList<>(gan.gAB.parameters());
                        g.addAll(gan.gBA.parameters());
                        StepLosses.GradientNorms n = l.gradients();
                        assertEquals(hostNorm(g), n.g(), 1e-5 * hostNorm(g), "generators' gradient norm, step " + i);
                        assertEquals(hostNorm(gan.dA.parameters()), n.dA(), 1e-5 * n.dA(), "D_A's gradient norm, step " + i);
                        assertEquals(hostNorm(gan.dB.parameters()), n.dB(), 1e-5 * n.dB(), "D_B's gradient norm, step " + i);
                        assertTrue(n.g() > 0 && n.dA() > 0 && n.dB() > 0 && n.dA() != n.dB(), n.toString());
                    }
                }
            }
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(plain.get(i).terms(), tracked.get(i).terms(), "the norms change no loss, step " + i);
        }
    }
}
