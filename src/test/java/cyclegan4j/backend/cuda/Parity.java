package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs one primitive on both backends with the same inputs and compares the results:
 * {@code |cuda - cpu| <= atol + rtol * |cpu|} element by element, reporting the worst element
 * (index, both values), the largest difference and how many elements failed.
 */
final class Parity implements AutoCloseable {

    /** The same data on both backends. */
    record Pair(Buffer cpu, Buffer gpu, long n) {
    }

    final Backend cpu = CpuBackend.get();
    final Backend gpu;
    final String label;
    private final SplittableRandom rng;
    private final List<Buffer> owned = new ArrayList<>();

    Parity(Backend gpu, String label, long seed) {
        this.gpu = gpu;
        this.label = label;
        this.rng = new SplittableRandom(seed);
    }

    float[] randn(long n, float std, float mean) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + (float) (Tensor.gaussian(rng) * std);
        }
        return v;
    }

    Pair of(float[] v) {
        Buffer c = cpu.allocate(v.length), g = gpu.allocate(v.length);
        owned.add(c);
        owned.add(g);
        cpu.upload(c, v);
        gpu.upload(g, v);
        return new Pair(c, g, v.length);
    }

    Pair rand(long n) {
        return of(randn(n, 1f, 0f));
    }

    Pair rand(long n, float std, float mean) {
        return of(randn(n, std, mean));
    }

    /** An output buffer pre-filled with a sentinel, so that unwritten elements show up. */
    Pair out(long n) {
        float[] v = new float[Math.toIntExact(n)];
        java.util.Arrays.fill(v, 1234.5f);
        return of(v);
    }

    /** A one-element buffer holding {@code value} (upstream gradient of a scalar). */
    Pair scalar(float value) {
        return of(new float[]{value});
    }

    void check(String what, Pair p, double atol, double rtol) {
        float[] want = cpu.download(p.cpu());
        float[] got = gpu.download(p.gpu());
        compare(label + " " + what, want, got, atol, rtol);
    }

    /** atol relative to the largest |reference| value: for sums whose size is set by the data. */
    void checkScaled(String what, Pair p, double relToMax, double rtol) {
        float[] want = cpu.download(p.cpu());
        double max = 0;
        for (float w : want) {
            max = Math.max(max, Math.abs(w));
        }
        compare(label + " " + what, want, gpu.download(p.gpu()), relToMax * max + 1e-30, rtol);
    }

    static void compare(String what, float[] want, float[] got, double atol, double rtol) {
        if (want.length != got.length) {
            fail(what + ": length " + got.length + " vs " + want.length);
        }
        int worst = -1, bad = 0;
        double worstExcess = 0, maxDiff = 0;
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs((double) got[i] - want[i]);
            boolean nanMismatch = Float.isNaN(want[i]) != Float.isNaN(got[i]);
            double excess = diff - (atol + rtol * Math.abs(want[i]));
            if (nanMismatch || excess > 0 || (Double.isNaN(diff) && !Float.isNaN(want[i]))) {
                bad++;
                if (worst < 0 || excess > worstExcess || nanMismatch) {
                    worst = i;
                    worstExcess = nanMismatch ? Double.POSITIVE_INFINITY : excess;
                }
            }
            if (!Double.isNaN(diff)) {
                maxDiff = Math.max(maxDiff, diff);
            }
        }
        if (bad > 0) {
            fail(String.format("%s: %d of %d elements differ beyond %.3g + %.3g*|ref|; worst at index %d: cpu=%s cuda=%s; "
                    + "max |diff| %.3g", what, bad, want.length, atol, rtol, worst, want[worst], got[worst], maxDiff));
        }
    }

    @Override
    public void close() {
        owned.forEach(Buffer::close);
    }
}
