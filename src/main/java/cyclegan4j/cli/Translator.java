package cyclegan4j.cli;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.Backend;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.data.ImageCodec;
import cyclegan4j.data.Transforms;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.CheckpointFormatException;
import cyclegan4j.io.Checkpoints;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * One generator of a checkpoint applied to whole images of any size, as `translate` and
 * `evaluate` use it. The image is scaled to [-1, 1] as in training ({@code v / 127.5 - 1}), padded
 * (edge pixels repeated) to a multiple of 4 (at least 8), run without gradients, and the result
 * cropped back to the input's size.
 */
final class Translator implements AutoCloseable {

    private final GeneratorResNet generator;
    private final Backend backend;
    private final int channels;

    private Translator(GeneratorResNet generator, Backend backend, int channels) {
        this.generator = generator;
        this.backend = backend;
        this.channels = channels;
    }

    /** The generator for {@code direction} (AtoB: G_AB, BtoA: G_BA) of a loaded checkpoint. */
    static Translator load(Checkpoint ck, String direction, Backend backend) throws CheckpointFormatException {
        String prefix = direction.equals("AtoB") ? "G_AB." : "G_BA.";
        GeneratorResNet g = generatorFor(ck, prefix, backend);
        return new Translator(g, backend, ck.tensor(prefix + "model.1.weight").shape()[1]);
    }

    /** A generator shaped like the checkpoint's (channels and residual blocks read off the tensors), loaded. */
    static GeneratorResNet generatorFor(Checkpoint ck, String prefix, Backend backend) throws CheckpointFormatException {
        if (!ck.hasTensor(prefix + "model.1.weight")) {
            String want = prefix.substring(0, 4), other = want.equals("G_AB") ? "G_BA" : "G_AB";
            throw new CheckpointFormatException(ck.source() + (ck.hasTensor(other + ".model.1.weight")
                    ? ": holds only the " + other + " generator (exported with one --direction), not " + want
                    : ": not a CycleGAN checkpoint (no tensor " + prefix + "model.1.weight)"));
        }
        int channels = ck.tensor(prefix + "model.1.weight").shape()[1];
        int blocks = 0;
        while (ck.hasTensor(prefix + "model." + (10 + blocks) + ".block.1.weight")) {
            blocks++;
        }
        GeneratorResNet g = new GeneratorResNet(backend, channels, blocks, new SplittableRandom(0));
        try {
            Checkpoints.loadModule(prefix, g, ck);
        } catch (CheckpointFormatException e) {
            g.close();
            throw e;
        }
        return g;
    }

    /** Image channels the generator expects (1 or 3): read images with this many. */
    int channels() {
        return channels;
    }

    /** The generator's output for an 8-bit image: CHW values in [-1, 1], the input's height and width. */
    float[] apply(ImageCodec.Planes img) {
        if (img.channels() != channels) {
            throw new IllegalArgumentException("image has " + img.channels() + " channels, the generator " + channels);
        }
        int h = img.height(), w = img.width();
        int ph = Math.max(8, (h + 3) / 4 * 4), pw = Math.max(8, (w + 3) / 4 * 4);
        float[] padded = new float[channels * ph * pw];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    float v = img.data()[(ch * h + Math.min(y, h - 1)) * w + Math.min(x, w - 1)];
                    padded[(ch * ph + y) * pw + x] = Transforms.normalize(v);
                }
            }
        }
        float[] result;
        try (Scope s = Scope.open(); var ng = Autograd.noGrad()) {
            result = generator.forward(Tensor.of(backend, padded, 1, channels, ph, pw)).toArray();
        }
        float[] cropped = new float[channels * h * w];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(result, (ch * ph + y) * pw, cropped, (ch * h + y) * w, w);
            }
        }
        return cropped;
    }

    @Override
    public void close() {
        generator.close();
    }
}
