package cyclegan4j.cli;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cuda.CudaBackend;
import cyclegan4j.backend.cuda.OpTimes;
import cyclegan4j.cyclegan.CycleGan;
import cyclegan4j.cyclegan.CycleGanConfig;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.cyclegan.GeneratorResNet.Upsampling;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * `cyclegan4j bench`: the full training step (and generator inference) on random images, after a
 * warm-up: median ms/step, images/s and peak memory of the backend's buffers.
 */
final class BenchCommand {

    private BenchCommand() {
    }

    static CommandLineSpec spec() {
        return new CommandLineSpec("bench", "Time the CycleGAN training step (the seed's configuration by default).")
                .value("device", "DEV", "auto, cpu, cuda or cuda:N (GPU number N) (default: auto)")
                .value("size", "PX", "image size: a square's side, or WxH (e.g. 320x240, as --preprocess none trains whole photos)"
                        + " (default: 256)")
                .value("batch-size", "N", "images per domain per step (default: 1)")
                .value("n-residual-blocks", "N", "residual blocks per generator (default: 9)")
                .value("channels", "C", "3 or 1 (default: 3)")
                .value("upsampling", "HOW", "the generators' u128/u64: nearest or transposed, as train (default: nearest)")
                .value("discriminator", "KIND", "pytorch-gan or patch70, as train (default: pytorch-gan)")
                .value("ngf", "N", "filters in each generator's first layer, as train (default: 64)")
                .value("ndf", "N", "filters in each discriminator's first layer, as train (default: 64)")
                .value("lambda-id", "W", "identity loss weight; 0 skips the identity pass (default: 5)")
                .value("warmup", "N", "untimed steps first (default: 3)")
                .value("steps", "N", "timed steps (default: 10)")
                .flag("grad-norms", "also measure the gradient norms, as train does (off: the reference's step)")
                .flag("profile", "CUDA: collect the last timed step only, for a profiler started with collection off "
                        + "(ncu --profile-from-start off, nsys --capture-range=cudaProfilerApi)")
                .flag("op-times", "CUDA: also print the timed steps' device time per backend call (events around each call)");
    }

