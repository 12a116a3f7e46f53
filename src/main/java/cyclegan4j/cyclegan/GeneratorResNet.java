package cyclegan4j.cyclegan;

import cyclegan4j.backend.Backend;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.CheckpointFormatException;
import cyclegan4j.nn.Conv2d;
import cyclegan4j.nn.ConvTranspose2d;
import cyclegan4j.nn.Layers;
import cyclegan4j.nn.Module;
import cyclegan4j.nn.Sequential;
import cyclegan4j.onnx.OnnxGraph;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The CycleGAN ResNet generator (c7s1-64, d128, d256, n residual blocks, u128, u64, c7s1-C, tanh)
 * in the layer order of the PyTorch-GAN reference, so parameter names match its state_dict
 * ({@code model.1.weight}, {@code model.10.block.1.weight}, ...); or, with
 * {@link Upsampling#TRANSPOSED}, in the layout of the paper's authors' code. The widths scale with
 * {@code ngf} (the authors' --ngf: 64 in the paper; c7s1-ngf, d2ngf, d4ngf, ...). Input height and
 * width must be multiples of 4.
 */
public final class GeneratorResNet extends Module {

    /** How u128 and u64 double the resolution. */
    public enum Upsampling {
        /** Nearest 2x upsampling, then a 3x3 convolution: the PyTorch-GAN reference's (the default). */
        NEAREST,
        /**
         * A 3x3 transposed convolution of stride 2 (output padding 1): the paper's fractionally
         * strided layers. Residual blocks are named conv_block, so the state_dict of the authors'
         * ResnetGenerator (instance norm, no dropout) loads as it is ({@code model.19.weight} is
         * the first transposed convolution with 9 blocks).
         */
        TRANSPOSED;

        /** The command-line name: "nearest" or "transposed". */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Upsampling parse(String label) {
            for (Upsampling u : values()) {
                if (u.label().equals(label)) {
                    return u;
                }
            }
            throw new IllegalArgumentException("upsampling must be nearest or transposed, got '" + label + "'");
        }
    }

    /** The paper's width (ngf): 64 filters in the first layer. */
    public static final int DEFAULT_WIDTH = 64;

    private final Sequential model;

    public GeneratorResNet(Backend backend, int channels, int residualBlocks, SplittableRandom rng) {
        this(backend, channels, residualBlocks, Upsampling.NEAREST, rng);
    }

    public GeneratorResNet(Backend backend, int channels, int residualBlocks, Upsampling upsampling, SplittableRandom rng) {
        this(backend, channels, residualBlocks, DEFAULT_WIDTH, upsampling, rng);
    }

    /** @param rng draws the initial weights (the reference's N(0, 0.02^2)); null leaves them zero, for weights loaded next */
    public GeneratorResNet(Backend backend, int channels, int residualBlocks, int ngf, Upsampling upsampling, SplittableRandom rng) {
        if (channels <= 0 || residualBlocks < 0 || ngf <= 0) {
            throw new IllegalArgumentException("GeneratorResNet: channels=" + channels + " residualBlocks=" + residualBlocks + " ngf=" + ngf);
        }
        List<Module> layers = new ArrayList<>();
        int features = ngf;
        layers.add(new Layers.ReflectionPad2d(3));
        layers.add(new Conv2d(backend, channels, features, 7, 1, 0, rng));
        layers.add(new Layers.InstanceNorm2d());
        layers.add(new Layers.ReLU(true));
        for (int i = 0; i < 2; i++) { // downsampling
            layers.add(new Conv2d(backend, features, features * 2, 3, 2, 1, rng));
            layers.add(new Layers.InstanceNorm2d());
            layers.add(new Layers.ReLU(true));
            features *= 2;
        }
        String blockName = upsampling == Upsampling.TRANSPOSED ? "conv_block" : "block";
        for (int i = 0; i < residualBlocks; i++) {
            layers.add(new ResidualBlock(backend, features, blockName, rng));
        }
        for (int i = 0; i < 2; i++) { // upsampling
            if (upsampling == Upsampling.TRANSPOSED) {
                layers.add(new ConvTranspose2d(backend, features, features / 2, 3, 2, 1, 1, rng));
            } else {
                layers.add(new Layers.Upsample(2));
                layers.add(new Conv2d(backend, features, features / 2, 3, 1, 1, rng));
            }
            layers.add(new Layers.InstanceNorm2d());
            layers.add(new Layers.ReLU(true));
            features /= 2;
        }
        layers.add(new Layers.ReflectionPad2d(3));
        layers.add(new Conv2d(backend, features, channels, 7, 1, 0, rng));
        layers.add(new Layers.Tanh());
        model = registerModule("model", new Sequential(layers));
    }

    /** The shape of a stored generator: what the constructor needs besides the backend. */
    public record Stored(int channels, int residualBlocks, int ngf, Upsampling upsampling) {
    }

    /**
     * The shape of the generator stored under {@code prefix} (e.g. "G_AB."), read off its tensors:
     * channels and ngf from the first convolution, the layout from the names (PyTorch-GAN's residual
     * blocks are "block", the authors' "conv_block", and after them comes an upsampling layer
     * without parameters or a transposed convolution).
     *
     * @throws CheckpointFormatException when there is no generator under that prefix, or one of
     *     another kind (a discriminator; the authors' variants with batch norm or dropout), said so
     */
    public static Stored stored(Checkpoint ck, String prefix) throws CheckpointFormatException {
        String where = (ck.source() == null ? "checkpoint" : ck.source().toString()) + (prefix.isEmpty() ? "" : " (" + prefix + ")");
        int[] first = ck.tensor(prefix + "model.1.weight").shape(); // [ngf][channels][7][7]
        if (first.length != 4 || first[2] != 7 || first[3] != 7) {
            throw new CheckpointFormatException(where + ": not a ResNet generator: its first convolution model.1.weight has shape "
                    + java.util.Arrays.toString(first) + " where a generator's is [ngf, channels, 7, 7]"
                    + (first.length == 4 && first[2] == 4 ? " (4x4: a discriminator's)" : ""));
        }
        if (ck.hasTensor(prefix + "model.2.running_mean")) {
            throw new CheckpointFormatException(where + ": a generator with batch norm (model.2.weight / running_mean; the authors'"
                    + " --norm batch): cyclegan4j's generators use instance norm without weights (--norm instance, CycleGAN's default)");
        }
        if (ck.hasTensor(prefix + "model.2.weight")) {
            throw new CheckpointFormatException(where + ": a generator whose norm layers have weights (model.2.weight: an affine"
                    + " instance norm, InstanceNorm2d(affine=True)): cyclegan4j's generators use instance norm without weights"
                    + " (--norm instance, CycleGAN's default)");
        }
        if (ck.hasTensor(prefix + "model.10.conv_block.6.weight")) {
            throw new CheckpointFormatException(where + ": a generator with dropout in its residual blocks (the authors' use_dropout,"
                    + " pix2pix's default), which cyclegan4j's generators do not have (their CycleGAN models use --no_dropout)");
        }
        String blockName = ck.hasTensor(prefix + "model.10.conv_block.1.weight") ? "conv_block" : "block";
        int blocks = 0;
        while (ck.hasTensor(prefix + "model." + (10 + blocks) + "." + blockName + ".1.weight")) {
            blocks++;
        }
        Upsampling upsampling = ck.hasTensor(prefix + "model." + (10 + blocks) + ".weight") ? Upsampling.TRANSPOSED : Upsampling.NEAREST;
        return new Stored(first[1], blocks, first[0], upsampling);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(2) % 4 != 0 || x.dim(3) % 4 != 0) {
            throw new IllegalArgumentException("GeneratorResNet: input must be NCHW with height and width multiples of 4, got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return model.forward(x);
    }

    @Override
    public String toOnnx(OnnxGraph graph, String input, String prefix) {
        return model.toOnnx(graph, input, prefix + "model.");
    }
}
