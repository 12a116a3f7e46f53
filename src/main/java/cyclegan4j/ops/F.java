package cyclegan4j.ops;

import cyclegan4j.tensor.Tensor;

/** The functional API, named after torch.nn.functional: one line per op, the op itself lives in its class. */
public final class F {

    private F() {
    }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int pad) {
        return Conv2d.apply(x, weight, bias, stride, pad);
    }

    public static Tensor reflectionPad2d(Tensor x, int left, int right, int top, int bottom) {
        return Pad2d.apply(Pad2d.Mode.REFLECT, x, left, right, top, bottom);
    }

    public static Tensor zeroPad2d(Tensor x, int left, int right, int top, int bottom) {
        return Pad2d.apply(Pad2d.Mode.ZERO, x, left, right, top, bottom);
    }

    public static Tensor instanceNorm2d(Tensor x, float eps) {
        return InstanceNorm.apply(x, eps);
    }

    /** leakyRelu(instanceNorm2d(x, eps), slope) as one op (slope >= 0; 0 is ReLU): one pass fewer, the output not kept. */
    public static Tensor instanceNorm2dLeakyRelu(Tensor x, float eps, float slope) {
        return InstanceNorm.applyLeakyRelu(x, eps, slope);
    }

    public static Tensor relu(Tensor x) {
        return LeakyRelu.apply(x, 0f);
    }

    public static Tensor leakyRelu(Tensor x, float slope) {
        return LeakyRelu.apply(x, slope);
    }

    /** LeakyReLU (slope >= 0; 0 is ReLU) written over x, for an x that nothing else reads afterwards. */
    public static Tensor leakyReluInPlace(Tensor x, float slope) {
        return LeakyRelu.applyInPlace(x, slope);
    }

    public static Tensor tanh(Tensor x) {
        return Tanh.apply(x);
    }

    public static Tensor upsampleNearest(Tensor x, int factor) {
        return Upsample.apply(x, factor);
    }

    /** PyTorch's conv_transpose2d: weight [cIn, cOut, k, k], bias [cOut] or null, 0 &lt;= outputPadding &lt; stride. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int stride, int pad, int outputPadding) {
        return ConvTranspose2d.apply(x, weight, bias, stride, pad, outputPadding);
    }

    /** conv2d(upsampleNearest(x, 2), weight, bias, 1, 1) for a 3x3 weight, as one op (the decoder's layers). */
    public static Tensor upsampleConv2d(Tensor x, Tensor weight, Tensor bias) {
        return Conv2d.applyUpsampled(x, weight, bias);
    }

    public static Tensor add(Tensor a, Tensor b) {
        return Add.apply(a, b);
    }

    public static Tensor mul(Tensor x, float alpha) {
        return Scale.apply(x, alpha);
    }

    public static Tensor mean(Tensor x) {
        return Mean.apply(x);
    }

    public static Tensor mseLoss(Tensor prediction, Tensor target) {
        return Loss.apply(Loss.Kind.MSE, prediction, target);
    }

    public static Tensor l1Loss(Tensor prediction, Tensor target) {
        return Loss.apply(Loss.Kind.L1, prediction, target);
    }
}
