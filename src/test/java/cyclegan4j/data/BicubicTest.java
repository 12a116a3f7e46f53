package cyclegan4j.data;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BicubicTest {

    private static ImageCodec.Planes row(float... v) {
        return new ImageCodec.Planes(1, 1, v.length, v.clone());
    }

    @Test
    void kernelValues() {
        assertEquals(1.0, Bicubic.kernel(0), 0);
        assertEquals(0.0, Bicubic.kernel(1), 0);
        assertEquals(0.0, Bicubic.kernel(2), 0);
        assertEquals(0.5625, Bicubic.kernel(0.5), 1e-15);
        assertEquals(-0.0625, Bicubic.kernel(1.5), 1e-15);
        assertEquals(Bicubic.kernel(-0.3), Bicubic.kernel(0.3), 0);
    }

    @Test
    void identityResizeIsExact() {
        Random r = new Random(3);
        float[] v = new float[3 * 5 * 7];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256);
        }
        ImageCodec.Planes p = new ImageCodec.Planes(3, 5, 7, v);
        assertArrayEquals(v, Bicubic.resize(p, 5, 7).data());
    }

    @Test
    void constantStaysConstant() {
        float[] v = new float[2 * 28 * 28];
        java.util.Arrays.fill(v, 0, 28 * 28, 77f);
        java.util.Arrays.fill(v, 28 * 28, v.length, 255f);
        ImageCodec.Planes p = new ImageCodec.Planes(2, 28, 28, v);
        for (int[] size : new int[][]{{32, 32}, {35, 35}, {9, 13}, {1, 1}, {100, 3}}) {
            ImageCodec.Planes out = Bicubic.resize(p, size[0], size[1]);
            assertEquals(size[0], out.height());
            assertEquals(size[1], out.width());
            int hw = size[0] * size[1];
            for (int i = 0; i < hw; i++) {
                assertEquals(77f, out.data()[i]);
                assertEquals(255f, out.data()[hw + i]);
            }
        }
    }

    /**
     * Upscaling [100, 200] from 2 to 4 pixels. Scale 0.5, output i samples at (i + 0.5) / 2.
     * i = 0: centre 0.25, distances to the input centres 0.5 and 1.5 are 0.25 and 1.25:
     * k(0.25) = 0.8671875, k(1.25) = -0.0703125, normalised by their sum 0.796875:
     * 100 * 1.0882353 - 200 * 0.0882353 = 91.18 -> 91.
     * i = 1: centre 0.75, distances 0.25 and 0.75: k = 0.8671875, 0.2265625, sum 1.09375:
     * (86.71875 + 45.3125) / 1.09375 = 120.71 -> 121. The other two mirror: 300 - 121, 300 - 91.
     */
    @Test
    void rampUpsampledByHand() {
        assertArrayEquals(new float[]{91, 121, 179, 209}, Bicubic.resize(row(100, 200), 1, 4).data());
        // The same along the vertical axis.
        ImageCodec.Planes col = new ImageCodec.Planes(1, 2, 1, new float[]{100, 200});
        assertArrayEquals(new float[]{91, 121, 179, 209}, Bicubic.resize(col, 4, 1).data());
    }

    /**
     * Downscaling [0, 0, 255, 255] from 4 to 2: scale 2, so the kernel is stretched to support 4
     * (antialiasing). Output 0 samples at 1.0; input centres 0.5, 1.5, 2.5, 3.5 lie at scaled
     * distances 0.25, 0.25, 0.75, 1.25: weights 0.8671875, 0.8671875, 0.2265625, -0.0703125
     * (sum 1.890625), so 255 * 0.15625 / 1.890625 = 21.07 -> 21; output 1 mirrors: 234.
     * An unstretched kernel would give 255 * -0.0625 -> 0.
     */
    @Test
    void downscaleUsesStretchedKernel() {
        assertArrayEquals(new float[]{21, 234}, Bicubic.resize(row(0, 0, 255, 255), 1, 2).data());
    }

    @Test
    void overshootIsClampedToByteRange() {
        float[] out = Bicubic.resize(row(0, 0, 255, 255), 1, 16).data();
        for (float v : out) {
            assertEquals(Math.round(v), v, 0f);
            assertEquals(true, v >= 0 && v <= 255, "value " + v);
        }
        assertEquals(0f, out[0]);
        assertEquals(255f, out[15]);
    }

    /** The test pattern the Pillow reference values were computed on: HWC bytes ((i^2 31 + 17 i + 5) % 256). */
    private static ImageCodec.Planes pattern(int c, int h, int w) {
        float[] v = new float[c * h * w];
        for (int i = 0; i < v.length; i++) {
            long val = ((long) i * i * 31 + i * 17L + 5) % 256;
            v[(i % c) * h * w + i / c] = val;
        }
        return new ImageCodec.Planes(c, h, w, v);
    }

    /** CRC32 of the output as interleaved HWC bytes, as Pillow's tobytes(). */
    private static long crcHwc(ImageCodec.Planes p) {
        int hw = p.height() * p.width();
        byte[] b = new byte[p.channels() * hw];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (int) p.data()[(i % p.channels()) * hw + i / p.channels()];
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b);
        return crc.getValue();
    }

    /**
     * Reference values from Pillow 9.4 ({@code Image.frombytes(mode, (w, h), pattern)
     * .resize((ow, oh), Image.BICUBIC).tobytes()}), computed once and pasted here. Large outputs
     * are compared by CRC32. A double-precision resampler without PIL's fixed-point weights is
     * off by one level in one pixel of the 40 -> 45 case.
     */
    @Test
    void matchesPillow() {
        assertArrayEquals(new float[]{0, 13, 68, 159, 132, 68, 48, 72, 100, 125, 103, 85, 106, 101, 105, 147, 130,
                102, 184, 143, 97, 94, 90, 107, 166, 129, 78, 63, 71, 102, 171, 129, 55, 24, 27, 38, 92, 161, 229,
                206, 204, 163, 19, 55, 129, 103, 150, 198, 188, 160, 130, 104, 145, 188, 92, 83, 93, 152, 73, 29,
                195, 224, 202}, Bicubic.resize(pattern(1, 5, 6), 7, 9).data());
        assertArrayEquals(new float[]{99, 110, 92, 138, 142, 113}, Bicubic.resize(pattern(1, 5, 6), 2, 3).data());
        assertEquals(3017104523L, crcHwc(Bicubic.resize(pattern(1, 40, 40), 45, 45)));
        assertEquals(1804480394L, crcHwc(Bicubic.resize(pattern(3, 45, 45), 40, 40)));
        assertEquals(525741229L, crcHwc(Bicubic.resize(pattern(1, 28, 28), 32, 32)));
        assertEquals(8472505L, crcHwc(Bicubic.resize(pattern(3, 13, 17), 30, 5)));
    }

    @Test
    void upscales28To32() {
        Random r = new Random(5);
        float[] v = new float[28 * 28];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256);
        }
        ImageCodec.Planes out = Bicubic.resize(new ImageCodec.Planes(1, 28, 28, v), 32, 32);
        assertEquals(32 * 32, out.data().length);
        // Weights of every output pixel sum to 1 and stay near the sample position.
        Bicubic.Weights w = Bicubic.weights(28, 32);
        for (int i = 0; i < 32; i++) {
            double s = 0;
            for (double k : w.k()[i]) {
                s += k;
            }
            assertEquals(1.0, s, 1e-12);
            assertEquals(true, w.k()[i].length <= 4);
        }
    }
}
