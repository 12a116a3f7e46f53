package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.nn.Adam;
import cyclegan4j.nn.AdamReference;
import cyclegan4j.nn.Module;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A small CycleGAN-like model (ResNet generator with 2 residual blocks, PatchGAN discriminator,
 * 1x3x64x64) with identical weights on both backends (same seeds: parameters are drawn on the host
 * and uploaded), three training steps of forward / backward / Adam; losses, every gradient and the
 * parameters after each Adam step are compared.
 *
 * <p>Before each step the GPU model takes the CPU model's parameters and Adam moments. Without
 * that the comparison is meaningless after the first step: Adam's first update is lr * sign(g) for
 * every element, so a gradient that is rounding noise (conv biases in front of an instance norm
 * have a zero gradient in exact arithmetic) moves by +-lr on either side, and the next step's
 * gradients depend strongly on such moves (measured on the CPU alone: moving one weight by 4e-4
 * changes step-2 gradients by up to 1% of their largest value).
 *
 * <p>Gradients must match element by element within 1e-3 of the tensor's largest value, with one
 * allowance. A ReLU whose input lies within rounding of zero may pass or block its gradient
 * depending on the last bit of the forward pass, and every gradient below it changes with it.
 * Measured 2026-11-27 on this test's model and data: the CPU with OpenBLAS's generic or Haswell
 * kernel, the CPU with the Java GEMM and the fake GPU agree on every weight gradient within 1e-5 in
 * norm, while the CPU with OpenBLAS's SkylakeX kernel (itself accurate to 8e-7 on every GEMM shape
 * of the model) is 1.4% away on the first residual block's first convolution and every layer
 * below it, and exact above it: the signature of one ReLU input of that block (16x16x256) landing
 * on the other side of zero. The PyTorch reference shows such a flip directly between its fp32 and
 * float64 runs (one input of 262,144 at 1.6e-7 from zero; 1.5e-3 in norm below it, 2e-6 above).
 * A tensor that fails the tight check therefore still passes within 5% in norm (not element by
 * element: the weights right at the flip move by up to a fifth of their largest value), which a
 * wrong kernel or a mixed-up buffer exceeds by far (a halved gradient accumulation fails it). The
 * test prints every tensor that needed the allowance.
 *
 * <p>Parameters after the step are held to two checks: within twice Adam's largest update of the
 * CPU's (where a gradient is rounding noise Adam moves it by about lr either way), and equal, to
 * fp32 rounding, to torch.optim.Adam's update applied to the device's own gradient and the moments
 * both sides started from. An element-wise comparison with the CPU's parameters cannot be
 * tighter than the gradients': where the first moment nearly cancels (m = 0.5 m_prev + 0.5 g), a
 * gradient difference of 1e-3 of the tensor's largest value moves the update by a tenth of lr.
 *
 * <p>Also the leak and pool checks: every step's scope gives back every buffer, and a second run
 * of the same work is served by the pool without a single cuMemAlloc.
 */
@Tag("gpu")
class ModelParityTest {

    private static final float LR = 2e-4f;
    private static final int STEPS = 3;
    /** Kink allowance: a gradient that fails the tight check may still pass within this in norm. */
    private static final double KINK_NORM_REL = 5e-2;

    /** G, D and their optimisers on one backend. */
    private static final class Model implements AutoCloseable {
        final Backend be;
        final GeneratorResNet g;
        final Discriminator d;
        final Adam optG;
        final Adam optD;

        Model(Backend be) {
            this.be = be;
            g = new GeneratorResNet(be, 3, 2, new SplittableRandom(11));
            d = new Discriminator(be, 3, new SplittableRandom(12));
            optG = new Adam(g.parameters(), LR, 0.5f, 0.999f);
            optD = new Adam(d.parameters(), LR, 0.5f, 0.999f);
        }

        /** Takes over another model's parameters and Adam moments. */
        void copyStateFrom(Model o) {
            for (Adam[] pair : new Adam[][]{{optG, o.optG}, {optD, o.optD}}) {
                List<Tensor> mine = pair[0].params(), theirs = pair[1].params();
                for (int i = 0; i < mine.size(); i++) {
                    be.upload(mine.get(i).data(), theirs.get(i).toArray());
                    be.upload(pair[0].expAvg(i), o.be.download(pair[1].expAvg(i)));
                    be.upload(pair[0].expAvgSq(i), o.be.download(pair[1].expAvgSq(i)));
                }
            }
        }

