package cyclegan4j.cyclegan;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.Backend;
import cyclegan4j.nn.Adam;
import cyclegan4j.nn.Module;
import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The four networks, their optimizers and image pools, and one training step in the reference's
 * order (PyTorch-GAN cyclegan.py): the generator step (identity, GAN, cycle; back-propagated in
 * its independent parts to hold less memory, see generatorStep), then D_A, then D_B.
 * Call {@link #step} inside a {@code Scope}: every temporary it creates is freed when the scope ends.
 */
public final class CycleGan implements AutoCloseable {

    public final GeneratorResNet gAB;
    public final GeneratorResNet gBA;
    public final Discriminator dA;
    public final Discriminator dB;
    public final Adam optG;
    public final Adam optDA;
    public final Adam optDB;
    public final ImagePool poolA;
    public final ImagePool poolB;
    public final Rng poolRng;
    private final CycleGanConfig config;
    private final Backend backend;

    /** Host copies of the first batch element's images from the last step that asked for them. */
    private float[][] lastSample;
    private boolean gradientNorms;

    public CycleGan(Backend backend, CycleGanConfig config) {
        this.backend = backend;
        this.config = config;
        SplittableRandom init = new SplittableRandom(config.seed());
        gAB = new GeneratorResNet(backend, config.channels(), config.residualBlocks(), config.ngf(), config.upsampling(), init);
        gBA = new GeneratorResNet(backend, config.channels(), config.residualBlocks(), config.ngf(), config.upsampling(), init);
        dA = new Discriminator(backend, config.channels(), config.ndf(), config.discriminator(), init);
        dB = new Discriminator(backend, config.channels(), config.ndf(), config.discriminator(), init);
        List<Tensor> gParams = new ArrayList<>(gAB.parameters());
        gParams.addAll(gBA.parameters());
        optG = new Adam(gParams, config.lr(), config.beta1(), config.beta2());
        optDA = new Adam(dA.parameters(), config.lr(), config.beta1(), config.beta2());
        optDB = new Adam(dB.parameters(), config.lr(), config.beta1(), config.beta2());
        poolRng = new Rng(config.seed() ^ 0x5DEECE66DL);
        poolA = new ImagePool(config.poolSize(), poolRng);
        poolB = new ImagePool(config.poolSize(), poolRng);
    }

    public CycleGanConfig config() {
        return config;
    }

    public Backend backend() {
        return backend;
    }

    /** The four networks by checkpoint prefix. */
    public List<Module> networks() {
        return List.of(gAB, gBA, dA, dB);
    }

    public void setLr(float lr) {
        optG.setLr(lr);
        optDA.setLr(lr);
        optDB.setLr(lr);
    }

    /**
     * With {@code on}, every step also measures the L2 norms of its gradients (two generators
     * together, D_A, D_B) and returns them in its {@link StepLosses}. They come back in the step's one
     * copy from the device; the cost is one extra read of every gradient. Off by default (the
     * reference's step, which {@code bench} times).
     */
    public void trackGradientNorms(boolean on) {
        gradientNorms = on;
    }

    /** One training step on a batch of each domain (NCHW in [-1, 1]); returns the losses (waits for the device). */
    public StepLosses step(Tensor realA, Tensor realB) {
        return step(realA, realB, false);
    }

    /**
     * As {@link #step(Tensor, Tensor)}; with {@code captureSample}, also keeps host copies of the
     * first image of real A, fake B, recovered A, real B, fake A, recovered B ({@link #lastSampleImages()}).
     */
    public StepLosses step(Tensor realA, Tensor realB, boolean captureSample) {
        GeneratorPass g = generatorStep(realA, realB);

        // ---- discriminators, on real images and on pooled fakes (cut from the generator graph).
        Tensor lossDA = discriminatorStep(dA, optDA, realA, poolA.pushAndPop(g.fakeA.detach()));
        Tensor lossDB = discriminatorStep(dB, optDB, realB, poolB.pushAndPop(g.fakeB.detach()));

        if (captureSample) {
            lastSample = firstImages(realA, g.fakeB, g.recovA, realB, g.fakeA, g.recovB);
        }
        // the only wait for the device in a step: all six losses (and three squared norms) come back in one copy
        Tensor identity = g.identity == null ? Tensor.zeros(backend, 1) : g.identity;
        if (!gradientNorms) {
            float[] v = Tensor.items(g.loss, g.gan, g.cycle, identity, lossDA, lossDB);
            return new StepLosses(v[0], v[1], v[2], v[3], (v[4] + v[5]) / 2f);
        }
        float[] v = Tensor.items(g.loss, g.gan, g.cycle, identity, lossDA, lossDB, squaredGradientNorm(optG),
                squaredGradientNorm(optDA), squaredGradientNorm(optDB));
        return new StepLosses(v[0], v[1], v[2], v[3], (v[4] + v[5]) / 2f,
                new StepLosses.GradientNorms((float) Math.sqrt(v[6]), (float) Math.sqrt(v[7]), (float) Math.sqrt(v[8])));
    }

    /** The sum of the squares of an optimizer's gradients, a scalar left on the device. */
    private Tensor squaredGradientNorm(Adam opt) {
        Tensor sum = Tensor.zeros(backend, 1);
        backend.sumOfSquares(sum.data(), opt.gradients(), opt.sizes());
        return sum;
    }

    /** What the generator step produced: its losses and images (the fakes feed the discriminator step). */
    private record GeneratorPass(Tensor loss, Tensor gan, Tensor cycle, Tensor identity,
                                 Tensor fakeA, Tensor fakeB, Tensor recovA, Tensor recovB) {
    }

    /**
     * Identity, GAN and cycle losses, backward, Adam step for both generators. The discriminators'
     * weights need no gradient here (their optimizers zero it before use anyway), which saves their
     * weight-gradient GEMMs.
     *
     * <p>The reference builds the six generator passes of loss_G and back-propagates once. The loss
     * is a sum of independent parts (the identity term; each direction's GAN and cycle terms), so
     * each part is back-propagated at once, in a scope of its own, and freed before the next runs:
     * the step holds two generator passes' activations at its peak instead of six. The gradients
     * are the same sums, accumulated in another order; the loss values are the reference's.
     */
    private GeneratorPass generatorStep(Tensor realA, Tensor realB) {
        setRequiresGrad(dA, false);
        setRequiresGrad(dB, false);
        try {
            optG.zeroGrad();
            Tensor identity = config.lambdaIdentity() > 0 ? identityBackward(realA, realB) : null;
            Direction ab = directionBackward(gAB, gBA, dB, realA);
            Direction ba = directionBackward(gBA, gAB, dA, realB);
            optG.step();
            try (var ng = Autograd.noGrad()) { // the logged values; the gradients are done
                Tensor lossGan = F.mul(F.add(ab.gan, ba.gan), 0.5f);
                Tensor lossCycle = F.mul(F.add(ab.cycle, ba.cycle), 0.5f);
                Tensor lossG = F.add(lossGan, F.mul(lossCycle, config.lambdaCycle()));
                if (identity != null) {
                    lossG = F.add(lossG, F.mul(identity, config.lambdaIdentity()));
                }
                return new GeneratorPass(lossG, lossGan, lossCycle, identity, ba.fake, ab.fake, ab.recov, ba.recov);
            }
        } finally {
            setRequiresGrad(dA, true);
            setRequiresGrad(dB, true);
        }
    }

    /**
     * The identity loss (mean of |G_BA(a) - a| and |G_AB(b) - b|), with lambda_id times its gradient
     * accumulated into the generators' gradients. Everything but the returned value is freed.
     */
    private Tensor identityBackward(Tensor realA, Tensor realB) {
        Tensor value = Tensor.empty(backend, 1); // in the step's scope
        try (Scope pass = Scope.open()) {
            Tensor idA = F.l1Loss(gBA.forward(realA), realA);
            Tensor idB = F.l1Loss(gAB.forward(realB), realB);
            Tensor identity = F.mul(F.add(idA, idB), 0.5f);
            F.mul(identity, config.lambdaIdentity()).backward();
            backend.copy(value.data(), identity.data(), 1);
        }
        return value;
    }

    /** One direction's fake and reconstruction and its GAN and cycle loss values. */
    private record Direction(Tensor fake, Tensor recov, Tensor gan, Tensor cycle) {
    }

    /**
     * One direction: fake = g(real), judged by d (LSGAN, against "real"), and recov = back(fake),
     * compared with real (L1). Accumulates the gradient of 0.5 gan + 0.5 lambda_cyc cycle into the
     * generators (the reference averages each term over the two directions). Only the two images
     * and the two loss values outlive the pass.
     */
    private Direction directionBackward(GeneratorResNet g, GeneratorResNet back, Discriminator d, Tensor real) {
        Direction out = new Direction(Tensor.empty(backend, real.shape()), Tensor.empty(backend, real.shape()),
                Tensor.empty(backend, 1), Tensor.empty(backend, 1)); // in the step's scope
        try (Scope pass = Scope.open()) {
            Tensor fake = g.forward(real);
            Tensor gan = lsgan(d.forward(fake), true);
            Tensor recov = back.forward(fake);
            Tensor cycle = F.l1Loss(recov, real);
            F.add(F.mul(gan, 0.5f), F.mul(cycle, 0.5f * config.lambdaCycle())).backward();
            backend.copy(out.fake.data(), fake.data(), fake.numel());
            backend.copy(out.recov.data(), recov.data(), recov.numel());
            backend.copy(out.gan.data(), gan.data(), 1);
            backend.copy(out.cycle.data(), cycle.data(), 1);
        }
        return out;
    }

    /**
     * The LSGAN loss of a discriminator's output: its mean squared distance from 1 (judged real) or
     * 0. The target takes the output's shape, which differs from image to image when images do
     * (--preprocess scale_width and none, where a pooled fake may also differ from the real image).
     */
    private Tensor lsgan(Tensor judged, boolean real) {
        return F.mseLoss(judged, Tensor.full(backend, real ? 1f : 0f, judged.shape()));
    }

    private Tensor discriminatorStep(Discriminator d, Adam opt, Tensor real, Tensor pooledFake) {
        opt.zeroGrad();
        Tensor lossReal = lsgan(d.forward(real), true);
        Tensor lossFake = lsgan(d.forward(pooledFake), false);
        Tensor loss = F.mul(F.add(lossReal, lossFake), 0.5f);
        loss.backward();
        opt.step();
        return loss;
    }

    private static void setRequiresGrad(Module m, boolean on) {
        for (Tensor p : m.parameters()) {
            p.requiresGrad(on);
        }
    }

    /** Translates a batch without building a graph. */
    public Tensor translate(Tensor x, boolean aToB) {
        try (var ng = Autograd.noGrad()) {
            return (aToB ? gAB : gBA).forward(x);
        }
    }

    /**
     * The images captured by the last {@code step(..., true)}: real A, fake B, recovered A, real B,
     * fake A, recovered B (each C*H*W floats in [-1, 1]); null before any.
     */
    public float[][] lastSampleImages() {
        return lastSample;
    }

    /**
     * The generators on fixed images, for sample grids of held-out data: real A, fake B,
     * recovered A, real B, fake A, recovered B, each an NCHW array like its input. No gradients;
     * nothing the training reads (weights, pools, random streams) changes.
     */
    public float[][] translateBoth(Tensor realA, Tensor realB) {
        try (Scope s = Scope.open(); var ng = Autograd.noGrad()) {
            Tensor fakeB = gAB.forward(realA);
            Tensor recovA = gBA.forward(fakeB);
            Tensor fakeA = gBA.forward(realB);
            Tensor recovB = gAB.forward(fakeA);
            return new float[][]{realA.toArray(), fakeB.toArray(), recovA.toArray(), realB.toArray(), fakeA.toArray(), recovB.toArray()};
        }
    }

    private static float[][] firstImages(Tensor... all) {
        float[][] out = new float[all.length][];
        for (int i = 0; i < all.length; i++) {
            float[] v = all[i].toArray();
            out[i] = java.util.Arrays.copyOf(v, v.length / all[i].dim(0));
        }
        return out;
    }

    @Override
    public void close() {
        for (Module m : networks()) {
            m.close();
        }
        optG.close();
        optDA.close();
        optDB.close();
        poolA.close();
        poolB.close();
    }
}
