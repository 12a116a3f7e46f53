package cyclegan4j.bench;

import cyclegan4j.backend.ConvShape;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The shape specs of the op benchmarks' {@code @Param}s, so that any shape can be run from the
 * command line ({@code -p shape=1x8x16x16}): {@code NxCxHxW}, optionally followed by {@code pP}
 * (padding P on every side, for the padding benchmark), or a plain element count (Adam, copy), or
 * {@code generator} for a list of tensors (Adam, gradient norms).
 * A convolution is {@code NxCxHxW:OkKsSpP}: the input, then O output channels, a KxK kernel,
 * stride S and zero padding P.
 */
final class Shape {

    private final long[] dims;
    private final int pad;

    private Shape(long[] dims, int pad) {
        this.dims = dims;
        this.pad = pad;
    }

    static Shape parse(String spec) {
        String s = spec.trim();
        int pad = -1;
        int p = s.indexOf('p');
        if (p >= 0) {
            pad = Integer.parseInt(s.substring(p + 1));
            s = s.substring(0, p);
        }
        long[] dims = Arrays.stream(s.split("x")).mapToLong(Long::parseLong).toArray();
        if ((dims.length != 1 && dims.length != 4) || Arrays.stream(dims).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("shape '" + spec + "': want NxCxHxW[pP] or an element count");
        }
        return new Shape(dims, pad);
    }

    /**
     * The tensor sizes of a list spec for the optimizer benchmarks: {@code generator} is the 48
     * parameter tensors of the seed's 9-block RGB generator (11,378,179 floats); anything else is
     * one tensor of {@link #parse} that many elements.
     */
    static long[] tensors(String spec) {
        if (!spec.trim().equals("generator")) {
            return new long[]{parse(spec).elements()};
        }
        try (GeneratorResNet g = new GeneratorResNet(CpuBackend.get(), 3, 9, new SplittableRandom(0))) {
            return g.parameters().stream().mapToLong(Tensor::numel).toArray();
        }
    }

    static ConvShape conv(String spec) {
        String[] parts = spec.trim().split(":");
        Shape in = parse(parts[0]);
        String[] k = parts.length == 2 ? parts[1].split("[ksp]") : new String[0];
        if (in.dims.length != 4 || k.length != 4) {
            throw new IllegalArgumentException("conv '" + spec + "': want NxCxHxW:OkKsSpP, e.g. 1x256x66x66:256k3s1p0");
        }
        int kernel = Integer.parseInt(k[1]);
        return new ConvShape(in.n(), in.c(), in.h(), in.w(), Integer.parseInt(k[0]), kernel, kernel,
                Integer.parseInt(k[2]), Integer.parseInt(k[3]));
    }

    long elements() {
        return Arrays.stream(dims).reduce(1, Math::multiplyExact);
    }

    int n() {
        return dim(0);
    }

    int c() {
        return dim(1);
    }

    int h() {
        return dim(2);
    }

    int w() {
        return dim(3);
    }

    /** N*C: what the per-plane primitives call planes. */
    int planes() {
        return n() * c();
    }

    /** The padding of the spec, or {@code otherwise} when it names none. */
    int padOr(int otherwise) {
        return pad >= 0 ? pad : otherwise;
    }

    private int dim(int i) {
        if (dims.length != 4) {
            throw new IllegalArgumentException("this benchmark needs an NxCxHxW shape, not an element count");
        }
        return Math.toIntExact(dims[i]);
    }
}
