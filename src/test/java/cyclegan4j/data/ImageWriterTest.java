package cyclegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageWriterTest {

    @TempDir
    Path dir;

    /** A CHW image of random 8-bit levels mapped to [-1, 1] as the loader does. */
    private static float[] image(int c, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] v = new float[c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256) / 127.5f - 1f;
        }
        return v;
    }

    private static float[] normalised(ImageCodec.Planes p) {
        return Transforms.cropFlipNormalize(p, 0, 0, p.height(), false);
    }

    @Test
    void toByteRoundsAndClamps() {
        assertEquals(0, ImageWriter.toByte(-1f));
        assertEquals(255, ImageWriter.toByte(1f));
        assertEquals(0, ImageWriter.toByte(-3f));
        assertEquals(255, ImageWriter.toByte(2f));
        for (int v = 0; v < 256; v++) {
            assertEquals(v, ImageWriter.toByte(v / 127.5f - 1f));
        }
    }

    @Test
    void pngRoundTripRgbAndGray() throws IOException {
        float[] rgb = image(3, 6, 6, 1);
        Path f = dir.resolve("out/rgb.png");
        ImageWriter.writePng(f, rgb, 3, 6, 6);
        assertArrayEquals(rgb, normalised(ImageCodec.read(f, 3)), 1e-6f);

        float[] gray = image(1, 6, 6, 2);
        Path g = dir.resolve("gray.png");
        ImageWriter.writePng(g, gray, 1, 6, 6);
        BufferedImage img = ImageIO.read(g.toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType(), "one channel is written as grayscale");
        assertArrayEquals(gray, normalised(ImageCodec.read(g, 1)), 1e-6f);

        // Image 1 of an NCHW batch.
        float[] batch = new float[2 * 3 * 36];
        System.arraycopy(rgb, 0, batch, 3 * 36, 3 * 36);
        Path h = dir.resolve("n1.png");
        ImageWriter.writePng(h, batch, new int[]{2, 3, 6, 6}, 1);
        assertArrayEquals(rgb, normalised(ImageCodec.read(h, 3)), 1e-6f);
    }

    @Test
    void gridTilesImagesRowMajor() throws IOException {
        int h = 4;
        int w = 5;
        int gap = 2;
        List<float[]> imgs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            imgs.add(image(1, h, w, 10 + i));
        }
        Path f = dir.resolve("grid.png");
        ImageWriter.writeGrid(f, imgs, 1, 2, 3, h, w, gap);
        ImageCodec.Planes p = ImageCodec.read(f, 1);
        assertEquals(2 * h + gap, p.height());
        assertEquals(3 * w + 2 * gap, p.width());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, ImageIO.read(f.toFile()).getType());
        for (int i = 0; i < 6; i++) {
            int y0 = (i / 3) * (h + gap);
            int x0 = (i % 3) * (w + gap);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(ImageWriter.toByte(imgs.get(i)[y * w + x]),
                            (int) p.data()[(y0 + y) * p.width() + x0 + x], "cell " + i);
                }
            }
        }
        assertEquals(255f, p.data()[w], "gap is white");

        // Mixed channels: gray cells are shown as gray in an RGB grid.
        float[] rgb = image(3, h, w, 99);
        Path m = dir.resolve("mixed.png");
        ImageWriter.writeGrid(m, List.of(imgs.get(0), rgb), new int[]{1, 3}, 1, 2, h, w, 0);
        ImageCodec.Planes q = ImageCodec.read(m, 3);
        int hw = q.height() * q.width();
        int v = ImageWriter.toByte(imgs.get(0)[0]);
        assertEquals(v, (int) q.data()[0]);
        assertEquals(v, (int) q.data()[hw]);
        assertEquals(ImageWriter.toByte(rgb[2 * h * w + w - 1]), (int) q.data()[2 * hw + w + w - 1]);
    }

    /** Cells of their own sizes (--preprocess none): each row as tall as its tallest, each column as wide as its widest. */
    @Test
    void gridOfImagesOfTheirOwnSizes() throws IOException {
        int[][] sizes = {{4, 6}, {4, 3}, {5, 6}, {2, 3}}; // {height, width}, rows of two
        List<float[]> imgs = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            imgs.add(image(1, sizes[i][0], sizes[i][1], 20 + i));
        }
        Path f = dir.resolve("sizes.png");
        ImageWriter.writeGrid(f, imgs, new int[]{1, 1, 1, 1}, sizes, 2, 2, 1);
        ImageCodec.Planes p = ImageCodec.read(f, 1);
        assertEquals(4 + 1 + 5, p.height());
        assertEquals(6 + 1 + 3, p.width());
        int[][] topLeft = {{0, 0}, {0, 7}, {5, 0}, {5, 7}};
        for (int i = 0; i < sizes.length; i++) {
            for (int y = 0; y < sizes[i][0]; y++) {
                for (int x = 0; x < sizes[i][1]; x++) {
                    assertEquals(ImageWriter.toByte(imgs.get(i)[y * sizes[i][1] + x]),
                            (int) p.data()[(topLeft[i][0] + y) * p.width() + topLeft[i][1] + x], "cell " + i);
                }
            }
        }
        assertEquals(255f, p.data()[(5 + 3) * p.width() + 7], "below the short cell: white");
    }
}
