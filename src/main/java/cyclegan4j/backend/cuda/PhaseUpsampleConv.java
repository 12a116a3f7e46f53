package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;

/**
 * Nearest 2x upsampling + 3x3 convolution (stride 1, zero pad 1: the generator's u128 and u64) on
 * a device, in the phase form of the CPU's {@code UpsampleConv}: each of the four output phases
 * (py, px) is a 2x2 convolution of the small input zero-padded by one, with taps that are sums of
 * the 3x3 taps. Stacking the four phase kernels as 4 cOut output channels makes it one cuDNN 2x2
 * convolution with zero padding 1, [n][cIn][h][w] to [n][4 cOut][h+1][w+1], whose phases a kernel
 * then interleaves into the output (kernels/upsample_conv.cu says where each phase's pixels are).
 *
 * <p>Against upsampling into a temporary and convolving that (the Backend default): 16 instead of
 * 36 multiply-adds per input pixel and channel pair (plus 1/h + 1/w for the phases' extra row and
 * column), and smaller temporaries. In u128 and u64 cIn = 2 cOut, so per image the forward pass
 * holds the phases, about 4 cOut h w floats, instead of the upsampled image's 8 cOut h w; the
 * backward pass, with the phases' gradient, about 4 instead of 16 cOut h w. Written against the Backend and KernelOps, so that the
 * kernel-emulating test backend runs this same sequence.
 */
final class PhaseUpsampleConv {

    private PhaseUpsampleConv() {
    }

    /** out = conv(upsample2(in), weight) + bias (bias may be null); s is the convolution on the upsampled input. */
    static void forward(Backend be, KernelOps ops, Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        ConvShape ps = phaseShape(s);
        try (Buffer wp = phaseWeights(be, ops, weight, s); Buffer phases = be.allocate(outputs(ps))) {
            be.conv2dForward(phases, in, wp, null, ps);
            ops.upconvInterleave(out, phases, bias, s.n(), s.cOut(), s.h() / 2, s.w() / 2);
        }
    }

    /**
     * The gradients as {@link Backend#conv2dBackward} states them: dIn written, dWeight and dBias
     * accumulated; any may be null.
     */
    static void backward(Backend be, KernelOps ops, Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in,
                         Buffer weight, ConvShape s) {
        ConvShape ps = phaseShape(s);
        int h = s.h() / 2, w = s.w() / 2;
        long phaseWeights = 16L * s.cOut() * s.cIn();
        if (dIn != null || dWeight != null) {
            // conv2dBackward takes its input and weights whichever gradients it is asked for
            try (Buffer dPhases = be.allocate(outputs(ps)); Buffer wp = phaseWeights(be, ops, weight, s);
                 Buffer dwp = dWeight != null ? be.allocate(phaseWeights) : null) {
                ops.upconvDeinterleave(dPhases, dOut, s.n(), s.cOut(), h, w);
                if (dwp != null) {
                    be.fill(dwp, 0f, phaseWeights); // conv2dBackward accumulates into it
                }
                be.conv2dBackward(dIn, dwp, null, dPhases, in, wp, ps);
                if (dwp != null) {
                    ops.upconvFoldGrad(dWeight, dwp, (long) s.cOut() * s.cIn());
                }
            }
        }
        if (dBias != null) {
            ops.convBiasBackward(dBias, dOut, s);
        }
    }

    /** The 2x2 convolution of all four phases: the input, zero-padded by 1, to 4 cOut channels of (h+1) x (w+1). */
    static ConvShape phaseShape(ConvShape s) {
        s.requireUpsampledConv();
        return new ConvShape(s.n(), s.cIn(), s.h() / 2, s.w() / 2, 4 * s.cOut(), 2, 2, 1, 1);
    }

    /** Floats of the phases. */
    private static long outputs(ConvShape ps) {
        return (long) ps.n() * ps.cOut() * ps.outH() * ps.outW();
    }

    /** The stacked phase kernels [4 cOut][cIn][2][2], in a new buffer. */
    private static Buffer phaseWeights(Backend be, KernelOps ops, Buffer weight, ConvShape s) {
        long pairs = (long) s.cOut() * s.cIn();
        Buffer wp = be.allocate(16 * pairs);
        ops.upconvPhaseWeights(wp, weight, pairs);
        return wp;
    }
}
