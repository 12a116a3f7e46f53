package cyclegan4j.cyclegan;

import cyclegan4j.backend.Backend;
import cyclegan4j.nn.Conv2d;
import cyclegan4j.nn.Layers;
import cyclegan4j.nn.Module;
import cyclegan4j.nn.Sequential;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The PatchGAN discriminator of the reference: four Conv4/stride-2 blocks (64 without norm, 128,
 * 256, 512 with instance norm, LeakyReLU 0.2), ZeroPad2d((1, 0, 1, 0)), Conv4 pad 1 to one channel.
 * Output: N x 1 x H/16 x W/16.
 */
public final class Discriminator extends Module {

    private final Sequential model;

    public Discriminator(Backend backend, int channels, SplittableRandom rng) {
        List<Module> layers = new ArrayList<>();
        int in = channels;
        int[] widths = {64, 128, 256, 512};
        for (int i = 0; i < widths.length; i++) {
            layers.add(new Conv2d(backend, in, widths[i], 4, 2, 1, rng));
            if (i > 0) {
                layers.add(new Layers.InstanceNorm2d());
            }
            layers.add(new Layers.LeakyReLU(0.2f, true));
            in = widths[i];
        }
        layers.add(new Layers.ZeroPad2d(1, 0, 1, 0));
        layers.add(new Conv2d(backend, in, 1, 4, 1, 1, rng));
        model = registerModule("model", new Sequential(layers));
    }

    /** Output shape for an input of height h and width w: [1, h/16, w/16]. */
    public static int[] outputShape(int h, int w) {
        return new int[]{1, h / 16, w / 16};
    }

    @Override
    public Tensor forward(Tensor x) {
        // After four stride-2 convs the last instance norm sees (h/16) x (w/16) values per plane: it needs two.
        if (x.rank() != 4 || x.dim(2) < 16 || x.dim(3) < 16 || (x.dim(2) / 16) * (x.dim(3) / 16) < 2) {
            throw new IllegalArgumentException("Discriminator: input must be NCHW, at least 16 pixels on each side and 32 on one, got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return model.forward(x);
    }
}
