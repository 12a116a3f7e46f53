package cyclegan4j.ops;

import cyclegan4j.autograd.Function;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Tensor;

import java.util.Arrays;

/**
 * Reflection or zero padding of the last two dimensions by (left, right, top, bottom), as
 * PyTorch's ReflectionPad2d / ZeroPad2d. Reflection needs each pad smaller than that dimension.
 */
public final class Pad2d extends Function {

    public enum Mode { REFLECT, ZERO }

    private final Mode mode;
    private final int planes, h, w, left, right, top, bottom;

    private Pad2d(Mode mode, int planes, int h, int w, int left, int right, int top, int bottom) {
        this.mode = mode;
        this.planes = planes;
        this.h = h;
        this.w = w;
        this.left = left;
        this.right = right;
        this.top = top;
        this.bottom = bottom;
    }

    public static Tensor apply(Mode mode, Tensor x, int left, int right, int top, int bottom) {
        String op = mode == Mode.REFLECT ? "reflection_pad2d" : "zero_pad2d";
        Shapes.requireRank(op, x, 4);
        int h = x.dim(2), w = x.dim(3);
        if (left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw new IllegalArgumentException(op + ": negative padding (" + left + ", " + right + ", " + top + ", " + bottom + ")");
        }
        if (mode == Mode.REFLECT && (left >= w || right >= w || top >= h || bottom >= h)) {
            throw new IllegalArgumentException(op + ": padding (" + left + ", " + right + ", " + top + ", " + bottom
                    + ") must be smaller than the input's spatial size " + h + "x" + w + " (shape "
                    + Arrays.toString(x.shape()) + ")");
        }
        int planes = x.dim(0) * x.dim(1);
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, x.dim(0), x.dim(1), h + top + bottom, w + left + right);
        if (mode == Mode.REFLECT) {
            be.reflectionPad2dForward(out.data(), x.data(), planes, h, w, left, right, top, bottom);
        } else {
            be.zeroPad2dForward(out.data(), x.data(), planes, h, w, left, right, top, bottom);
        }
        return new Pad2d(mode, planes, h, w, left, right, top, bottom).record(out, x);
    }

    @Override
    protected void backward(Buffer gradOut) {
        Backend be = inputs()[0].backend();
        Buffer g = newGrad(0);
        if (mode == Mode.REFLECT) {
            be.reflectionPad2dBackward(g, gradOut, planes, h, w, left, right, top, bottom);
        } else {
            be.zeroPad2dBackward(g, gradOut, planes, h, w, left, right, top, bottom);
        }
        accumulate(0, g);
    }
}
