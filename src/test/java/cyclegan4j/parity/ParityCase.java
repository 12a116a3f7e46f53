package cyclegan4j.parity;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Devices;
import cyclegan4j.cyclegan.CycleGan;
import cyclegan4j.cyclegan.CycleGanConfig;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.cyclegan.StepLosses;
import cyclegan4j.cyclegan.TrainingCheckpoint;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.TensorData;
import cyclegan4j.nn.Module;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Java half of the PyTorch parity check (benchmarks/reference/parity.py does the other half).
 * Builds a CycleGAN on the backend named by the system property {@code parity.device} ({@code cpu}
 * by default, or {@code cuda}: then with TF32 off, as parity.py runs PyTorch), writes its initial state ({@code init.safetensors}, the
 * trainer's checkpoint format), then writes {@code java_step.safetensors} with
 * <ul>
 *   <li>{@code input.real_A}, {@code input.real_B}: the two batches (uniform in [-1, 1]);</li>
 *   <li>{@code output.G_AB}, {@code output.G_BA}: G_AB(real_A), G_BA(real_B) from the initial weights, no graph;</li>
 *   <li>{@code loss.loss_G}, {@code loss.loss_GAN}, {@code loss.loss_cycle}, {@code loss.loss_identity},
 *       {@code loss.loss_D}: one-element tensors from one full {@link CycleGan#step};</li>
 *   <li>{@code grad.<net>.<name>}: every parameter's gradient after that step (generators: from the
 *       G step, discriminators: from their own step);</li>
 *   <li>{@code param.<net>.<name>}: every parameter after the step;</li>
 * </ul>
 * and the configuration as metadata. Run directly:
 * {@code java -cp ... cyclegan4j.parity.ParityCase DIR [channels blocks size batch seed [lambdaCycle lambdaIdentity]]}.
 */
public final class ParityCase {

    /**
     * One configuration; the loss weights default to the reference's (cycle 10, identity 5); with
     * {@code paper}, the paper's networks (--upsampling transposed, --discriminator patch70); ngf and
     * ndf the networks' widths (64 by default).
     */
    public record Spec(int channels, int residualBlocks, int size, int batch, long seed, float lambdaCycle, float lambdaIdentity,
                       boolean paper, int ngf, int ndf, int[] sides) {
        /** Square images of {@code size} in both domains. */
        public Spec(int channels, int residualBlocks, int size, int batch, long seed, float lambdaCycle, float lambdaIdentity,
                    boolean paper, int ngf, int ndf) {
            this(channels, residualBlocks, size, batch, seed, lambdaCycle, lambdaIdentity, paper, ngf, ndf, null);
        }

        /** This case with A's images {@code hA x wA} and B's {@code hB x wB} (as --preprocess none gives). */
        public Spec withSides(int hA, int wA, int hB, int wB) {
            return new Spec(channels, residualBlocks, size, batch, seed, lambdaCycle, lambdaIdentity, paper, ngf, ndf,
                    new int[]{hA, wA, hB, wB});
        }

        int[] shape(boolean domainA) {
            int h = sides == null ? size : sides[domainA ? 0 : 2], w = sides == null ? size : sides[domainA ? 1 : 3];
            return new int[]{batch, channels, h, w};
        }

        public Spec(int channels, int residualBlocks, int size, int batch, long seed) {
            this(channels, residualBlocks, size, batch, seed, 10f, 5f, false);
        }

        public Spec(int channels, int residualBlocks, int size, int batch, long seed, float lambdaCycle, float lambdaIdentity) {
            this(channels, residualBlocks, size, batch, seed, lambdaCycle, lambdaIdentity, false);
        }

        public Spec(int channels, int residualBlocks, int size, int batch, long seed, float lambdaCycle, float lambdaIdentity,
                    boolean paper) {
            this(channels, residualBlocks, size, batch, seed, lambdaCycle, lambdaIdentity, paper, 64, 64);
        }

        public String label() {
            String px = sides == null ? size + "px" : "A" + sides[0] + "x" + sides[1] + "-B" + sides[2] + "x" + sides[3];
            String base = channels + "ch-" + residualBlocks + "blocks-" + px + "-batch" + batch + (paper ? "-paper" : "")
                    + (ngf != 64 || ndf != 64 ? "-ngf" + ngf + "-ndf" + ndf : "");
            return lambdaCycle == 10f && lambdaIdentity == 5f ? base : base + "-cyc" + lambdaCycle + "-id" + lambdaIdentity;
        }
    }

    public static final String INIT = "init.safetensors";
    public static final String JAVA_STEP = "java_step.safetensors";

    private ParityCase() {
    }

    /** Writes {@code dir/init.safetensors} and {@code dir/java_step.safetensors}; returns the step's losses. */
    public static StepLosses write(Path dir, Spec spec) throws IOException {
        Files.createDirectories(dir);
        Backend be = backend();
        CycleGanConfig cfg = CycleGanConfig.defaults()
                .withChannels(spec.channels())
                .withResidualBlocks(spec.residualBlocks())
                .withSeed(spec.seed())
                .withLambdas(spec.lambdaCycle(), spec.lambdaIdentity())
                .withWidths(spec.ngf(), spec.ndf());
        if (spec.paper()) {
            cfg = cfg.withUpsampling(GeneratorResNet.Upsampling.TRANSPOSED).withDiscriminator(Discriminator.Layout.PATCH70);
        }
        int[] shapeA = spec.shape(true), shapeB = spec.shape(false);
        SplittableRandom data = new SplittableRandom(spec.seed() + 1);
        float[] a = uniform(data, Tensor.numel(shapeA));
        float[] b = uniform(data, Tensor.numel(shapeB));

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("channels", Integer.toString(cfg.channels()));
        meta.put("residual_blocks", Integer.toString(cfg.residualBlocks()));
        meta.put("size", Integer.toString(spec.size()));
        meta.put("batch", Integer.toString(spec.batch()));
        meta.put("seed", Long.toString(spec.seed()));
        meta.put("lr", Float.toString(cfg.lr()));
        meta.put("beta1", Float.toString(cfg.beta1()));
        meta.put("beta2", Float.toString(cfg.beta2()));
        meta.put("lambda_cyc", Float.toString(cfg.lambdaCycle()));
        meta.put("lambda_id", Float.toString(cfg.lambdaIdentity()));
        meta.put("pool_size", Integer.toString(cfg.poolSize()));
        meta.put("upsampling", cfg.upsampling().label());
        meta.put("discriminator", cfg.discriminator().label());
        meta.put("ngf", Integer.toString(cfg.ngf()));
        meta.put("ndf", Integer.toString(cfg.ndf()));

        Checkpoint out = new Checkpoint();
        out.put("input.real_A", new TensorData(shapeA, a));
        out.put("input.real_B", new TensorData(shapeB, b));
        StepLosses losses;
        try (CycleGan gan = new CycleGan(be, cfg)) {
            TrainingCheckpoint.save(dir.resolve(INIT), gan, new TrainingCheckpoint.Position(0, 0, 0), meta);
            try (Scope s = Scope.open()) {
                Tensor realA = Tensor.of(be, a, shapeA);
                Tensor realB = Tensor.of(be, b, shapeB);
                out.put("output.G_AB", new TensorData(shapeA, gan.translate(realA, true).toArray()));
                out.put("output.G_BA", new TensorData(shapeB, gan.translate(realB, false).toArray()));
                long t0 = System.nanoTime();
                losses = gan.step(realA, realB);
                meta.put("java_step_ms", String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
            }
            for (Map.Entry<String, Float> e : losses.terms().entrySet()) {
                out.put("loss." + e.getKey(), new TensorData(new int[]{1}, new float[]{e.getValue()}));
            }
            List<Module> nets = gan.networks();
            for (int i = 0; i < nets.size(); i++) {
                String prefix = TrainingCheckpoint.PREFIXES[i];
                for (Map.Entry<String, Tensor> e : nets.get(i).namedParameters().entrySet()) {
                    Tensor p = e.getValue();
                    out.put("grad." + prefix + e.getKey(), new TensorData(p.shape(), p.gradArray()));
                    out.put("param." + prefix + e.getKey(), new TensorData(p.shape(), p.toArray()));
                }
            }
        }
        out.putMetadata("", meta);
        out.save(dir.resolve(JAVA_STEP));
        return losses;
    }

    /** The device named by {@code parity.device}; on CUDA with TF32 off (parity.py turns it off too). */
    public static Backend backend() {
        String device = device();
        if (device.equals("cuda")) {
            System.setProperty("cyclegan4j.cuda.tf32", "false");
        }
        return Devices.select(device).backend();
    }

    /** {@code cpu} or {@code cuda}, from the system property {@code parity.device}. */
    public static String device() {
        String device = System.getProperty("parity.device", "cpu");
        if (!device.equals("cpu") && !device.equals("cuda")) {
            throw new IllegalArgumentException("parity.device must be cpu or cuda, not " + device);
        }
        return device;
    }

    private static float[] uniform(SplittableRandom rng, long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && args.length != 6 && args.length != 8) {
            System.err.println("usage: ParityCase DIR [channels residualBlocks size batch seed [lambdaCycle lambdaIdentity]]");
            System.exit(2);
        }
        Spec spec = args.length == 1 ? new Spec(3, 2, 64, 1, 1)
                : new Spec(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]), Long.parseLong(args[5]),
                args.length == 8 ? Float.parseFloat(args[6]) : 10f, args.length == 8 ? Float.parseFloat(args[7]) : 5f);
        StepLosses l = write(Path.of(args[0]), spec);
        System.out.println(spec.label() + ": " + l.terms());
    }
}
