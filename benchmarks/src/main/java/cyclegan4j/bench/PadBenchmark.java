package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Reflection and zero padding ({@code Backend.reflectionPad2d*}, {@code zeroPad2d*}), the same
 * amount on every side. The generator reflection-pads 1x64x256x256 by 3 (before its 7x7 output
 * conv) and 1x256x64x64 by 1 (the residual blocks); 1x128x128x128 by 1 stands for the middle size.
 * Zero padding runs at the same shapes (the discriminator's only one, 1x512x16x16 by (1,0,1,0),
 * is too small to say much). A shape without {@code pP} is padded by 1.
 * Bytes, both directions: the input (n floats) read or written once, the padded map (m floats)
 * written or read once: n + m floats.
 */
public class PadBenchmark extends OpBench {

    @Param({"1x64x256x256p3", "1x128x128x128p1", "1x256x64x64p1"})
    public String shape;

    private Buffer x, dx, padded, dPadded;
    private int planes, h, w, p;
    private double floats;

    @Override
    protected void allocate() {
        Shape s = Shape.parse(shape);
        planes = s.planes();
        h = s.h();
        w = s.w();
        p = s.padOr(1);
        long n = s.elements(), m = (long) planes * (h + 2 * p) * (w + 2 * p);
        floats = n + m;
        x = random(n);
        dx = filled(n, 0f);
        padded = filled(m, 0f);
        dPadded = random(m);
    }

    @Benchmark
    public void reflectionForward(Bytes bytes) {
        bytes.add(repeat(() -> be.reflectionPad2dForward(padded, x, planes, h, w, p, p, p, p)), floats);
    }

    @Benchmark
    public void reflectionBackward(Bytes bytes) {
        bytes.add(repeat(() -> be.reflectionPad2dBackward(dx, dPadded, planes, h, w, p, p, p, p)), floats);
    }

    @Benchmark
    public void zeroForward(Bytes bytes) {
        bytes.add(repeat(() -> be.zeroPad2dForward(padded, x, planes, h, w, p, p, p, p)), floats);
    }

    @Benchmark
    public void zeroBackward(Bytes bytes) {
        bytes.add(repeat(() -> be.zeroPad2dBackward(dx, dPadded, planes, h, w, p, p, p, p)), floats);
    }
}
