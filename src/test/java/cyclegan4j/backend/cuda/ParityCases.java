package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every parity case: which {@link cyclegan4j.backend.Backend} methods it exercises, at which shapes.
 * Shapes: the generator's and discriminator's at 256x256, batch 1 (1x64x256x256, 1x128x128x128,
 * 1x256x64x64, ...), plus odd and ragged ones (prime lengths, 1-element planes, asymmetric pads).
 * {@link ParityCoverageTest} checks, without a GPU, that every Backend method appears here.
 */
final class ParityCases {

    interface Body {
        void run(Parity p);
    }

    /** heavy: too slow for the host emulation of the kernels (KernelEmulationTest); the GPU runs it. */
    record Case(Set<String> methods, String label, Body body, boolean heavy) {
        Case(Set<String> methods, String label, Body body) {
            this(methods, label, body, false);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Exact (bitwise or ulp-level) elementwise results. */
    private static final double EXACT = 1e-6;

    private ParityCases() {
    }

    /** A convolution's forward call: out = op(in, weight) + bias (bias may be null). */
    interface ConvForward {
        void run(Backend be, Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s);
    }

    /** A convolution's backward call: dIn written, dWeight and dBias accumulated; any may be null. */
    interface ConvBackward {
        void run(Backend be, Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight, ConvShape s);
    }

    /**
     * A convolution-like op (weights and output as s says, an input of nIn floats) on both
     * backends: forward with and without bias, backward with every gradient (the parameter
     * gradients accumulating onto random values), then with the input's or the weights' alone.
     */
    private static void convLike(Parity p, ConvShape s, long nIn, ConvForward forward, ConvBackward backward) {
        long nW = (long) s.cOut() * s.patch(), nOut = (long) s.n() * s.cOut() * s.outH() * s.outW();
        Parity.Pair x = p.rand(nIn), w = p.rand(nW, 0.02f, 0f), b = p.rand(s.cOut(), 0.1f, 0f);
        Parity.Pair y = p.out(nOut), yNoBias = p.out(nOut);
        forward.run(p.cpu, y.cpu(), x.cpu(), w.cpu(), b.cpu(), s);
        forward.run(p.gpu, y.gpu(), x.gpu(), w.gpu(), b.gpu(), s);
        p.checkScaled("forward", y, 1e-4, 1e-3);
        forward.run(p.cpu, yNoBias.cpu(), x.cpu(), w.cpu(), null, s);
        forward.run(p.gpu, yNoBias.gpu(), x.gpu(), w.gpu(), null, s);
        p.checkScaled("forward without bias", yNoBias, 1e-4, 1e-3);

        Parity.Pair dy = p.rand(nOut), dx = p.out(nIn);
        Parity.Pair dw = p.rand(nW, 0.01f, 0f), db = p.rand(s.cOut(), 0.01f, 0f);
        backward.run(p.cpu, dx.cpu(), dw.cpu(), db.cpu(), dy.cpu(), x.cpu(), w.cpu(), s);
        backward.run(p.gpu, dx.gpu(), dw.gpu(), db.gpu(), dy.gpu(), x.gpu(), w.gpu(), s);
        p.checkScaled("backward dIn", dx, 1e-4, 1e-3);
        p.checkScaled("backward dWeight (accumulated)", dw, 1e-4, 1e-3);
        p.checkScaled("backward dBias (accumulated)", db, 1e-5, 1e-4);
        Parity.Pair dx2 = p.out(nIn), dw2 = p.rand(nW, 0.01f, 0f);
        backward.run(p.cpu, dx2.cpu(), null, null, dy.cpu(), x.cpu(), w.cpu(), s);
        backward.run(p.gpu, dx2.gpu(), null, null, dy.gpu(), x.gpu(), w.gpu(), s);
        p.checkScaled("backward dIn only", dx2, 1e-4, 1e-3);
        backward.run(p.cpu, null, dw2.cpu(), null, dy.cpu(), x.cpu(), w.cpu(), s); // a first layer
        backward.run(p.gpu, null, dw2.gpu(), null, dy.gpu(), x.gpu(), w.gpu(), s);
        p.checkScaled("backward dWeight only", dw2, 1e-4, 1e-3);
    }

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();

        // ---- memory ----
        for (long n : new long[]{1, 1000003, 5_000_011}) {
            cases.add(new Case(Set.of("allocate", "upload", "download"), "upload/download n=" + n, p -> {
                Parity.Pair a = p.rand(n);
                p.check("round trip", a, 0, 0);
            }));
        }
        cases.add(new Case(Set.of("copy"), "copy n=1000003 (prefix 999000)", p -> {
            Parity.Pair src = p.rand(1000003), dst = p.out(1000003);
            p.cpu.copy(dst.cpu(), src.cpu(), 999000);
            p.gpu.copy(dst.gpu(), src.gpu(), 999000);
            p.check("copy", dst, 0, 0);
        }));
        cases.add(new Case(Set.of("copyRange"), "copyRange of one image of a batch (offsets 3*65536 -> 65536)", p -> {
            long img = 3L * 256 * 256;
            Parity.Pair src = p.rand(4 * img), dst = p.rand(2 * img);
            p.cpu.copyRange(dst.cpu(), img, src.cpu(), 3 * img, img);
            p.gpu.copyRange(dst.gpu(), img, src.gpu(), 3 * img, img);
            p.check("copyRange", dst, 0, 0);
        }));
        cases.add(new Case(Set.of("memory"), "live and peak bytes", p -> {
            p.gpu.memory().resetPeak();
            long bytes = p.gpu.memory().liveBytes();
            Buffer a = p.gpu.allocate(1000);
            assertEquals(bytes + 4000, p.gpu.memory().liveBytes());
            a.close();
            assertEquals(bytes, p.gpu.memory().liveBytes());
            assertEquals(bytes + 4000, p.gpu.memory().peakBytes());
        }));
        cases.add(new Case(Set.of("zero"), "zero a list: part of one buffer, all of others, 1100 small ones (more chunks than blocks)", p -> {
            int k = 1103;
            Parity.Pair[] bufs = new Parity.Pair[k];
            long[] n = new long[k];
            bufs[0] = p.out(1000003);
            n[0] = 1000000; // its last 3 floats keep the sentinel
            bufs[1] = p.out(5);
            n[1] = 5;
            bufs[2] = p.out(7);
            n[2] = 0; // untouched
            for (int i = 3; i < k; i++) {
                bufs[i] = p.out(1 + i % 7);
                n[i] = bufs[i].n();
            }
            Buffer[] cpu = new Buffer[k], gpu = new Buffer[k];
            for (int i = 0; i < k; i++) {
                cpu[i] = bufs[i].cpu();
                gpu[i] = bufs[i].gpu();
            }
            p.cpu.zero(cpu, n);
            p.gpu.zero(gpu, n);
            for (int i : new int[]{0, 1, 2, 3, 500, k - 1}) {
                p.check("buffer " + i, bufs[i], 0, 0);
            }
        }));
        cases.add(new Case(Set.of("fill"), "fill n=1000003 (prefix 1000000)", p -> {
            Parity.Pair d = p.out(1000003);
            p.cpu.fill(d.cpu(), -0.75f, 1000000);
            p.gpu.fill(d.gpu(), -0.75f, 1000000);
            p.check("fill", d, 0, 0);
        }));
        cases.add(new Case(Set.of("liveBuffers"), "live buffer count", p -> {
            long before = p.gpu.liveBuffers();
            Buffer a = p.gpu.allocate(10), b = p.gpu.allocate(1 << 20);
            assertEquals(before + 2, p.gpu.liveBuffers());
            a.close();
            b.close();
            b.close(); // closing twice is harmless
            assertEquals(before, p.gpu.liveBuffers());
        }));

        // ---- elementwise ----
        for (long n : new long[]{1, 1000003, 64L * 256 * 256}) {
            cases.add(new Case(Set.of("axpy"), "axpy n=" + n, p -> {
                Parity.Pair x = p.rand(n), y = p.rand(n);
                p.cpu.axpy(0.37f, x.cpu(), y.cpu(), n);
                p.gpu.axpy(0.37f, x.gpu(), y.gpu(), n);
                p.check("y", y, EXACT, EXACT);
            }));
            cases.add(new Case(Set.of("scale"), "scale n=" + n, p -> {
                Parity.Pair x = p.rand(n), o = p.out(n);
                p.cpu.scale(o.cpu(), x.cpu(), -1.5f, n);
                p.gpu.scale(o.gpu(), x.gpu(), -1.5f, n);
                p.check("out", o, 0, 0);
                p.cpu.scale(x.cpu(), x.cpu(), 0.25f, n); // in place
                p.gpu.scale(x.gpu(), x.gpu(), 0.25f, n);
                p.check("in place", x, 0, 0);
            }));
            cases.add(new Case(Set.of("add"), "add n=" + n, p -> {
                Parity.Pair a = p.rand(n), b = p.rand(n), o = p.out(n);
                p.cpu.add(o.cpu(), a.cpu(), b.cpu(), n);
                p.gpu.add(o.gpu(), a.gpu(), b.gpu(), n);
                p.check("out", o, 0, 0);
            }));
            for (float slope : new float[]{0f, 0.2f}) {
                cases.add(new Case(Set.of("leakyReluForward", "leakyReluBackward"), "leaky relu slope=" + slope + " n=" + n, p -> {
                    float[] xs = p.randn(n, 1f, 0f);
                    for (int i = 0; i < xs.length; i += 97) {
                        xs[i] = 0f; // the kink: gradient takes the slope branch, as in PyTorch
                    }
                    Parity.Pair x = p.of(xs), y = p.out(n), dy = p.rand(n), dx = p.out(n);
                    p.cpu.leakyReluForward(y.cpu(), x.cpu(), slope, n);
                    p.gpu.leakyReluForward(y.gpu(), x.gpu(), slope, n);
                    p.check("forward", y, 0, 0);
                    p.cpu.leakyReluBackward(dx.cpu(), dy.cpu(), x.cpu(), slope, n);
                    p.gpu.leakyReluBackward(dx.gpu(), dy.gpu(), x.gpu(), slope, n);
                    p.check("backward", dx, 0, 0);
                    // in place (the models' ReLU), and the backward pass from the output instead
                    p.cpu.leakyReluForward(x.cpu(), x.cpu(), slope, n);
                    p.gpu.leakyReluForward(x.gpu(), x.gpu(), slope, n);
                    p.check("forward in place", x, 0, 0);
                    p.check("in place = out of place", new Parity.Pair(y.cpu(), x.gpu(), n), 0, 0);
                    p.cpu.leakyReluBackward(dx.cpu(), dy.cpu(), x.cpu(), slope, n);
                    p.gpu.leakyReluBackward(dx.gpu(), dy.gpu(), x.gpu(), slope, n);
                    p.check("backward from the output", dx, 0, 0);
                }));
            }
            cases.add(new Case(Set.of("tanhForward", "tanhBackward"), "tanh n=" + n, p -> {
                Parity.Pair x = p.rand(n, 2f, 0f), y = p.out(n), dy = p.rand(n), dx = p.out(n);
                p.cpu.tanhForward(y.cpu(), x.cpu(), n);
                p.gpu.tanhForward(y.gpu(), x.gpu(), n);
                p.check("forward", y, 1e-6, 1e-6); // tanhf is within 2 ulp of the correctly rounded value
                p.cpu.tanhBackward(dx.cpu(), dy.cpu(), y.cpu(), n); // both from the CPU's forward output
                Buffer yc = p.gpu.allocate(n);
                p.gpu.upload(yc, p.cpu.download(y.cpu()));
                p.gpu.tanhBackward(dx.gpu(), dy.gpu(), yc, n);
                yc.close();
                p.check("backward", dx, 0, 0);
            }));
        }

        // ---- reductions and losses ----
        cases.add(new Case(Set.of("sumOfSquares"), "sum of squares of 1100 buffers (more chunks than blocks)", p -> {
            int k = 1100;
            Buffer[] cpuIn = new Buffer[k], gpuIn = new Buffer[k];
            long[] counts = new long[k];
            for (int i = 0; i < k; i++) {
                Parity.Pair x = p.rand(1 + i % 7, 1f, 0f); // lengths 1..7: unaligned chunks and scalar tails
                cpuIn[i] = x.cpu();
                gpuIn[i] = x.gpu();
                counts[i] = x.n();
            }
            Parity.Pair s = p.scalar(0f);
            p.cpu.sumOfSquares(s.cpu(), cpuIn, counts);
            p.gpu.sumOfSquares(s.gpu(), gpuIn, counts);
            p.gpu.sumOfSquares(s.gpu(), gpuIn, counts); // the cached table again
            p.cpu.sumOfSquares(s.cpu(), cpuIn, counts);
            p.check("twice", s, 1e-6, 1e-5);
        }));
        for (long n : new long[]{1, 1000, 100_003, 1000003, 64L * 256 * 256, 5_000_011}) {
            boolean heavy = n > 200_000; // emulation runs one OS thread per CUDA thread of the reduction
            cases.add(new Case(Set.of("meanForward", "meanBackward"), "mean n=" + n, p -> {
                Parity.Pair x = p.rand(n, 1f, 0.5f), m = p.out(1), g = p.scalar(0.8f), dx = p.out(n);
                p.cpu.meanForward(m.cpu(), x.cpu(), n);
                p.gpu.meanForward(m.gpu(), x.gpu(), n);
                p.check("forward", m, 1e-6, 1e-5);
                p.cpu.meanBackward(dx.cpu(), g.cpu(), n);
                p.gpu.meanBackward(dx.gpu(), g.gpu(), n);
                p.check("backward", dx, 0, 0);
            }, heavy));
            cases.add(new Case(Set.of("sumOfSquares"), "sum of squares n=" + n, p -> {
                // three buffers in one call (the middle one read in part), then one alone, then the three again
                long part = Math.max(1, n / 3);
                Parity.Pair x = p.rand(n, 1f, 0.5f), y = p.rand(n, 0.01f, 0f), z = p.rand(5, 1f, 0f), s = p.scalar(2.5f);
                long[] counts = {n, part, 5};
                for (int round = 0; round < 2; round++) {
                    p.cpu.sumOfSquares(s.cpu(), new Buffer[]{x.cpu(), y.cpu(), z.cpu()}, counts); // adds to what is there
                    p.gpu.sumOfSquares(s.gpu(), new Buffer[]{x.gpu(), y.gpu(), z.gpu()}, counts);
                    if (round == 0) {
                        p.cpu.sumOfSquares(s.cpu(), new Buffer[]{y.cpu()}, new long[]{n});
                        p.gpu.sumOfSquares(s.gpu(), new Buffer[]{y.gpu()}, new long[]{n});
                    }
                }
                p.check("accumulated", s, 1e-6, 1e-5);
            }, heavy));
            cases.add(new Case(Set.of("mseLossForward", "mseLossBackward"), "mse n=" + n, p -> {
                Parity.Pair a = p.rand(n), b = p.rand(n), l = p.out(1), g = p.scalar(1.7f), da = p.out(n);
                p.cpu.mseLossForward(l.cpu(), a.cpu(), b.cpu(), n);
                p.gpu.mseLossForward(l.gpu(), a.gpu(), b.gpu(), n);
                p.check("forward", l, 1e-6, 1e-5);
                p.cpu.mseLossBackward(da.cpu(), g.cpu(), a.cpu(), b.cpu(), n);
                p.gpu.mseLossBackward(da.gpu(), g.gpu(), a.gpu(), b.gpu(), n);
                p.check("backward", da, 0, 0);
            }, heavy));
            cases.add(new Case(Set.of("l1LossForward", "l1LossBackward"), "l1 n=" + n, p -> {
                float[] av = p.randn(n, 1f, 0f), bv = p.randn(n, 1f, 0f);
                for (int i = 0; i < av.length; i += 13) {
                    bv[i] = av[i]; // sign(0) = 0
                }
                Parity.Pair a = p.of(av), b = p.of(bv), l = p.out(1), g = p.scalar(-0.6f), da = p.out(n);
                p.cpu.l1LossForward(l.cpu(), a.cpu(), b.cpu(), n);
                p.gpu.l1LossForward(l.gpu(), a.gpu(), b.gpu(), n);
                p.check("forward", l, 1e-6, 1e-5);
                p.cpu.l1LossBackward(da.cpu(), g.cpu(), a.cpu(), b.cpu(), n);
                p.gpu.l1LossBackward(da.gpu(), g.gpu(), a.gpu(), b.gpu(), n);
                p.check("backward", da, 0, 0);
            }, heavy));
        }

        // ---- spatial ----
        int[][] reflect = { // planes, h, w, left, right, top, bottom
                {3, 256, 256, 3, 3, 3, 3}, {64, 256, 256, 3, 3, 3, 3}, {256, 64, 64, 1, 1, 1, 1}, {5, 7, 9, 3, 1, 2, 4},
                {2, 2, 3, 1, 2, 1, 1}, {1, 1, 5, 2, 0, 0, 0}, {4, 6, 6, 5, 5, 5, 5}};
        for (int[] r : reflect) {
            cases.add(new Case(Set.of("reflectionPad2dForward", "reflectionPad2dBackward"), "reflection pad " + java.util.Arrays.toString(r), p -> {
                int planes = r[0], h = r[1], w = r[2], l = r[3], rr = r[4], t = r[5], b = r[6];
                long nIn = (long) planes * h * w, nOut = (long) planes * (h + t + b) * (w + l + rr);
                Parity.Pair x = p.rand(nIn), y = p.out(nOut), dy = p.rand(nOut), dx = p.out(nIn);
                p.cpu.reflectionPad2dForward(y.cpu(), x.cpu(), planes, h, w, l, rr, t, b);
                p.gpu.reflectionPad2dForward(y.gpu(), x.gpu(), planes, h, w, l, rr, t, b);
                p.check("forward", y, 0, 0);
                p.cpu.reflectionPad2dBackward(dx.cpu(), dy.cpu(), planes, h, w, l, rr, t, b);
                p.gpu.reflectionPad2dBackward(dx.gpu(), dy.gpu(), planes, h, w, l, rr, t, b);
                p.check("backward", dx, 0, 0); // the CPU reference's order of additions: the same bits
            }));
        }
        int[][] zero = {{512, 16, 16, 1, 0, 1, 0}, {3, 5, 4, 2, 0, 3, 1}, {2, 1, 1, 0, 3, 2, 0}, {64, 128, 128, 1, 1, 1, 1}};
        for (int[] r : zero) {
            cases.add(new Case(Set.of("zeroPad2dForward", "zeroPad2dBackward"), "zero pad " + java.util.Arrays.toString(r), p -> {
                int planes = r[0], h = r[1], w = r[2], l = r[3], rr = r[4], t = r[5], b = r[6];
                long nIn = (long) planes * h * w, nOut = (long) planes * (h + t + b) * (w + l + rr);
                Parity.Pair x = p.rand(nIn), y = p.out(nOut), dy = p.rand(nOut), dx = p.out(nIn);
                p.cpu.zeroPad2dForward(y.cpu(), x.cpu(), planes, h, w, l, rr, t, b);
                p.gpu.zeroPad2dForward(y.gpu(), x.gpu(), planes, h, w, l, rr, t, b);
                p.check("forward", y, 0, 0);
                p.cpu.zeroPad2dBackward(dx.cpu(), dy.cpu(), planes, h, w, l, rr, t, b);
                p.gpu.zeroPad2dBackward(dx.gpu(), dy.gpu(), planes, h, w, l, rr, t, b);
                p.check("backward", dx, 0, 0);
            }));
        }
        // streaming and register kernels (KernelOps.registerNormThreads): the generator's planes, the largest
        // that fits in registers and the smallest that does not, a ragged last float4 per thread, tiny planes
        int[][] norm = {{64, 256 * 256}, {128, 128 * 128}, {256, 64 * 64}, {512, 16 * 16}, {7, 1}, {5, 37}, {4, 4096}, {3, 1000003},
                {2, 16388}, {3, 4100}, {6, 4}};
        for (int[] r : norm) {
            cases.add(new Case(Set.of("instanceNormForward", "instanceNormBackward"), "instance norm planes=" + r[0] + " hw=" + r[1],
                    p -> instanceNorm(p, r[0], r[1], false, 0f), (long) r[0] * KernelOps.planeThreads(r[1]) > 16384));
        }
        // with the ReLU / LeakyReLU after it fused: scalar and float4 paths, and the generator's largest planes
        float[][] fused = {{5, 37, 0f}, {4, 4096, 0.2f}, {6, 1001, 0.2f}, {64, 256 * 256, 0f}, {3, 4100, 0.2f}};
        for (float[] r : fused) {
            int planes = (int) r[0], hw = (int) r[1];
            cases.add(new Case(Set.of("instanceNormForward", "instanceNormBackward"),
                    "instance norm + leaky relu " + r[2] + " planes=" + planes + " hw=" + hw,
                    p -> instanceNorm(p, planes, hw, true, r[2]), (long) planes * KernelOps.planeThreads(hw) > 16384));
        }
        int[][] up = {{256, 64, 64, 2}, {128, 128, 128, 2}, {3, 5, 7, 3}, {1, 1, 1, 4}};
        for (int[] r : up) {
            cases.add(new Case(Set.of("upsampleNearestForward", "upsampleNearestBackward"), "upsample " + java.util.Arrays.toString(r), p -> {
                int planes = r[0], h = r[1], w = r[2], f = r[3];
                long nIn = (long) planes * h * w, nOut = nIn * f * f;
                Parity.Pair x = p.rand(nIn), y = p.out(nOut), dy = p.rand(nOut), dx = p.out(nIn);
                p.cpu.upsampleNearestForward(y.cpu(), x.cpu(), planes, h, w, f);
                p.gpu.upsampleNearestForward(y.gpu(), x.gpu(), planes, h, w, f);
                p.check("forward", y, 0, 0);
                p.cpu.upsampleNearestBackward(dx.cpu(), dy.cpu(), planes, h, w, f);
                p.gpu.upsampleNearestBackward(dx.gpu(), dy.gpu(), planes, h, w, f);
                p.check("backward", dx, 0, 0);
            }));
        }

        // ---- convolution (FP32 FMA math on the GPU: GpuSupport switches TF32 off) ----
        ConvShape[] convs = {
                new ConvShape(1, 3, 262, 262, 64, 7, 7, 1, 0),     // generator c7s1-64
                new ConvShape(1, 64, 256, 256, 128, 3, 3, 2, 1),   // d128
                new ConvShape(1, 128, 128, 128, 256, 3, 3, 2, 1),  // d256
                new ConvShape(1, 256, 66, 66, 256, 3, 3, 1, 0),    // residual block
                new ConvShape(1, 256, 128, 128, 128, 3, 3, 1, 1),  // u128 after upsampling
                new ConvShape(1, 64, 262, 262, 3, 7, 7, 1, 0),     // c7s1-3
                new ConvShape(1, 3, 256, 256, 64, 4, 4, 2, 1),     // discriminator
                new ConvShape(1, 256, 32, 32, 512, 4, 4, 2, 1),
                new ConvShape(1, 512, 17, 17, 1, 4, 4, 1, 1),      // patch output after ZeroPad2d((1,0,1,0))
                new ConvShape(2, 3, 7, 9, 5, 3, 3, 1, 1),          // odd
                new ConvShape(1, 4, 9, 6, 3, 4, 4, 2, 1),
                new ConvShape(3, 1, 8, 7, 2, 1, 1, 1, 0),
                new ConvShape(2, 5, 5, 5, 7, 5, 5, 2, 2)};
        for (ConvShape s : convs) {
            cases.add(new Case(Set.of("conv2dForward", "conv2dBackward"), "conv " + s,
                    p -> {
                        convLike(p, s, (long) s.n() * s.cIn() * s.h() * s.w(), Backend::conv2dForward, Backend::conv2dBackward);
                        // the input gradient alone needs no input: a transposed convolution's forward pass
                        Parity.Pair dy = p.rand((long) s.n() * s.cOut() * s.outH() * s.outW()), w = p.rand((long) s.cOut() * s.patch(), 0.02f, 0f);
                        Parity.Pair dx = p.out((long) s.n() * s.cIn() * s.h() * s.w());
                        p.cpu.conv2dBackward(dx.cpu(), null, null, dy.cpu(), null, w.cpu(), s);
                        p.gpu.conv2dBackward(dx.gpu(), null, null, dy.gpu(), null, w.gpu(), s);
                        p.checkScaled("backward dIn without the input", dx, 1e-4, 1e-3);
                    },
                    s.flops() > 2e8 || (long) s.cOut() * KernelOps.planeThreads((long) s.n() * s.outH() * s.outW()) > 16384));
        }

        // ---- a per-channel bias on its own (the transposed convolution's) ----
        int[][] biases = {{1, 128, 128, 128}, {1, 64, 256, 256}, {3, 5, 7, 9}, {2, 1, 1, 1}}; // {n, c, h, w}
        for (int[] r : biases) {
            cases.add(new Case(Set.of("channelBiasForward", "channelBiasBackward"), "channel bias " + java.util.Arrays.toString(r), p -> {
                long n = (long) r[0] * r[1] * r[2] * r[3];
                Parity.Pair y = p.rand(n), b = p.rand(r[1]);
                p.cpu.channelBiasForward(y.cpu(), b.cpu(), r[0], r[1], r[2], r[3]);
                p.gpu.channelBiasForward(y.gpu(), b.gpu(), r[0], r[1], r[2], r[3]);
                p.check("forward (added)", y, 1e-6, 1e-6);
                Parity.Pair dy = p.rand(n), db = p.rand(r[1], 0.01f, 0f);
                p.cpu.channelBiasBackward(db.cpu(), dy.cpu(), r[0], r[1], r[2] * r[3]);
                p.gpu.channelBiasBackward(db.gpu(), dy.gpu(), r[0], r[1], r[2] * r[3]);
                p.checkScaled("backward (accumulated)", db, 1e-5, 1e-4);
            }));
        }

        // ---- nearest 2x upsampling + 3x3 convolution as one call (the decoder's u128, u64) ----
        int[][] upConvs = { // {n, cIn, h, w, cOut} of the small input
                {1, 256, 64, 64, 128}, {1, 128, 128, 128, 64}, // the seed's decoder
                {2, 16, 6, 5, 4},                              // odd; the CPU's phase GEMMs
                {1, 3, 5, 5, 16}};                             // the CPU's upsample-then-convolve
        for (int[] u : upConvs) {
            ConvShape s = new ConvShape(u[0], u[1], 2 * u[2], 2 * u[3], u[4], 3, 3, 1, 1);
            cases.add(new Case(Set.of("upsampleConv2dForward", "upsampleConv2dBackward"),
                    "upsample + conv " + java.util.Arrays.toString(u),
                    p -> convLike(p, s, (long) u[0] * u[1] * u[2] * u[3], Backend::upsampleConv2dForward,
                            Backend::upsampleConv2dBackward),
                    s.flops() > 2e8));
        }

        // ---- optimizer ----
        for (long n : new long[]{1, 1000003}) {
            cases.add(new Case(Set.of("adamUpdate"), "adam n=" + n + " with two small tensors, 3 steps",
                    p -> adamSteps(p, new long[]{n, 5, 300}, 3)));
        }
        long[] many = new long[1100]; // more chunks than blocks; lengths 1..7: scalar tails everywhere
        for (int i = 0; i < many.length; i++) {
            many[i] = 1 + i % 7;
        }
        cases.add(new Case(Set.of("adamUpdate"), "adam on 1100 tensors (more chunks than blocks), 2 steps",
                p -> adamSteps(p, many, 2), true)); // 4400 buffer files per emulated launch: fake GPU and GPU only
        return cases;
    }

