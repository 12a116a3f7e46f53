package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.nn.Adam;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A small CycleGAN-like model (ResNet generator with 2 residual blocks, PatchGAN discriminator,
 * 1x3x64x64) with identical weights on both backends (same seed: parameters are drawn on the host
 * and uploaded), three training steps of forward / backward / Adam: losses, gradients and
 * parameters compared. Also the leak check: every step's scope gives back every buffer, and after
 * the first step the pool serves every allocation without calling cuMemAlloc.
 */
@Tag("gpu")
class ModelParityTest {

    private static final float LR = 2e-4f;
    private static final int STEPS = 3;

    /** Everything one backend produced. */
    private static final class Run {
        final List<Float> losses = new ArrayList<>();
        final List<Map<String, float[]>> grads = new ArrayList<>();
        Map<String, float[]> params;
        final List<Long> liveAfterStep = new ArrayList<>();
        long liveBefore;
    }

    private static Map<String, float[]> snapshot(Map<String, Tensor> named, boolean grad) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        named.forEach((k, t) -> out.put(k, grad ? t.gradArray() : t.toArray()));
        return out;
    }

    private static Run train(Backend be) {
        Run run = new Run();
        GeneratorResNet g = new GeneratorResNet(be, 3, 2, new SplittableRandom(11));
        Discriminator d = new Discriminator(be, 3, new SplittableRandom(12));
        Adam optG = new Adam(g.parameters(), LR, 0.5f, 0.999f);
        Adam optD = new Adam(d.parameters(), LR, 0.5f, 0.999f);
        SplittableRandom data = new SplittableRandom(13);
        run.liveBefore = be.liveBuffers();
        try {
            for (int step = 0; step < STEPS; step++) {
                float[] xa = new float[3 * 64 * 64], xb = new float[3 * 64 * 64];
                for (int i = 0; i < xa.length; i++) {
                    xa[i] = (float) (data.nextDouble() * 2 - 1);
                    xb[i] = (float) (data.nextDouble() * 2 - 1);
                }
                try (Scope ignored = Scope.open()) {
                    Tensor a = Tensor.of(be, xa, 1, 3, 64, 64), b = Tensor.of(be, xb, 1, 3, 64, 64);
                    // generator: adversarial (LSGAN) + cycle-like L1
                    optG.zeroGrad();
                    Tensor fake = g.forward(a);
                    Tensor pred = d.forward(fake);
                    Tensor lossG = F.add(F.mseLoss(pred, Tensor.full(be, 1f, pred.shape())), F.mul(F.l1Loss(fake, b), 10f));
                    lossG.backward();
                    run.grads.add(snapshot(g.namedParameters(), true));
                    optG.step();
                    // discriminator
                    optD.zeroGrad();
                    Tensor predReal = d.forward(b);
                    Tensor predFake = d.forward(fake.detach());
                    Tensor lossD = F.mul(F.add(F.mseLoss(predReal, Tensor.full(be, 1f, predReal.shape())),
                            F.mseLoss(predFake, Tensor.full(be, 0f, predFake.shape()))), 0.5f);
                    lossD.backward();
                    run.grads.add(snapshot(d.namedParameters(), true));
                    optD.step();
                    run.losses.add(lossG.item());
                    run.losses.add(lossD.item());
                }
                run.liveAfterStep.add(be.liveBuffers());
            }
            Map<String, float[]> params = snapshot(g.namedParameters(), false);
            snapshot(d.namedParameters(), false).forEach((k, v) -> params.put("D." + k, v));
            run.params = params;
        } finally {
            optG.close();
            optD.close();
            g.close();
            d.close();
        }
        return run;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void threeTrainingStepsMatchTheCpu() {
        CudaBackend gpu = GpuSupport.cuda();
        long liveAtStart = gpu.liveBuffers();
        Run want = train(CpuBackend.get());
        long allocsBefore = gpu.poolAllocCalls();
        Run got = train(gpu);

        for (int i = 0; i < want.losses.size(); i++) {
            float w = want.losses.get(i), h = got.losses.get(i);
            if (Math.abs(w - h) > 1e-5 + 2e-3 * Math.abs(w)) {
                fail("loss " + i + " (step " + i / 2 + (i % 2 == 0 ? ", G" : ", D") + "): cpu " + w + " cuda " + h);
            }
        }
        for (int i = 0; i < want.grads.size(); i++) {
            double globalMax = 0;
            for (float[] w : want.grads.get(i).values()) {
                globalMax = Math.max(globalMax, maxAbs(w));
            }
            for (Map.Entry<String, float[]> e : want.grads.get(i).entrySet()) {
                float[] w = e.getValue();
                // conv biases in front of an instance norm have a zero gradient in exact arithmetic:
                // both sides are rounding noise there, hence the term scaled by the step's largest gradient
                Parity.compare("grad of " + e.getKey() + " at step " + i / 2, w, got.grads.get(i).get(e.getKey()),
                        2e-3 * maxAbs(w) + 1e-4 * globalMax, 5e-3);
            }
        }
        // Adam turns the sign of a tiny noisy gradient into a full +-lr step, so a parameter whose
        // gradient is rounding noise (those biases) may differ by up to 2 lr per step; all others
        // must agree closely.
        for (Map.Entry<String, float[]> e : want.params.entrySet()) {
            Parity.compare("param " + e.getKey() + " after " + STEPS + " steps", e.getValue(), got.params.get(e.getKey()),
                    2 * LR * STEPS + 1e-6, 0);
            float[] w = e.getValue(), h = got.params.get(e.getKey());
            int loose = 0;
            for (int i = 0; i < w.length; i++) {
                if (Math.abs(w[i] - h[i]) > 1e-5 + 1e-3 * Math.abs(w[i])) {
                    loose++;
                }
            }
            if (!e.getKey().endsWith("bias") && loose > w.length / 1000 + 1) {
                fail("param " + e.getKey() + ": " + loose + " of " + w.length + " values differ by more than 1e-5 + 1e-3|ref|");
            }
        }

        // leaks and pool reuse
        for (long live : got.liveAfterStep) {
            assertEquals(got.liveBefore, live, "live buffers after a step's scope closed");
        }
        assertEquals(liveAtStart, gpu.liveBuffers(), "live buffers after the model and optimisers were closed");
        long allocsAfter = gpu.poolAllocCalls();
        Run again = train(gpu); // the same work once more: the pool must serve all of it
        assertEquals(allocsAfter, gpu.poolAllocCalls(), "cuMemAlloc calls in a warm run (pool misses)");
        // our kernels are deterministic; cuDNN's chosen algorithms may add with atomics (last bits)
        for (int i = 0; i < got.losses.size(); i++) {
            assertEquals(got.losses.get(i), again.losses.get(i), 1e-5 * Math.abs(got.losses.get(i)) + 1e-7,
                    "loss " + i + " of two identical GPU runs");
        }
        System.out.printf("model parity: cuMemAlloc calls first run %d, warm run 0; pool in use %s, cached %s%n",
                allocsAfter - allocsBefore, DevicePool.mib(gpu.poolInUseBytes()), DevicePool.mib(gpu.poolCachedBytes()));
    }
}
