package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Tensor;

/** Nearest-neighbour upsampling of the last two dimensions by an integer factor. */
public final class Upsample extends Function {

    private final int planes, h, w, factor;

    private Upsample(int planes, int h, int w, int factor) {
        this.planes = planes;
        this.h = h;
        this.w = w;
        this.factor = factor;
    }

    public static Tensor apply(Tensor x, int factor) {
        Shapes.requireRank("upsample_nearest", x, 4);
        if (factor < 1) {
            throw new IllegalArgumentException("upsample_nearest: factor must be >= 1, got " + factor);
        }
        Backend be = x.backend();
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
        Tensor out = Tensor.empty(be, x.dim(0), x.dim(1), h * factor, w * factor);
        be.upsampleNearestForward(out.data(), x.data(), planes, h, w, factor);
        return new Upsample(planes, h, w, factor).record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Buffer g = newGrad(0);
        inputs()[0].backend().upsampleNearestBackward(g, gradOut, planes, h, w, factor);
        accumulate(0, g);
    }
}
