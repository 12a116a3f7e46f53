package cyclegan4j.nn;

import cyclegan4j.ops.F;
import cyclegan4j.tensor.Tensor;

/** The parameter-free layers, each a thin Module over one op of {@link F}. */
public final class Layers {

    private Layers() {
    }

    /** InstanceNorm2d(affine=False, track_running_stats=False), eps 1e-5. */
    public static final class InstanceNorm2d extends Module {
        public static final float EPS = 1e-5f;

        @Override
        public Tensor forward(Tensor x) {
            return F.instanceNorm2d(x, EPS);
        }

        /** This layer and the activation after it as one op ({@link Sequential} fuses such a pair). */
        Tensor forwardActivated(Tensor x, float slope) {
            return F.instanceNorm2dLeakyRelu(x, EPS, slope);
        }
    }

    /** ReflectionPad2d with (left, right, top, bottom) padding. */
    public static final class ReflectionPad2d extends Module {
        private final int left, right, top, bottom;

        public ReflectionPad2d(int pad) {
            this(pad, pad, pad, pad);
        }

        public ReflectionPad2d(int left, int right, int top, int bottom) {
            this.left = left;
            this.right = right;
            this.top = top;
            this.bottom = bottom;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.reflectionPad2d(x, left, right, top, bottom);
        }
    }

    /** ZeroPad2d with (left, right, top, bottom) padding. */
    public static final class ZeroPad2d extends Module {
        private final int left, right, top, bottom;

        public ZeroPad2d(int left, int right, int top, int bottom) {
            this.left = left;
            this.right = right;
            this.top = top;
            this.bottom = bottom;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.zeroPad2d(x, left, right, top, bottom);
        }
    }

    /** Upsample(scale_factor=f, mode='nearest'). */
    public static final class Upsample extends Module {
        private final int factor;

        public Upsample(int factor) {
            this.factor = factor;
        }

        public int factor() {
            return factor;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.upsampleNearest(x, factor);
        }
    }

    /**
     * ReLU; with {@code inPlace} written over its input (PyTorch's {@code ReLU(inplace=True)}), for an
     * input nothing else reads afterwards, e.g. an instance norm's output.
     */
    public static final class ReLU extends Module {
        private final boolean inPlace;

        public ReLU(boolean inPlace) {
            this.inPlace = inPlace;
        }

        @Override
        public Tensor forward(Tensor x) {
            return inPlace ? F.leakyReluInPlace(x, 0f) : F.relu(x);
        }

        float slope() {
            return 0f;
        }
    }

    /** LeakyReLU; {@code inPlace} as for {@link ReLU}. */
    public static final class LeakyReLU extends Module {
        private final float slope;
        private final boolean inPlace;

        public LeakyReLU(float slope, boolean inPlace) {
            this.slope = slope;
            this.inPlace = inPlace;
        }

        @Override
        public Tensor forward(Tensor x) {
            return inPlace ? F.leakyReluInPlace(x, slope) : F.leakyRelu(x, slope);
        }

        float slope() {
            return slope;
        }
    }

    public static final class Tanh extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return F.tanh(x);
        }
    }
}