    private static void instanceNorm(Parity p, int planes, int hw, boolean activate, float slope) {
        long n = (long) planes * hw;
        Parity.Pair x = p.rand(n, 2f, 3f), y = p.out(n), m = p.out(planes), rs = p.out(planes), dy = p.rand(n), dx = p.out(n);
        p.cpu.instanceNormForward(y.cpu(), m.cpu(), rs.cpu(), x.cpu(), planes, hw, 1e-5f, activate, slope);
        p.gpu.instanceNormForward(y.gpu(), m.gpu(), rs.gpu(), x.gpu(), planes, hw, 1e-5f, activate, slope);
        p.check("mean", m, 1e-5, 1e-5);
        p.check("rstd", rs, 1e-5, 1e-4);
        p.check("forward", y, 1e-4, 1e-4);
        // backward from the CPU's saved statistics on both, so it is tested on its own
        Buffer mg = p.gpu.allocate(planes), rg = p.gpu.allocate(planes);
        p.gpu.upload(mg, p.cpu.download(m.cpu()));
        p.gpu.upload(rg, p.cpu.download(rs.cpu()));
        p.cpu.instanceNormBackward(dx.cpu(), dy.cpu(), x.cpu(), m.cpu(), rs.cpu(), planes, hw, activate, slope);
        p.gpu.instanceNormBackward(dx.gpu(), dy.gpu(), x.gpu(), mg, rg, planes, hw, activate, slope);
        mg.close();
        rg.close();
        p.checkScaled("backward", dx, 1e-4, 1e-3);
    }

