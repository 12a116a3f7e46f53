package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;
import cyclegan4j.backend.Devices;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.nn.Adam;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import jcuda.driver.CUevent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

/**
 * GPU timings for benchmarks/gpu-check.sh: device-to-device copy bandwidth, the memory-bound kernels
 * at the generator's large shapes (bandwidth from the minimum bytes each must move, and its share of
 * the copy bandwidth: the issue asks for at least 60%), cuDNN convolutions, and a training step of a
 * full-size generator + discriminator (batch 1, 256x256). Times are CUDA-event medians.
 * Usage: {@code java -cp 'lib/*' cyclegan4j.backend.cuda.KernelBench [--quick] [--tiny]} (--quick: fewer
 * repetitions, no training step; --tiny: toy shapes, to check the program itself on the tests' fake GPU).
 */
public final class KernelBench {

    private final CudaBackend gpu;
    private final int reps;
    private final List<String[]> rows = new ArrayList<>();
    private double copyGBs;

    /** --tiny: small shapes, for checking this program itself on the fake GPU of the tests. */
    private final boolean tiny;

    private KernelBench(CudaBackend gpu, int reps, boolean tiny) {
        this.gpu = gpu;
        this.reps = reps;
        this.tiny = tiny;
    }

    /** Median milliseconds of {@code body} over reps runs (after 3 warm-up runs), timed with events. */
    private double time(Runnable body) {
        CUevent start = new CUevent(), stop = new CUevent();
        cuEventCreate(start, 0);
        cuEventCreate(stop, 0);
        for (int i = 0; i < 3; i++) {
            body.run();
        }
        double[] ms = new double[reps];
        float[] t = new float[1];
        for (int i = 0; i < reps; i++) {
            cuEventRecord(start, gpu.stream());
            body.run();
            cuEventRecord(stop, gpu.stream());
            cuEventSynchronize(stop);
            cuEventElapsedTime(t, start, stop);
            ms[i] = t[0];
        }
        cuEventDestroy(start);
        cuEventDestroy(stop);
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    private void memoryBound(String name, String shape, double bytes, Runnable body) {
        double ms = time(body);
        double gbs = bytes / (ms * 1e-3) / 1e9;
        rows.add(new String[]{name, shape, fmt(ms * 1e3, "%.1f us"), fmt(gbs, "%.0f GB/s"),
                copyGBs > 0 ? fmt(100 * gbs / copyGBs, "%.0f%%") : "-"});
    }

    private static String fmt(double v, String f) {
        return String.format(Locale.ROOT, f, v);
    }

    private Buffer rand(long n) {
        float[] v = new float[Math.toIntExact(n)];
        SplittableRandom r = new SplittableRandom(n);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        Buffer b = gpu.allocate(n);
        gpu.upload(b, v);
        return b;
    }

    private void run(boolean quick) {
        try (Scope ignored = Scope.open()) {
            long copyN = tiny ? 1L << 16 : 256L << 20; // 1 GiB
            Buffer a = Scope.allocate(gpu, copyN), b = Scope.allocate(gpu, copyN);
            gpu.fill(a, 1f, copyN);
            double ms = time(() -> gpu.copy(b, a, copyN));
            copyGBs = 2.0 * copyN * 4 / (ms * 1e-3) / 1e9;
            rows.add(new String[]{"copy (device to device)", DevicePool.mib(copyN * 4), fmt(ms * 1e3, "%.1f us"), fmt(copyGBs, "%.0f GB/s"), "100%"});
        }
        int[][] planes = tiny ? new int[][]{{8, 16}, {4, 8}} : new int[][]{{64, 256}, {128, 128}, {256, 64}};
        for (int[] pc : planes) {
            int c = pc[0], hw = pc[1];
            long n = (long) c * hw * hw;
            String shape = "1x" + c + "x" + hw + "x" + hw;
            try (Scope ignored = Scope.open()) {
                Buffer x = rand(n), y = Scope.allocate(gpu, n), dy = rand(n), dx = Scope.allocate(gpu, n);
                Buffer mean = Scope.allocate(gpu, c), rstd = Scope.allocate(gpu, c);
                memoryBound("instance norm fwd", shape, 8.0 * n, () -> gpu.instanceNormForward(y, mean, rstd, x, c, hw * hw, 1e-5f));
                memoryBound("instance norm bwd", shape, 12.0 * n, () -> gpu.instanceNormBackward(dx, dy, x, mean, rstd, c, hw * hw));
                int p = c == 64 ? 3 : 1;
                long nPad = (long) c * (hw + 2 * p) * (hw + 2 * p);
                Buffer padded = Scope.allocate(gpu, nPad), dPadded = rand(nPad);
                memoryBound("reflection pad " + p + " fwd", shape, 4.0 * (n + nPad), () -> gpu.reflectionPad2dForward(padded, x, c, hw, hw, p, p, p, p));
                memoryBound("reflection pad " + p + " bwd", shape, 4.0 * (n + nPad), () -> gpu.reflectionPad2dBackward(dx, dPadded, c, hw, hw, p, p, p, p));
                Buffer big = Scope.allocate(gpu, 4 * n), dBig = rand(4 * n);
                memoryBound("upsample x2 fwd", shape, 4.0 * 5 * n, () -> gpu.upsampleNearestForward(big, x, c, hw, hw, 2));
                memoryBound("upsample x2 bwd", shape, 4.0 * 5 * n, () -> gpu.upsampleNearestBackward(dx, dBig, c, hw, hw, 2));
                Buffer loss = Scope.allocate(gpu, 1);
                memoryBound("mse loss fwd", shape, 8.0 * n, () -> gpu.mseLossForward(loss, x, dy, n));
                memoryBound("l1 loss fwd", shape, 8.0 * n, () -> gpu.l1LossForward(loss, x, dy, n));
                memoryBound("l1 loss bwd", shape, 12.0 * n, () -> gpu.l1LossBackward(dx, loss, x, dy, n));
                memoryBound("leaky relu fwd", shape, 8.0 * n, () -> gpu.leakyReluForward(y, x, 0.2f, n));
                memoryBound("axpy (cuBLAS or kernel)", shape, 12.0 * n, () -> gpu.axpy(0.5f, x, dx, n));
            }
        }
        try (Scope ignored = Scope.open()) {
            long n = tiny ? 1003 : 11_378_179; // parameters of the 9-block generator
            Buffer p = rand(n), g = rand(n), m = Scope.allocate(gpu, n), v = Scope.allocate(gpu, n);
            gpu.fill(m, 0f, n);
            gpu.fill(v, 0f, n);
            memoryBound("adam update", n + " params", 28.0 * n, () -> gpu.adamUpdate(p, g, m, v, n, 2e-4f, 0.5f, 0.999f, 1e-8f, 10));
        }
        ConvShape[] convs = tiny ? new ConvShape[]{new ConvShape(1, 3, 14, 14, 4, 7, 7, 1, 0)}
                : new ConvShape[]{new ConvShape(1, 3, 262, 262, 64, 7, 7, 1, 0), new ConvShape(1, 64, 256, 256, 128, 3, 3, 2, 1),
                new ConvShape(1, 256, 66, 66, 256, 3, 3, 1, 0), new ConvShape(1, 256, 128, 128, 128, 3, 3, 1, 1)};
        for (ConvShape s : convs) {
            try (Scope ignored = Scope.open()) {
                long nIn = (long) s.n() * s.cIn() * s.h() * s.w(), nW = (long) s.cOut() * s.patch();
                long nOut = (long) s.n() * s.cOut() * s.outH() * s.outW();
                Buffer x = rand(nIn), w = rand(nW), bias = rand(s.cOut()), y = Scope.allocate(gpu, nOut), dy = rand(nOut);
                Buffer dx = Scope.allocate(gpu, nIn), dw = rand(nW), db = rand(s.cOut());
                String shape = s.cIn() + "->" + s.cOut() + " k" + s.kh() + " s" + s.stride() + " @" + s.h() + "x" + s.w();
                double f = time(() -> gpu.conv2dForward(y, x, w, bias, s));
                double bw = time(() -> gpu.conv2dBackward(dx, dw, db, dy, x, w, s));
                rows.add(new String[]{"conv fwd (+bias)", shape, fmt(f * 1e3, "%.1f us"), fmt(s.flops() / (f * 1e-3) / 1e12, "%.1f TFLOP/s"), ""});
                rows.add(new String[]{"conv bwd (data+filter+bias)", shape, fmt(bw * 1e3, "%.1f us"),
                        fmt(2 * s.flops() / (bw * 1e-3) / 1e12, "%.1f TFLOP/s"), ""});
            }
        }
        if (!quick) {
            trainingStep();
        }
    }

    /** One generator + discriminator step at 256x256 (half of the CycleGAN step: one G, one D). */
    private void trainingStep() {
        int size = tiny ? 32 : 256; // the discriminator needs 32 pixels on a side
        GeneratorResNet g = new GeneratorResNet(gpu, 3, tiny ? 0 : 9, new SplittableRandom(1));
        Discriminator d = new Discriminator(gpu, 3, new SplittableRandom(2));
        Adam optG = new Adam(g.parameters(), 2e-4f, 0.5f, 0.999f), optD = new Adam(d.parameters(), 2e-4f, 0.5f, 0.999f);
        float[] img = new float[3 * size * size];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) (r.nextDouble() * 2 - 1);
        }
        Runnable step = () -> {
            try (Scope ignored = Scope.open()) {
                Tensor x = Tensor.of(gpu, img, 1, 3, size, size);
                optG.zeroGrad();
                Tensor fake = g.forward(x);
                Tensor pred = d.forward(fake);
                F.add(F.mseLoss(pred, Tensor.full(gpu, 1f, pred.shape())), F.mul(F.l1Loss(fake, x), 10f)).backward();
                optG.step();
                optD.zeroGrad();
                Tensor pr = d.forward(x), pf = d.forward(fake.detach());
                F.mul(F.add(F.mseLoss(pr, Tensor.full(gpu, 1f, pr.shape())), F.mseLoss(pf, Tensor.full(gpu, 0f, pf.shape()))), 0.5f).backward();
                optD.step();
            }
        };
        step.run(); // the first step fills the pool
        long allocs = gpu.poolAllocCalls();
        double gpuMs = time(step);
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            step.run();
        }
        gpu.synchronize();
        double wallMs = (System.nanoTime() - t0) / 1e6 / reps;
        rows.add(new String[]{"G+D training step (" + (tiny ? 0 : 9) + " blocks)", "1x3x" + size + "x" + size, fmt(gpuMs, "%.1f ms (events)"),
                fmt(wallMs, "%.1f ms wall"), "cuMemAlloc in warm steps: " + (gpu.poolAllocCalls() - allocs == 0 ? "0" : "some")});
        optG.close();
        optD.close();
        g.close();
        d.close();
    }

    private void print() {
        int[] w = new int[5];
        for (String[] r : rows) {
            for (int i = 0; i < 5; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        String head = String.format(Locale.ROOT, "%-" + w[0] + "s | %-" + w[1] + "s | %" + w[2] + "s | %" + w[3] + "s | %s",
                "kernel", "shape", "time", "rate", "of copy");
        System.out.println(head);
        System.out.println("-".repeat(head.length()));
        for (String[] r : rows) {
            System.out.println(String.format(Locale.ROOT, "%-" + w[0] + "s | %-" + w[1] + "s | %" + w[2] + "s | %" + w[3] + "s | %s",
                    (Object[]) r));
        }
    }

    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        boolean tiny = Arrays.asList(args).contains("--tiny");
        Devices.Selection sel = Devices.select("cuda");
        System.out.println(sel.reason());
        KernelBench bench = new KernelBench((CudaBackend) sel.backend(), quick || tiny ? 5 : 20, tiny);
        bench.run(quick);
        bench.print();
    }
}
