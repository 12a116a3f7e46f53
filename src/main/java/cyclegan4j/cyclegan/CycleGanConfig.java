package cyclegan4j.cyclegan;

import cyclegan4j.cyclegan.GeneratorResNet.Upsampling;

/**
 * The model and optimisation settings, defaults as the PyTorch-GAN reference: 3 channels, 9
 * residual blocks, Adam 2e-4 with betas (0.5, 0.999), lambda_cyc 10, lambda_id 5, a 50-image pool,
 * and the paper's widths (64 filters in the first layer of each network: ngf, ndf).
 */
public record CycleGanConfig(int channels, int residualBlocks, float lr, float beta1, float beta2,
                             float lambdaCycle, float lambdaIdentity, int poolSize, long seed, Upsampling upsampling,
                             Discriminator.Layout discriminator, int ngf, int ndf) {

    /** With the default generators (nearest upsampling) and discriminators (PyTorch-GAN's), at the paper's widths. */
    public CycleGanConfig(int channels, int residualBlocks, float lr, float beta1, float beta2,
                          float lambdaCycle, float lambdaIdentity, int poolSize, long seed) {
        this(channels, residualBlocks, lr, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, seed, Upsampling.NEAREST,
                Discriminator.Layout.PYTORCH_GAN, GeneratorResNet.DEFAULT_WIDTH, Discriminator.DEFAULT_WIDTH);
    }

    public static CycleGanConfig defaults() {
        return new CycleGanConfig(3, 9, 2e-4f, 0.5f, 0.999f, 10f, 5f, 50, 0L);
    }

    /**
     * The widest --ngf and --ndf: 16 times the paper's 64 (a residual convolution of width 1024
     * holds 151 M weights); far wider ones would not fit a Java array's 2^31 floats.
     */
    public static final int MAX_WIDTH = 1024;

    public CycleGanConfig {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (upsampling == null || discriminator == null || residualBlocks < 0 || !(lr > 0) || !(lambdaCycle >= 0) || !(lambdaIdentity >= 0)
                || poolSize < 0 || ngf <= 0 || ndf <= 0 || ngf > MAX_WIDTH || ndf > MAX_WIDTH) {
            throw new IllegalArgumentException("invalid CycleGAN settings: " + this);
        }
    }

    public CycleGanConfig withChannels(int c) {
        return new CycleGanConfig(c, residualBlocks, lr, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, seed, upsampling, discriminator, ngf, ndf);
    }

    public CycleGanConfig withResidualBlocks(int n) {
        return new CycleGanConfig(channels, n, lr, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, seed, upsampling, discriminator, ngf, ndf);
    }

    public CycleGanConfig withLr(float v) {
        return new CycleGanConfig(channels, residualBlocks, v, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, seed, upsampling, discriminator, ngf, ndf);
    }

    public CycleGanConfig withLambdas(float cyc, float id) {
        return new CycleGanConfig(channels, residualBlocks, lr, beta1, beta2, cyc, id, poolSize, seed, upsampling, discriminator, ngf, ndf);
    }

    public CycleGanConfig withUpsampling(Upsampling u) {
        return new CycleGanConfig(channels, residualBlocks, lr, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, seed, u, discriminator, ngf, ndf);
    }

    public CycleGanConfig withDiscriminator(Discriminator.Layout d) {
        return new CycleGanConfig(channels, residualBlocks, lr, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, seed, upsampling, d, ngf, ndf);
    }

    /** The first layer's filters in each generator (g) and discriminator (d); the others scale with them. */
    public CycleGanConfig withWidths(int g, int d) {
        return new CycleGanConfig(channels, residualBlocks, lr, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, seed, upsampling, discriminator, g, d);
    }

    public CycleGanConfig withSeed(long s) {
        return new CycleGanConfig(channels, residualBlocks, lr, beta1, beta2, lambdaCycle, lambdaIdentity, poolSize, s, upsampling, discriminator, ngf, ndf);
    }
}
