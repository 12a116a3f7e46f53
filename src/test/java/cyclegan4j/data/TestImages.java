package cyclegan4j.data;

import javax.imageio.ImageIO;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

/** Small generated images, one of each kind the decoder must handle. */
final class TestImages {

    private TestImages() {
    }

    static void write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
    }

    /** 4x3 RGB image with pixel (x, y) = (10 x + 1, 20 y + 2, 7). */
    static BufferedImage rgb() {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, ((10 * x + 1) << 16) | ((20 * y + 2) << 8) | 7);
            }
        }
        return img;
    }

    /** Solid RGB image (for lossy formats). */
    static BufferedImage solid(int w, int h, int r, int g, int b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** 8-bit grayscale with value 10 x + 40 y (written through the raster: no colour conversion). */
    static BufferedImage gray() {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                r.setSample(x, y, 0, 10 * x + 40 * y);
            }
        }
        return img;
    }

    static final int[][] PALETTE = {{255, 0, 0}, {0, 128, 0}, {12, 34, 56}, {200, 201, 202}};

    /**
     * 8x8 palette image; pixel (x, y) has index (x + y) % 4. (Not smaller: the JDK's GIF writer
     * interlaces, and a 3-row GIF written by it reads back with rows misplaced.)
     */
    static BufferedImage palette() {
        byte[] r = new byte[4];
        byte[] g = new byte[4];
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            r[i] = (byte) PALETTE[i][0];
            g[i] = (byte) PALETTE[i][1];
            b[i] = (byte) PALETTE[i][2];
        }
        IndexColorModel cm = new IndexColorModel(8, 4, r, g, b);
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, cm);
        WritableRaster ras = img.getRaster();
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                ras.setSample(x, y, 0, (x + y) % 4);
            }
        }
        return img;
    }

    /** RGBA: pixel (0,0) = (10, 20, 30) fully transparent, the rest (50, 60, 70) opaque. */
    static BufferedImage rgba() {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, 0xFF000000 | (50 << 16) | (60 << 8) | 70);
            }
        }
        img.setRGB(0, 0, (10 << 16) | (20 << 8) | 30);
        return img;
    }

    /** 16-bit grayscale: (0,0) = 65535, (1,0) = 1000, (2,0) = 128 * 257, others 0. */
    static BufferedImage gray16() {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        r.setSample(0, 0, 0, 65535);
        r.setSample(1, 0, 0, 1000);
        r.setSample(2, 0, 0, 128 * 257);
        return img;
    }

    /** 16-bit RGB: (0,0) = (65535, 257 * 10, 300), others 0. */
    static BufferedImage rgb16() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[]{16, 16, 16}, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(4, 3);
        r.setSample(0, 0, 0, 65535);
        r.setSample(0, 0, 1, 2570);
        r.setSample(0, 0, 2, 300);
        return new BufferedImage(cm, r, false, null);
    }

    /** 1-bit image, pixel (x, y) white when x + y is odd. */
    static BufferedImage bilevel() {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_BINARY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                r.setSample(x, y, 0, (x + y) % 2);
            }
        }
        return img;
    }

    /** A w x h RGB image of seeded random noise. */
    static BufferedImage noise(int w, int h, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return img;
    }

    /** A 4-channel (CMYK) JPEG, written from a raw raster as ImageIO allows. */
    static void cmykJpeg(Path file) throws IOException {
        WritableRaster r = java.awt.image.Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 8, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                for (int b = 0; b < 4; b++) {
                    r.setSample(x, y, b, 30 * b + x);
                }
            }
        }
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        Files.createDirectories(file.getParent());
        try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            w.setOutput(out);
            w.write(null, new javax.imageio.IIOImage(r, null, null), null);
        } finally {
            w.dispose();
        }
    }

    static byte[] pngBytes(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** A PNG cut in half: the header is intact, the data and IEND are missing. */
    static void truncatedPng(Path file) throws IOException {
        byte[] full = pngBytes(noise(16, 16, 1));
        Files.createDirectories(file.getParent());
        Files.write(file, Arrays.copyOf(full, full.length / 2));
    }

    /**
     * A PNG whose chunks are well formed (IHDR, IDAT, IEND with correct CRCs) but whose IDAT is
     * not zlib data: it passes the scan and fails only when decoded.
     */
    static void undecodablePng(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", new byte[]{0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0});
        chunk(out, "IDAT", "this is not zlib data at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        chunk(out, "IEND", new byte[0]);
        Files.createDirectories(file.getParent());
        Files.write(file, out.toByteArray());
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] body) throws IOException {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(t);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Rewrites a JPEG file with an EXIF block (APP1 after SOI) whose orientation tag says {@code orientation}. */
    static void setOrientation(Path jpeg, int orientation) throws IOException {
        byte[] plain = java.nio.file.Files.readAllBytes(jpeg);
        byte o = (byte) orientation;
        byte[] app1 = orientation % 2 == 0 // big-endian TIFF for even orientations, little-endian for odd ones
                ? new byte[]{(byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 0x2A, 0, 0, 0, 8,
                    0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0} // one entry: 0x0112, SHORT; no next IFD
                : new byte[]{(byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 0x2A, 0, 8, 0, 0, 0,
                    1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, o, 0, 0, 0, 0, 0, 0, 0};
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.write(plain, 0, 2); // SOI, then the EXIF block
        file.write(app1);
        file.write(plain, 2, plain.length - 2);
        java.nio.file.Files.write(jpeg, file.toByteArray());
    }
}