        /** Parameters ("param N") and Adam moments ("m N", "v N") as they are now. */
        Map<String, float[]> state() {
            Map<String, float[]> out = new LinkedHashMap<>();
            putState(out, "G.", g, optG);
            putState(out, "D.", d, optD);
            return out;
        }

        private void putState(Map<String, float[]> out, String prefix, Module net, Adam opt) {
            List<String> names = List.copyOf(net.namedParameters().keySet()); // the optimiser's order
            for (int i = 0; i < names.size(); i++) {
                String k = prefix + names.get(i);
                out.put("param " + k, opt.params().get(i).toArray());
                out.put("m " + k, be.download(opt.expAvg(i)));
                out.put("v " + k, be.download(opt.expAvgSq(i)));
            }
        }

        /** One G step and one D step; returns losses, gradients and the parameters after Adam. */
        Map<String, float[]> step(float[] xa, float[] xb) {
            Map<String, float[]> out = new LinkedHashMap<>();
            try (Scope ignored = Scope.open()) {
                Tensor a = Tensor.of(be, xa, 1, 3, 64, 64), b = Tensor.of(be, xb, 1, 3, 64, 64);
                optG.zeroGrad(); // generator: adversarial (LSGAN) + cycle-like L1
                Tensor fake = g.forward(a);
                Tensor pred = d.forward(fake);
                Tensor lossG = F.add(F.mseLoss(pred, Tensor.full(be, 1f, pred.shape())), F.mul(F.l1Loss(fake, b), 10f));
                lossG.backward();
                g.namedParameters().forEach((k, t) -> out.put("grad G." + k, t.gradArray()));
                optG.step();
                optD.zeroGrad(); // discriminator
                Tensor predReal = d.forward(b);
                Tensor predFake = d.forward(fake.detach());
                Tensor lossD = F.mul(F.add(F.mseLoss(predReal, Tensor.full(be, 1f, predReal.shape())),
                        F.mseLoss(predFake, Tensor.full(be, 0f, predFake.shape()))), 0.5f);
                lossD.backward();
                d.namedParameters().forEach((k, t) -> out.put("grad D." + k, t.gradArray()));
                optD.step();
                out.put("loss G", new float[]{lossG.item()});
                out.put("loss D", new float[]{lossD.item()});
            }
            g.namedParameters().forEach((k, t) -> out.put("param G." + k, t.toArray()));
            d.namedParameters().forEach((k, t) -> out.put("param D." + k, t.toArray()));
            return out;
        }

        @Override
        public void close() {
            optG.close();
            optD.close();
            g.close();
            d.close();
        }
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void compareStep(int step, Map<String, float[]> before, Map<String, float[]> want, Map<String, float[]> got) {
        for (String loss : new String[]{"loss G", "loss D"}) {
            float w = want.get(loss)[0], h = got.get(loss)[0];
            if (Math.abs(w - h) > 1e-6 + 1e-4 * Math.abs(w)) {
                fail(loss + " at step " + step + ": cpu " + w + " cuda " + h);
            }
        }
        double globalMax = 0;
        for (Map.Entry<String, float[]> e : want.entrySet()) {
            if (e.getKey().startsWith("grad ")) {
                globalMax = Math.max(globalMax, maxAbs(e.getValue()));
            }
        }
        for (Map.Entry<String, float[]> e : want.entrySet()) {
            String k = e.getKey();
            float[] w = e.getValue(), h = got.get(k);
            if (k.startsWith("grad ")) {
                // biases in front of an instance norm have a zero gradient in exact arithmetic: both
                // sides are rounding noise there, hence the term scaled by the step's largest gradient
                double atol = 1e-3 * maxAbs(w) + 1e-5 * globalMax;
                try {
                    Parity.compare(k + " at step " + step, w, h, atol, 1e-3);
                } catch (AssertionError strict) {
                    // a ReLU input within rounding of zero may switch sides between two correct fp32
                    // runs and move every gradient below it (class comment)
                    double rel = normDiff(w, h) / (norm(w) + 1e-5 * globalMax * Math.sqrt(w.length));
                    if (rel > KINK_NORM_REL) {
                        throw new AssertionError(strict.getMessage() + "; norm-relative error " + rel, strict);
                    }
                    System.out.printf("model parity: %s at step %d within the kink allowance (norm-relative %.2g)%n", k, step, rel);
                }
            }
        }
        for (Map.Entry<String, float[]> e : want.entrySet()) {
            String k = e.getKey();
            float[] w = e.getValue(), h = got.get(k);
            if (k.startsWith("param ")) {
                // from identical parameters and moments an update differs only as much as the
                // gradients do: where a gradient's sign is rounding noise, by up to twice Adam's
                // largest possible update (seen on an H200: 2.006 lr after the third step)
                Parity.compare(k + " after step " + step, w, h, 2 * LR * adamUpdateBound(step + 1) + 1e-6, 0);
                // and the device's Adam applied its own gradient exactly as torch.optim.Adam would
                String name = k.substring("param ".length());
                float[] expected = adam(before.get(k), before.get("m " + name), before.get("v " + name),
                        got.get("grad " + name), step + 1);
                Parity.compare(k + " after step " + step + " (Adam on the device's gradient)", expected, h, 1e-8, 1e-5);
            }
        }
    }

