package cyclegan4j.cli;

import cyclegan4j.cyclegan.CycleGanConfig;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet.Upsampling;
import cyclegan4j.data.DataOptions;
import cyclegan4j.data.ImageCache;
import cyclegan4j.data.DataOptions.Preprocess;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Everything `train` needs, parsed and checked; {@link #toMap()} is what checkpoints record. */
record TrainOptions(Path dataroot, String name, Path out, int epochs, int decayEpoch, int batchSize,
                    float lr, float beta1, float beta2, float lambdaCycle, float lambdaIdentity,
                    int residualBlocks, Upsampling upsampling, Discriminator.Layout discriminator, int ngf, int ndf, int channels, int loadSize, int cropSize, Preprocess preprocess, boolean flip,
                    String device, long seed, int sampleEvery, int checkpointEvery, float autosaveMinutes,
                    long maxSteps, boolean resume, Path initFrom, int poolSize, int workers, int cacheMb) {

    /** {@link #cacheMb} when not given: a quarter of the Java heap ({@link ImageCache#defaultBudget}). */
    static final int CACHE_AUTO = -1;

    TrainOptions {
        require(epochs > 0, "--epochs must be positive");
        require(decayEpoch >= 0 && decayEpoch < epochs, "--decay-epoch must be in [0, --epochs), got " + decayEpoch + " with "
                + epochs + " epochs");
        require(batchSize > 0, "--batch-size must be positive");
        require(lr > 0, "--lr must be positive");
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "--beta1 and --beta2 must be in [0, 1)");
        require(lambdaCycle >= 0 && lambdaIdentity >= 0, "--lambda-cyc and --lambda-id must be >= 0");
        require(residualBlocks >= 0, "--n-residual-blocks must be >= 0");
        require(ngf > 0 && ndf > 0 && ngf <= CycleGanConfig.MAX_WIDTH && ndf <= CycleGanConfig.MAX_WIDTH,
                "--ngf and --ndf must be from 1 to " + CycleGanConfig.MAX_WIDTH + " (the paper's is 64)");
        require(channels == 1 || channels == 3, "--channels must be 1 or 3");
        require(cropSize >= 32 && cropSize % 4 == 0, "--crop-size must be a multiple of 4 and at least 32 (the discriminator downsamples by 16)");
        require(loadSize >= cropSize, "--load-size must be >= --crop-size");
        // a resized image, and a batch of crops, are each one Java array (2^31 values at most): past it the sizes wrap around
        require((long) channels * loadSize * loadSize <= Integer.MAX_VALUE - 8, "a " + loadSize + "x" + loadSize + " image (--load-size)"
                + " holds more values than a Java array (2^31): lower --load-size");
        require((long) batchSize * channels * cropSize * cropSize <= Integer.MAX_VALUE - 8, "--batch-size " + batchSize + " of "
                + cropSize + "x" + cropSize + " crops holds more values than a Java array (2^31): lower --crop-size or --batch-size");
        require(sampleEvery >= 0 && checkpointEvery >= 0, "--sample-every and --checkpoint-every must be >= 0");
        require(autosaveMinutes >= 0, "--autosave-minutes must be >= 0");
        require(maxSteps >= 0, "--max-steps must be >= 0");
        require(poolSize >= 0, "--pool-size must be >= 0");
        require(workers > 0, "--workers must be positive");
        require(cacheMb >= 0 || cacheMb == CACHE_AUTO, "--cache-mb must be auto or >= 0");
        require(cyclegan4j.backend.Devices.isValid(device), "--device must be auto, cpu, cuda or cuda:N (N: the GPU's number), got '"
                + device + "'");
        require(name.matches("[A-Za-z0-9._-]+"), "--name may contain only letters, digits, '.', '_' and '-'");
        require(initFrom == null || !resume, "--init-from starts a new run from other weights, --resume continues this one: pass one of them");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new UsageException(message);
        }
    }

    CycleGanConfig modelConfig() {
        return new CycleGanConfig(channels, residualBlocks, lr, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, seed, upsampling,
                discriminator, ngf, ndf);
    }

    DataOptions dataOptions() {
        return new DataOptions(loadSize, cropSize, channels, flip, true, preprocess);
    }

    /** --cache-mb's value: "auto" ({@link #CACHE_AUTO}) or a number of MiB, at least 0. */
    static int cacheMb(String value) {
        if (value.equals("auto")) {
            return CACHE_AUTO;
        }
        try {
            int mb = Integer.parseInt(value);
            require(mb >= 0, "--cache-mb must be auto or >= 0, got " + value);
            return mb;
        } catch (NumberFormatException e) {
            throw new UsageException("--cache-mb must be auto or a whole number of MiB (0 to " + Integer.MAX_VALUE + "), got '" + value
                    + "'");
        }
    }

    /** The memory {@code train} may keep resized images in, in bytes. */
    long cacheBytes() {
        return cacheMb == CACHE_AUTO ? ImageCache.defaultBudget() : (long) cacheMb << 20;
    }

    Path runDir() {
        return out.resolve(name);
    }

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dataroot", dataroot.toAbsolutePath().normalize().toString()); // --resume works from any folder
        m.put("name", name);
        m.put("epochs", Integer.toString(epochs));
        m.put("decay_epoch", Integer.toString(decayEpoch));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("lr", Float.toString(lr));
        m.put("beta1", Float.toString(beta1));
        m.put("beta2", Float.toString(beta2));
        m.put("lambda_cyc", Float.toString(lambdaCycle));
        m.put("lambda_id", Float.toString(lambdaIdentity));
        m.put("n_residual_blocks", Integer.toString(residualBlocks));
        m.put("upsampling", upsampling.label());
        m.put("discriminator", discriminator.label());
        m.put("ngf", Integer.toString(ngf));
        m.put("ndf", Integer.toString(ndf));
        m.put("channels", Integer.toString(channels));
        m.put("load_size", Integer.toString(loadSize));
        m.put("crop_size", Integer.toString(cropSize));
        m.put("preprocess", preprocess.label());
        m.put("flip", Boolean.toString(flip));
        m.put("seed", Long.toString(seed));
        m.put("pool_size", Integer.toString(poolSize));
        m.put("sample_every", Integer.toString(sampleEvery)); // how the run is watched, also kept by --resume
        m.put("checkpoint_every", Integer.toString(checkpointEvery));
        m.put("autosave_minutes", Float.toString(autosaveMinutes));
        m.put("workers", Integer.toString(workers));
        m.put("cache_mb", cacheMb == CACHE_AUTO ? "auto" : Integer.toString(cacheMb));
        if (initFrom != null) {
            m.put("init_from", initFrom.toString());
        }
        return m;
    }
}
