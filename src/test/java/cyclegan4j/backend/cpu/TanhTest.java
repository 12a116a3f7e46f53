package cyclegan4j.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CpuBackend's tanh against Math.tanh: within one float ulp from 1e-30 to 1e30, signs, zeros, infinities and NaN. */
class TanhTest {

    @Test
    void matchesMathTanh() {
        SplittableRandom rng = new SplittableRandom(5);
        int off = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (Math.pow(10, rng.nextDouble(-30, 30)) * (rng.nextBoolean() ? 1 : -1));
            if (i % 2 == 0) { // most values where the generator's outputs live
                x = (float) rng.nextDouble(-10, 10);
            }
            float want = (float) Math.tanh(x), got = CpuBackend.tanh(x);
            assertTrue(Math.abs(got - want) <= Math.ulp(want), "tanh(" + x + "): " + got + ", Math.tanh " + want);
            off += got != want ? 1 : 0;
        }
        assertTrue(off < 200, off + " of 200,000 values differ from Math.tanh by an ulp"); // double rounding only
    }

    @Test
    void specialValues() {
        assertEquals(0f, CpuBackend.tanh(0f));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(CpuBackend.tanh(-0f)), "the sign of zero is kept");
        assertEquals(1f, CpuBackend.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, CpuBackend.tanh(-1000f));
        assertEquals(Float.MIN_VALUE, CpuBackend.tanh(Float.MIN_VALUE));
        assertTrue(Float.isNaN(CpuBackend.tanh(Float.NaN)));
    }
}