    private static CudaBackend cudaOnly(Backend backend, String option) {
        if (backend instanceof CudaBackend cuda) {
            return cuda;
        }
        throw new UsageException("bench " + option + " needs the CUDA backend (--device cuda); this run uses " + backend.name());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new UsageException(message);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLineSpec c = spec();
        if (!c.parse(args, out)) {
            return Main.OK;
        }
        int[] wh = size(c.string("size", "256"));
        int width = wh[0], height = wh[1], batch = c.integer("batch-size", 1), warmup = c.integer("warmup", 3);
        int steps = c.integer("steps", 10), blocks = c.integer("n-residual-blocks", 9), channels = c.integer("channels", 3);
        float lambdaId = c.real("lambda-id", 5f);
        int ngf = c.integer("ngf", GeneratorResNet.DEFAULT_WIDTH), ndf = c.integer("ndf", Discriminator.DEFAULT_WIDTH);
        require(width >= 32 && width % 4 == 0 && height >= 32 && height % 4 == 0, "--size: each side must be a multiple of 4 and at"
                + " least 32, got " + width + "x" + height);
        require(batch >= 1, "--batch-size must be at least 1, got " + batch);
        require((long) batch * channels * width * height <= Integer.MAX_VALUE - 8, "--batch-size " + batch + " of " + width + "x" + height
                + " images holds more values than a Java array (2^31): lower --size or --batch-size"); // else the sizes wrap around
        require(steps >= 1 && warmup >= 0, "--steps must be at least 1 and --warmup at least 0");
        require(blocks >= 0, "--n-residual-blocks must be at least 0, got " + blocks);
        require(channels == 1 || channels == 3, "--channels must be 1 or 3, got " + channels);
        require(lambdaId >= 0, "--lambda-id must be at least 0");
        require(ngf >= 1 && ndf >= 1 && ngf <= CycleGanConfig.MAX_WIDTH && ndf <= CycleGanConfig.MAX_WIDTH,
                "--ngf and --ndf must be from 1 to " + CycleGanConfig.MAX_WIDTH + " (the paper's is 64)");
        CycleGanConfig config = CycleGanConfig.defaults().withChannels(channels).withResidualBlocks(blocks)
                .withLambdas(10f, lambdaId).withUpsampling(c.choice("upsampling", "nearest", Upsampling::parse))
                .withDiscriminator(c.choice("discriminator", "pytorch-gan", Discriminator.Layout::parse)).withWidths(ngf, ndf);
        Backend device = Devices.select(c.string("device", "auto"), out);
        CudaBackend profiled = c.has("profile") ? cudaOnly(device, "--profile") : null;
        Backend backend = c.has("op-times") ? OpTimes.wrap(cudaOnly(device, "--op-times")) : device;
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = random(rng, batch * channels * width * height), b = random(rng, a.length);
        int[] shape = {batch, channels, height, width};
        try (CycleGan gan = new CycleGan(backend, config)) {
            gan.trackGradientNorms(c.has("grad-norms"));
            double[] stepMs = new double[steps];
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    backend.memory().resetPeak();
                    backend.takeDevicePeaks();
                    if (backend != device) {
                        OpTimes.of(backend).reset();
                    }
                }
                boolean profile = profiled != null && i == warmup + steps - 1;
                if (profile) {
                    profiled.profile(true);
                }
                long t0 = System.nanoTime();
                try (Scope s = Scope.open()) {
                    gan.step(Tensor.of(backend, a, shape), Tensor.of(backend, b, shape)); // reads the losses: waits for the device
                }
                if (profile) {
                    profiled.profile(false);
                }
                if (i >= warmup) {
                    stepMs[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
            long peak = backend.memory().peakBytes();
            String devicePeaks = backend.takeDevicePeaks();
            String opTimes = backend != device ? OpTimes.of(backend).table(steps, median(stepMs), 40) : null;
            // the input already on the device and the output left there, as step_benchmark.py times G_AB
            double[] inferMs = new double[steps];
            try (Scope outer = Scope.open()) {
                Tensor input = Tensor.of(backend, a, shape);
                backend.synchronize();
                for (int i = 0; i < warmup + steps; i++) {
                    long t0 = System.nanoTime();
                    try (Scope s = Scope.open(); var ng = Autograd.noGrad()) {
                        gan.gAB.forward(input);
                        backend.synchronize();
                    }
                    if (i >= warmup) {
                        inferMs[i - warmup] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            double step = median(stepMs);
            out.printf(Locale.ROOT, "device %s, %dx%d, batch %d, %d residual blocks, %d channels, ngf %d, ndf %d, lambda_id %s%s%n",
                    backend.name(), width, height, batch, blocks, channels, ngf, ndf, lambdaId, c.has("grad-norms") ? ", with gradient norms" : "");
            out.printf(Locale.ROOT, "training step: median %.1f ms (min %.1f, max %.1f over %d steps), %.2f images/s (of each domain)%n",
                    step, Arrays.stream(stepMs).min().orElse(0), Arrays.stream(stepMs).max().orElse(0), steps, batch * 1000.0 / step);
            out.printf(Locale.ROOT, "peak memory of live buffers during the steps: %.1f MiB%n", peak / 1048576.0);
            if (devicePeaks != null) {
                out.println(devicePeaks + " during the steps");
            }
            out.printf(Locale.ROOT, "generator inference (G_AB, no grad; input and output on the device): median %.1f ms%n", median(inferMs));
            long rss = peakResidentBytes();
            if (rss > 0) {
                out.printf(Locale.ROOT, "process peak resident memory: %.1f MiB (the JVM's heap, code and native libraries; %s's VmHWM)%n",
                        rss / 1048576.0, STATUS);
            }
            if (opTimes != null) {
                out.print(opTimes);
                OpTimes.of(backend).close();
            }
        }
        return Main.OK;
    }

    /** --size: "256" (a square) or "320x240" (width x height); {width, height}. */
    private static int[] size(String v) {
        String[] parts = v.toLowerCase(java.util.Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 1) {
                int side = Integer.parseInt(parts[0].trim());
                return new int[]{side, side};
            }
            if (parts.length == 2) {
                return new int[]{Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw new UsageException("--size must be a number of pixels or WxH (e.g. 256 or 320x240), got '" + v + "'");
    }

    private static final Path STATUS = Path.of("/proc/self/status");

    /** The process's peak resident set (Linux), or 0 where the system does not say. */
    static long peakResidentBytes() {
        try (Stream<String> lines = Files.lines(STATUS)) {
            return lines.filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
