package cyclegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageCodecTest {

    @TempDir
    Path dir;

    /** The RGB value of pixel (x, y) of decoded planes. */
    private static int[] px(ImageCodec.Planes p, int x, int y) {
        int hw = p.height() * p.width();
        int i = y * p.width() + x;
        int[] v = new int[p.channels()];
        for (int c = 0; c < v.length; c++) {
            v[c] = (int) p.data()[c * hw + i];
        }
        return v;
    }

    /** Writes one file of every kind into {@code folder}. */
    static void mixedFolder(Path folder) throws IOException {
        TestImages.write(TestImages.rgb(), "png", folder.resolve("a_rgb.png"));
        TestImages.write(TestImages.gray(), "png", folder.resolve("b_gray.png"));
        TestImages.write(TestImages.palette(), "png", folder.resolve("c_palette.png"));
        TestImages.write(TestImages.rgba(), "png", folder.resolve("d_rgba.png"));
        TestImages.write(TestImages.gray16(), "png", folder.resolve("e_gray16.png"));
        TestImages.write(TestImages.solid(16, 16, 200, 100, 50), "jpeg", folder.resolve("f_photo.jpg"));
        TestImages.write(TestImages.rgb(), "bmp", folder.resolve("sub/g_rgb.bmp"));
        TestImages.write(TestImages.palette(), "gif", folder.resolve("sub/h_palette.gif"));
        TestImages.write(TestImages.rgb16(), "png", folder.resolve("i_rgb16.png"));
        Files.writeString(folder.resolve("notes.txt"), "not an image\n");
        TestImages.truncatedPng(folder.resolve("j_truncated.png"));
        Files.write(folder.resolve("k_empty.png"), new byte[0]);
        TestImages.cmykJpeg(folder.resolve("l_cmyk.jpg"));
        TestImages.write(TestImages.noise(64, 64, 3), "jpeg", folder.resolve("m_cut.jpg"));
        byte[] cut = java.nio.file.Files.readAllBytes(folder.resolve("m_cut.jpg"));
        Files.write(folder.resolve("m_cut.jpg"), java.util.Arrays.copyOf(cut, cut.length * 2 / 3));
        TestImages.write(TestImages.bilevel(), "png", folder.resolve("n_bilevel.png"));
    }

    @Test
    void scanKeepsImagesSortedAndWarnsAboutTheRest() throws IOException {
        Path folder = dir.resolve("trainA");
        mixedFolder(folder);
        List<String> warnings = new ArrayList<>();
        ImageFolder f = ImageFolder.scan(folder, warnings::add);
        List<String> names = f.files().stream().map(p -> folder.relativize(p).toString().replace('\\', '/')).toList();
        assertEquals(List.of("a_rgb.png", "b_gray.png", "c_palette.png", "d_rgba.png", "e_gray16.png",
                "f_photo.jpg", "i_rgb16.png", "n_bilevel.png", "sub/g_rgb.bmp", "sub/h_palette.gif"), names);
        assertEquals(1, f.skippedNonImages());
        assertEquals(4, f.corrupt().size());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("skipped 1 non-image file"), warnings.get(0));
        assertTrue(warnings.get(1).contains("j_truncated.png") && warnings.get(1).contains("k_empty.png"), warnings.get(1));
        assertTrue(warnings.get(1).contains("IEND") && warnings.get(1).contains("empty file"), warnings.get(1));
        assertTrue(warnings.get(1).contains("l_cmyk.jpg (CMYK"), warnings.get(1));
        assertTrue(warnings.get(1).contains("m_cut.jpg (truncated"), warnings.get(1));
    }

    /** A 32x16 JPEG of four flat quadrants (0, 80 / 160, 240), with an EXIF block saying {@code orientation}. */
    private Path quadrantJpeg(int orientation) throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                int v = (y < 8 ? 0 : 160) + (x < 16 ? 0 : 80);
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        Path f = dir.resolve("exif" + orientation + ".jpg");
        javax.imageio.ImageIO.write(img, "jpeg", f.toFile());
        TestImages.setOrientation(f, orientation);
        return f;
    }

    @Test
    void subsampledReadKeepsEveryStepthRowAndColumn() throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(7, 5, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                img.getRaster().setSample(x, y, 0, 10 * y + x);
            }
        }
        Path f = dir.resolve("grid.png");
        TestImages.write(img, "png", f);
        assertArrayEquals(new int[]{7, 5}, ImageCodec.size(f));
        ImageCodec.Planes p = ImageCodec.read(f, 1, 2);
        assertEquals(4, p.width());
        assertEquals(3, p.height());
        assertArrayEquals(new float[]{0, 2, 4, 6, 20, 22, 24, 26, 40, 42, 44, 46}, p.data());
    }

    @Test
    void exifOrientationIsAppliedAsViewersDo() throws IOException {
        // the quadrants' levels at the output's top-left, top-right, bottom-left, bottom-right, per orientation
        int[][] want = {{0, 80, 160, 240}, {80, 0, 240, 160}, {240, 160, 80, 0}, {160, 240, 0, 80},
            {0, 160, 80, 240}, {160, 0, 240, 80}, {240, 80, 160, 0}, {80, 240, 0, 160}};
        for (int o = 1; o <= 8; o++) {
            ImageCodec.Planes p = ImageCodec.read(quadrantJpeg(o), 1);
            int h = p.height(), w = p.width();
            assertEquals(o >= 5 ? 32 : 16, h, "orientation " + o);
            assertEquals(o >= 5 ? 16 : 32, w, "orientation " + o);
            int[] at = {(h / 4) * w + w / 4, (h / 4) * w + 3 * w / 4, (3 * h / 4) * w + w / 4, (3 * h / 4) * w + 3 * w / 4};
            for (int q = 0; q < 4; q++) {
                assertEquals(want[o - 1][q], p.data()[at[q]], 6f, "orientation " + o + ", quadrant " + q);
            }
        }
    }

    @Test
    void hiddenFilesAreLeftOutAndCountedAndUnsupportedFormatsNamed() throws IOException {
        Path folder = dir.resolve("trainB");
        TestImages.write(TestImages.rgb(), "png", folder.resolve("a.png"));
        TestImages.write(TestImages.rgb(), "png", folder.resolve(".thumbnails/a.png")); // a hidden folder's images too
        Files.write(folder.resolve("._a.png"), new byte[]{0, 5, 22, 7, 0, 2, 0, 0}); // macOS's AppleDouble companion
        TestImages.write(TestImages.rgb(), "png", folder.resolve("__MACOSX/b.png"));
        Files.write(folder.resolve("w.webp"), "RIFF\u0000\u0001\u0000\u0000WEBPVP8 ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.write(folder.resolve("p.HEIC"), "\u0000\u0000\u0000\u0018ftypheic\u0000\u0000".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.createSymbolicLink(folder.resolve("sub"), folder); // a loop: left out with a warning, the rest is read
        List<String> warnings = new ArrayList<>();
        ImageFolder f = ImageFolder.scan(folder, warnings::add);
        assertEquals(List.of(folder.resolve("a.png")), f.files());
        assertTrue(warnings.get(0).contains("left out 1 symbolic link loop: sub"), warnings.toString());
        assertTrue(warnings.get(1).contains("skipped 3 hidden files"), warnings.toString());
        assertTrue(warnings.get(2).contains("p.HEIC (HEIC/HEIF is not supported: convert it to PNG or JPEG)")
                && warnings.get(2).contains("w.webp (WebP is not supported"), warnings.toString());
        IOException e = assertThrows(IOException.class, () -> ImageCodec.read(folder.resolve("w.webp"), 3));
        assertTrue(e.getMessage().contains("WebP is not supported"), e.getMessage());
    }

    @Test
    void decodesEveryKindToRgb() throws IOException {
        Path folder = dir.resolve("x");
        mixedFolder(folder);
        ImageCodec.Planes rgb = ImageCodec.read(folder.resolve("a_rgb.png"), 3);
        assertEquals(3, rgb.height());
        assertEquals(4, rgb.width());
        assertArrayEquals(new int[]{31, 42, 7}, px(rgb, 3, 2));

        ImageCodec.Planes gray = ImageCodec.read(folder.resolve("b_gray.png"), 3);
        assertArrayEquals(new int[]{110, 110, 110}, px(gray, 3, 2), "gray replicated, no gamma change");

        ImageCodec.Planes pal = ImageCodec.read(folder.resolve("c_palette.png"), 3);
        assertArrayEquals(TestImages.PALETTE[2], px(pal, 1, 1));
        assertArrayEquals(TestImages.PALETTE[3], px(pal, 3, 0));
        ImageCodec.Planes gif = ImageCodec.read(folder.resolve("sub/h_palette.gif"), 3);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertArrayEquals(TestImages.PALETTE[(x + y) % 4], px(gif, x, y), "gif pixel " + x + "," + y);
            }
        }

        ImageCodec.Planes rgba = ImageCodec.read(folder.resolve("d_rgba.png"), 3);
        assertArrayEquals(new int[]{10, 20, 30}, px(rgba, 0, 0), "alpha dropped as PIL convert('RGB')");
        assertArrayEquals(new int[]{50, 60, 70}, px(rgba, 1, 0));

        ImageCodec.Planes g16 = ImageCodec.read(folder.resolve("e_gray16.png"), 3);
        assertArrayEquals(new int[]{255, 255, 255}, px(g16, 0, 0));
        assertArrayEquals(new int[]{4, 4, 4}, px(g16, 1, 0), "1000 * 255 / 65535 = 3.89 -> 4");
        assertArrayEquals(new int[]{128, 128, 128}, px(g16, 2, 0));
        ImageCodec.Planes c16 = ImageCodec.read(folder.resolve("i_rgb16.png"), 3);
        assertArrayEquals(new int[]{255, 10, 1}, px(c16, 0, 0), "300 * 255 / 65535 = 1.17 -> 1");

        ImageCodec.Planes bi = ImageCodec.read(folder.resolve("n_bilevel.png"), 3);
        assertArrayEquals(new int[]{255, 255, 255}, px(bi, 1, 0));
        assertArrayEquals(new int[]{0, 0, 0}, px(bi, 0, 0));

        ImageCodec.Planes bmp = ImageCodec.read(folder.resolve("sub/g_rgb.bmp"), 3);
        assertArrayEquals(new int[]{21, 22, 7}, px(bmp, 2, 1));

        ImageCodec.Planes jpg = ImageCodec.read(folder.resolve("f_photo.jpg"), 3);
        int[] v = px(jpg, 8, 8);
        int[] want = {200, 100, 50};
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(v[c] - want[c]) <= 3, "jpeg pixel " + java.util.Arrays.toString(v));
        }
    }

    @Test
    void oneChannelUsesPilLuma() throws IOException {
        Path f = dir.resolve("red.png");
        TestImages.write(TestImages.solid(2, 2, 255, 0, 0), "png", f);
        ImageCodec.Planes p = ImageCodec.read(f, 1);
        assertEquals(1, p.channels());
        // (255 * 19595 + 32768) >> 16 = 76
        assertEquals(76f, p.data()[0]);
        assertEquals(ImageCodec.luma(255, 0, 0), 76);
        assertEquals(ImageCodec.luma(0, 255, 0), 150);
        assertEquals(ImageCodec.luma(0, 0, 255), 29);
        for (int g = 0; g < 256; g++) {
            assertEquals(g, ImageCodec.luma(g, g, g), "gray is a fixed point of the luma");
        }
        // The normalised value the model sees: 76 / 127.5 - 1.
        float[] x = Transforms.cropFlipNormalize(p, 0, 0, 2, false);
        assertEquals(76 / 127.5f - 1f, x[0], 1e-7f);
        Path g = dir.resolve("gray.png");
        TestImages.write(TestImages.gray(), "png", g);
        assertEquals(110f, ImageCodec.read(g, 1).data()[11]);
    }

    @Test
    void unreadableContentIsAnIoException() throws IOException {
        Path bad = dir.resolve("bad.png");
        TestImages.undecodablePng(bad);
        assertEquals(ImageCodec.Probe.IMAGE, ImageCodec.probe(bad).kind(), "well-formed chunks pass the cheap scan");
        assertThrows(IOException.class, () -> ImageCodec.read(bad, 3));
        Path cmyk = dir.resolve("cmyk.jpg");
        TestImages.cmykJpeg(cmyk);
        IOException e = assertThrows(IOException.class, () -> ImageCodec.read(cmyk, 3));
        assertTrue(e.getMessage().contains("CMYK"), e.getMessage());
        Path txt = dir.resolve("a.txt");
        Files.writeString(txt, "hello");
        assertThrows(IOException.class, () -> ImageCodec.read(txt, 3));
    }
}
