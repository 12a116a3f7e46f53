package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;

/**
 * Nearest 2x upsampling + 3x3 convolution (stride 1, zero pad 1: the generator's u128 and u64) on
 * a device, in the phase form of the CPU's {@code UpsampleConv}: each of the four output phases
 * (py, px) is a 2x2 convolution of the small input zero-padded by one, with taps that are sums of
 * the 3x3 taps. Stacking the four phase kernels as 4 cOut output channels makes it one cuDNN 2x2
 * convolution, [n][cIn][h+2][w+2] to [n][4 cOut][h+1][w+1], whose phases a kernel then interleaves
 * into the output (kernels/upsample_conv.cu says where each phase's pixels are).
 *
 * <p>Against upsampling into a temporary and convolving that (the Backend default): 16 instead of
 * 36 multiply-adds per input pixel and channel pair (plus 1/h + 1/w for the phases' extra row and
 * column), and smaller temporaries. In u128 and u64 cIn = 2 cOut, so per image the forward pass
 * holds the padded input and the phases, about (2 + 4) cOut h w floats, instead of the upsampled
 * image's 8 cOut h w; the backward pass, with the phases' and the padded input's gradients, about
 * 8 instead of 16 cOut h w. Written against the Backend and KernelOps, so that the
 * kernel-emulating test backend runs this same sequence.
 */
final class PhaseUpsampleConv {

    private PhaseUpsampleConv() {
    }

    /** out = conv(upsample2(in), weight) + bias (bias may be null); s is the convolution on the upsampled input. */
    static void forward(Backend be, KernelOps ops, Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        ConvShape ps = phaseShape(s);
        try (Buffer xp = padded(be, in, ps); Buffer wp = phaseWeights(be, ops, weight, s);
             Buffer phases = be.allocate(outputs(ps))) {
            be.conv2dForward(phases, xp, wp, null, ps);
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
            try (Buffer dPhases = be.allocate(outputs(ps)); Buffer xp = padded(be, in, ps);
                 Buffer wp = phaseWeights(be, ops, weight, s);
                 Buffer dwp = dWeight != null ? be.allocate(phaseWeights) : null;
                 Buffer dxp = dIn != null ? be.allocate(inputs(ps)) : null) {
                ops.upconvDeinterleave(dPhases, dOut, s.n(), s.cOut(), h, w);
                if (dwp != null) {
                    be.fill(dwp, 0f, phaseWeights); // conv2dBackward accumulates into it
                }
                be.conv2dBackward(dxp, dwp, null, dPhases, xp, wp, ps);
                if (dwp != null) {
                    ops.upconvFoldGrad(dWeight, dwp, (long) s.cOut() * s.cIn());
                }
                if (dxp != null) { // the padding's gradient is dropped
                    be.zeroPad2dBackward(dIn, dxp, s.n() * s.cIn(), h, w, 1, 1, 1, 1);
                }
            }
        }
        if (dBias != null) {
            ops.convBiasBackward(dBias, dOut, s);
        }
    }

    /** The 2x2 convolution of all four phases: the padded input to 4 cOut channels of (h+1) x (w+1). */
    static ConvShape phaseShape(ConvShape s) {
        s.requireUpsampledConv();
        return new ConvShape(s.n(), s.cIn(), s.h() / 2 + 2, s.w() / 2 + 2, 4 * s.cOut(), 2, 2, 1, 0);
    }

    /** Floats of the phase convolution's (padded) input. */
    private static long inputs(ConvShape ps) {
        return (long) ps.n() * ps.cIn() * ps.h() * ps.w();
    }

    /** Floats of the phases. */
    private static long outputs(ConvShape ps) {
        return (long) ps.n() * ps.cOut() * ps.outH() * ps.outW();
    }

    /** in zero-padded by one on every side, in a new buffer: the phase convolution's input. */
    private static Buffer padded(Backend be, Buffer in, ConvShape ps) {
        Buffer xp = be.allocate(inputs(ps));
        be.zeroPad2dForward(xp, in, ps.n() * ps.cIn(), ps.h() - 2, ps.w() - 2, 1, 1, 1, 1);
        return xp;
    }

    /** The stacked phase kernels [4 cOut][cIn][2][2], in a new buffer. */
    private static Buffer phaseWeights(Backend be, KernelOps ops, Buffer weight, ConvShape s) {
        long pairs = (long) s.cOut() * s.cIn();
        Buffer wp = be.allocate(16 * pairs);
        ops.upconvPhaseWeights(wp, weight, pairs);
        return wp;
    }
}
