package cyclegan4j.cyclegan;

import cyclegan4j.backend.Backend;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.CheckpointFormatException;
import cyclegan4j.nn.Conv2d;
import cyclegan4j.nn.Layers;
import cyclegan4j.nn.Module;
import cyclegan4j.nn.Sequential;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A PatchGAN discriminator: Conv4 blocks (64 without norm, 128, 256, 512 with instance norm,
 * LeakyReLU 0.2) and a Conv4 to one channel, in one of two layouts ({@link Layout}). The widths
 * scale with {@code ndf} (the authors' --ndf: 64 in the paper; ndf, 2ndf, 4ndf, 8ndf).
 */
public final class Discriminator extends Module {

    /** Which PatchGAN. */
    public enum Layout {
        /**
         * The PyTorch-GAN reference's (the default): four stride-2 blocks, ZeroPad2d((1, 0, 1, 0)),
         * Conv4 pad 1. Each output sees a 94x94 patch; output N x 1 x H/16 x W/16.
         */
        PYTORCH_GAN,
        /**
         * The paper's 70x70 PatchGAN, in the layout of its authors' NLayerDiscriminator (3 layers):
         * three stride-2 blocks, a stride-1 block of 512, Conv4 stride 1 pad 1 (model.0, 2, 5, 8,
         * 11). Output N x 1 x (H/8 - 2) x (W/8 - 2): 30 x 30 for 256 x 256.
         */
        PATCH70;

        /** The command-line name: "pytorch-gan" or "patch70". */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Layout parse(String label) {
            for (Layout l : values()) {
                if (l.label().equals(label)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("discriminator must be pytorch-gan or patch70, got '" + label + "'");
        }
    }

    /** The paper's width (ndf): 64 filters in the first layer. */
    public static final int DEFAULT_WIDTH = 64;

    private final Sequential model;
    private final Layout layout;

    public Discriminator(Backend backend, int channels, SplittableRandom rng) {
        this(backend, channels, Layout.PYTORCH_GAN, rng);
    }

    public Discriminator(Backend backend, int channels, Layout layout, SplittableRandom rng) {
        this(backend, channels, DEFAULT_WIDTH, layout, rng);
    }

    public Discriminator(Backend backend, int channels, int ndf, Layout layout, SplittableRandom rng) {
        if (channels <= 0 || ndf <= 0) {
            throw new IllegalArgumentException("Discriminator: channels=" + channels + " ndf=" + ndf);
        }
        this.layout = layout;
        List<Module> layers = new ArrayList<>();
        int in = channels;
        int[] widths = {ndf, 2 * ndf, 4 * ndf, 8 * ndf};
        for (int i = 0; i < widths.length; i++) {
            int stride = layout == Layout.PATCH70 && i == widths.length - 1 ? 1 : 2; // the 70x70's last block keeps the size
            layers.add(new Conv2d(backend, in, widths[i], 4, stride, 1, rng));
            if (i > 0) {
                layers.add(new Layers.InstanceNorm2d());
            }
            layers.add(new Layers.LeakyReLU(0.2f, true));
            in = widths[i];
        }
        if (layout == Layout.PYTORCH_GAN) {
            layers.add(new Layers.ZeroPad2d(1, 0, 1, 0));
        }
        layers.add(new Conv2d(backend, in, 1, 4, 1, 1, rng));
        model = registerModule("model", new Sequential(layers));
    }

    /** The shape of a stored discriminator: what the constructor needs besides the backend. */
    public record Stored(int channels, int ndf, Layout layout) {
    }

    /**
     * The shape of the discriminator stored under {@code prefix} (e.g. "D_A."): channels and ndf from
     * the first convolution, the layout from where the last convolution is (model.12 or model.11).
     *
     * @throws CheckpointFormatException when there is no discriminator under that prefix
     */
    public static Stored stored(Checkpoint ck, String prefix) throws CheckpointFormatException {
        int[] first = ck.tensor(prefix + "model.0.weight").shape(); // [ndf][channels][4][4]
        return new Stored(first[1], first[0], ck.hasTensor(prefix + "model.12.weight") ? Layout.PYTORCH_GAN : Layout.PATCH70);
    }

    /** Output shape of the PyTorch-GAN layout for an input of height h and width w: [1, h/16, w/16]. */
    public static int[] outputShape(int h, int w) {
        return outputShape(Layout.PYTORCH_GAN, h, w);
    }

    /** Output shape for an input of height h and width w (each stride-2 Conv4 pad 1 halves, rounding down). */
    public static int[] outputShape(Layout layout, int h, int w) {
        return layout == Layout.PYTORCH_GAN ? new int[]{1, h / 16, w / 16} : new int[]{1, h / 2 / 2 / 2 - 2, w / 2 / 2 / 2 - 2};
    }

    public Layout layout() {
        return layout;
    }

    @Override
    public Tensor forward(Tensor x) {
        // The last instance norm sees (h/16) x (w/16) values per plane (PyTorch-GAN), or (h/8 - 1) x (w/8 - 1)
        // (70x70): it needs two; the 70x70's output needs a pixel.
        boolean ok = x.rank() == 4 && (layout == Layout.PYTORCH_GAN
                ? x.dim(2) >= 16 && x.dim(3) >= 16 && (x.dim(2) / 16) * (x.dim(3) / 16) >= 2
                : x.dim(2) >= 24 && x.dim(3) >= 24);
        if (!ok) {
            throw new IllegalArgumentException("Discriminator (" + layout.label() + "): input must be NCHW, "
                    + (layout == Layout.PYTORCH_GAN ? "at least 16 pixels on each side and 32 on one" : "at least 24 pixels on each side")
                    + ", got " + java.util.Arrays.toString(x.shape()));
        }
        return model.forward(x);
    }
}
