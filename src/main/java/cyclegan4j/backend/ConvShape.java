package cyclegan4j.backend;

/**
 * The geometry of one 2-D convolution (NCHW input, OIHW weight, square stride and symmetric zero
 * padding, as PyTorch's {@code Conv2d(..., stride=s, padding=p)}).
 */
public record ConvShape(int n, int cIn, int h, int w, int cOut, int kh, int kw, int stride, int pad) {

    public ConvShape {
        if (n <= 0 || cIn <= 0 || h <= 0 || w <= 0 || cOut <= 0 || kh <= 0 || kw <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException("conv2d: invalid geometry " + this);
        }
        if (h + 2 * pad < kh || w + 2 * pad < kw) {
            throw new IllegalArgumentException("conv2d: kernel " + kh + "x" + kw + " larger than padded input "
                    + (h + 2 * pad) + "x" + (w + 2 * pad));
        }
    }

    public int outH() {
        return (h + 2 * pad - kh) / stride + 1;
    }

    public int outW() {
        return (w + 2 * pad - kw) / stride + 1;
    }

    /** Length of one im2col column: cIn * kh * kw. */
    public int patch() {
        return cIn * kh * kw;
    }

    /**
     * This shape, when it is one that {@code Backend.upsampleConv2d*} takes: a 3x3, stride-1, pad-1
     * convolution of an even height and width (the 2x-upsampled input); else throws.
     */
    public ConvShape requireUpsampledConv() {
        if (kh != 3 || kw != 3 || stride != 1 || pad != 1 || h % 2 != 0 || w % 2 != 0) {
            throw new IllegalArgumentException("upsample + conv needs a 3x3, stride-1, pad-1 convolution of an even size: " + this);
        }
        return this;
    }

    /** Multiply-adds of the forward pass, times two (the usual FLOP count). */
    public double flops() {
        return 2.0 * n * cOut * (double) outH() * outW() * patch();
    }
}