    /**
     * The largest |m^ / sqrt(v^)| Adam (betas 0.5, 0.999) can reach at step t, over every gradient
     * history: m^ = sum a_i g_i and v^ = sum b_i g_i^2 with bias-corrected weights a_i, b_i, so by
     * Cauchy-Schwarz |m^| <= sqrt(sum a_i^2 / b_i) sqrt(v^). 1 at t = 1, 1.054 at 2, 1.134 at 3.
     */
    static double adamUpdateBound(int t) {
        double b1 = 0.5, b2 = 0.999, sum = 0;
        for (int i = 1; i <= t; i++) {
            double a = (1 - b1) * Math.pow(b1, t - i) / (1 - Math.pow(b1, t));
            double b = (1 - b2) * Math.pow(b2, t - i) / (1 - Math.pow(b2, t));
            sum += a * a / b;
        }
        return Math.sqrt(sum);
    }

    /** torch.optim.Adam's update from p, m, v and g, betas 0.5 and 0.999 as the models use. */
    private static float[] adam(float[] p, float[] m, float[] v, float[] g, int t) {
        double[] pd = toDouble(p), md = toDouble(m), vd = toDouble(v);
        AdamReference.step(pd, md, vd, toDouble(g), t, LR, 0.5, 0.999, 1e-8);
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) pd[i];
        }
        return out;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static double normDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Test
    void threeTrainingStepsMatchTheCpu() {
        CudaBackend gpu = GpuSupport.cuda();
        long liveAtStart = gpu.liveBuffers();
        SplittableRandom data = new SplittableRandom(13);
        float[][] images = new float[2 * STEPS][3 * 64 * 64];
        for (float[] img : images) {
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) (data.nextDouble() * 2 - 1);
            }
        }
        try (Model cpu = new Model(CpuBackend.get()); Model cuda = new Model(gpu)) {
            long live = gpu.liveBuffers();
            for (int step = 0; step < STEPS; step++) {
                cuda.copyStateFrom(cpu);
                Map<String, float[]> before = cpu.state();
                Map<String, float[]> want = cpu.step(images[2 * step], images[2 * step + 1]);
                Map<String, float[]> got = cuda.step(images[2 * step], images[2 * step + 1]);
                compareStep(step, before, want, got);
                assertEquals(live, gpu.liveBuffers(), "live buffers after step " + step + "'s scope closed");
            }
        }
        assertEquals(liveAtStart, gpu.liveBuffers(), "live buffers after the models and optimisers were closed");

        // the same work again (fresh model, same shapes): the pool must serve every allocation
        long allocs = gpu.poolAllocCalls();
        try (Model again = new Model(gpu)) {
            for (int step = 0; step < STEPS; step++) {
                again.step(images[2 * step], images[2 * step + 1]);
            }
        }
        assertEquals(allocs, gpu.poolAllocCalls(), "cuMemAlloc calls in a warm run (pool misses)");
        assertEquals(liveAtStart, gpu.liveBuffers());
        System.out.printf("model parity: pool in use %s, cached %s, cuMemAlloc calls so far %d%n",
                DevicePool.mib(gpu.poolInUseBytes()), DevicePool.mib(gpu.poolCachedBytes()), gpu.poolAllocCalls());
    }
}