    /** Adam steps on parameters of the given sizes, a fresh gradient each step, on both backends. */
    private static void adamSteps(Parity p, long[] n, int steps) {
        int k = n.length;
        Parity.Pair[] param = new Parity.Pair[k], m = new Parity.Pair[k], v = new Parity.Pair[k];
        for (int i = 0; i < k; i++) {
            param[i] = p.rand(n[i], 0.02f, 0f);
            m[i] = p.of(new float[(int) n[i]]);
            v[i] = p.of(new float[(int) n[i]]);
        }
        for (int step = 1; step <= steps; step++) {
            Parity.Pair[] g = new Parity.Pair[k];
            for (int i = 0; i < k; i++) {
                g[i] = p.rand(n[i], 0.001f, 0f);
            }
            p.cpu.adamUpdate(side(param, true), side(g, true), side(m, true), side(v, true), n, 2e-4f, 0.5f, 0.999f, 1e-8f, step);
            p.gpu.adamUpdate(side(param, false), side(g, false), side(m, false), side(v, false), n, 2e-4f, 0.5f, 0.999f, 1e-8f, step);
        }
        for (int i = 0; i < k; i++) {
            p.check("param " + i, param[i], 0, 1e-6);
            p.check("exp_avg " + i, m[i], 0, 1e-6);
            p.check("exp_avg_sq " + i, v[i], 0, 1e-6);
        }
    }

    private static Buffer[] side(Parity.Pair[] pairs, boolean cpu) {
        Buffer[] out = new Buffer[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            out[i] = cpu ? pairs[i].cpu() : pairs[i].gpu();
        }
        return out;
    }
}
