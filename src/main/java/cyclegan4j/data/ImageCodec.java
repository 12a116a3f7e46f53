package cyclegan4j.data;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Decodes image files (whatever ImageIO reads: PNG, JPEG, BMP, GIF) into 8-bit planes, the way the
 * reference's {@code Image.open(path).convert('RGB')} (and {@code convert('L')} for one channel) does:
 *
 * <ul>
 *   <li>RGB samples are taken as stored: no colour management, as PIL; except that ImageIO's JPEG
 *       reader converts a JPEG with an embedded non-sRGB ICC profile (Adobe RGB, Display P3) to
 *       sRGB, which PIL does not (a PNG's profile is ignored by both).</li>
 *   <li>Grayscale is replicated into R, G and B (read from the raster: {@link BufferedImage#getRGB}
 *       would apply Java's linear-gray to sRGB conversion and change the values).</li>
 *   <li>Palette images are looked up in their palette.</li>
 *   <li>Alpha is dropped, not composited (PIL's {@code convert('RGB')} drops it too), so fully
 *       transparent pixels show their stored colour.</li>
 *   <li>Samples of more than 8 bits (16-bit PNG) are scaled: {@code round(v * 255 / 65535)}. (PIL
 *       would clip 16-bit grayscale at 255 instead, which makes such images nearly white.)</li>
 *   <li>One channel: ITU-R 601-2 luma with PIL's rounding,
 *       {@code L = (19595 R + 38470 G + 7471 B + 32768) >> 16}, which returns gray inputs unchanged.</li>
 *   <li>CMYK (JPEG): refused with an {@link IOException} (and by the scan), since the inversion
 *       conventions of CMYK JPEGs make a silent conversion unreliable; convert such files to RGB.</li>
 *   <li>A JPEG's EXIF orientation is applied ({@link ExifOrientation}), unlike PIL's
 *       {@code Image.open}: a phone's portrait photo is read upright, as viewers show it.</li>
 * </ul>
 */
public final class ImageCodec {

    private ImageCodec() {
    }

    /**
     * Reads an image file into 8-bit planes, channels first: {@code [channels][height][width]} as
     * values 0..255 in a float array of length {@code channels * height * width}.
     */
    public static Planes read(Path file, int channels) throws IOException {
        return read(file, channels, 1);
    }

    /**
     * {@link #read(Path, int)} keeping every {@code step}-th row and column only (ImageIO's source
     * subsampling): an image too large to decode whole can still be decoded small, then resampled.
     */
    public static Planes read(Path file, int channels, int step) throws IOException {
        BufferedImage img;
        try {
            img = step == 1 ? ImageIO.read(file.toFile()) : readSubsampled(file, step);
        } catch (IIOException e) {
            throw new IOException(describe(e), e);
        } catch (RuntimeException e) {
            // Some ImageIO plugins throw unchecked exceptions on malformed data.
            throw new IOException("decoder failed: " + e, e);
        }
        if (img == null) {
            String format = unsupportedFormat(file);
            throw new IOException(format != null ? format + " is not supported: convert it to PNG or JPEG" : "not a readable image");
        }
        return ExifOrientation.apply(toPlanes(img, channels), ExifOrientation.of(file));
    }

    private static BufferedImage readSubsampled(Path file, int step) throws IOException {
        return withReader(file, reader -> {
            javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(step, step, 0, 0);
            return reader.read(0, param);
        });
    }

    /** The width and height an image file declares in its header (nothing is decoded). */
    public static int[] size(Path file) throws IOException {
        int[] wh = withReader(file, reader -> new int[]{reader.getWidth(0), reader.getHeight(0)});
        if (wh == null) {
            throw new IOException("not a readable image");
        }
        return wh;
    }

    private interface ReaderTask<T> {
        T run(ImageReader reader) throws IOException;
    }

    /** {@code task} on the file's first ImageIO reader, its input set; null when no reader recognises the file. */
    private static <T> T withReader(Path file, ReaderTask<T> task) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return task.run(reader);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Converts a decoded image into 8-bit RGB (channels = 3) or luma (channels = 1) planes. */
    public static Planes toPlanes(BufferedImage img, int channels) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] rgb = toRgb8(img);
        int hw = w * h;
        float[] out = new float[channels * hw];
        if (channels == 3) {
            for (int i = 0; i < hw; i++) {
                out[i] = rgb[3 * i];
                out[hw + i] = rgb[3 * i + 1];
                out[2 * hw + i] = rgb[3 * i + 2];
            }
        } else {
            for (int i = 0; i < hw; i++) {
                out[i] = luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
            }
        }
        return new Planes(channels, h, w, out);
    }

    /** PIL's RGB to L conversion (ITU-R 601-2 luma, fixed point with rounding). */
    public static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** Interleaved 8-bit RGB (r, g, b per pixel, row-major), alpha dropped. */
    static int[] toRgb8(BufferedImage img) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        int[] out = new int[3 * w * h];
        if (cm instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int idx = raster.getSample(x, y, 0);
                    int o = 3 * (y * w + x);
                    out[o] = icm.getRed(idx);
                    out[o + 1] = icm.getGreen(idx);
                    out[o + 2] = icm.getBlue(idx);
                }
            }
            return out;
        }
        int csType = cm.getColorSpace().getType();
        if (!cm.isAlphaPremultiplied() && (csType == ColorSpace.TYPE_RGB || csType == ColorSpace.TYPE_GRAY)) {
            int colorBands = csType == ColorSpace.TYPE_RGB ? 3 : 1;
            if (raster.getNumBands() < colorBands) {
                throw new IOException("unsupported image layout: " + raster.getNumBands() + " bands");
            }
            long[] max = new long[colorBands];
            for (int b = 0; b < colorBands; b++) {
                max[b] = (1L << cm.getComponentSize(b)) - 1;
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int o = 3 * (y * w + x);
                    for (int c = 0; c < 3; c++) {
                        int b = colorBands == 3 ? c : 0;
                        long v = raster.getSample(x, y, b) & 0xFFFFFFFFL;
                        out[o + c] = max[b] == 255 ? (int) v : (int) ((v * 255 + max[b] / 2) / max[b]);
                    }
                }
            }
            return out;
        }
        if (csType == ColorSpace.TYPE_CMYK) {
            throw new IOException("CMYK images are not supported (convert to RGB)");
        }
        // Other colour spaces (or premultiplied alpha): let Java convert to sRGB.
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                int o = 3 * (y * w + x);
                out[o] = (argb >> 16) & 0xFF;
                out[o + 1] = (argb >> 8) & 0xFF;
                out[o + 2] = argb & 0xFF;
            }
        }
        return out;
    }

    /**
     * The alpha of each pixel as 0..255 (row-major), 255 everywhere for an opaque image. Read like
     * {@link #toRgb8}: palette entries and raw samples (more than 8 bits scaled), so it pairs with
     * that method's colours; premultiplied images go through {@link BufferedImage#getRGB}.
     */
    static int[] alpha8(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] out = new int[w * h];
        ColorModel cm = img.getColorModel();
        if (!cm.hasAlpha()) {
            java.util.Arrays.fill(out, 255);
            return out;
        }
        Raster raster = img.getRaster();
        int band = cm.getNumColorComponents();
        long max = (1L << cm.getComponentSize(band)) - 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int a;
                if (cm instanceof IndexColorModel icm) {
                    a = icm.getAlpha(raster.getSample(x, y, 0));
                } else if (!cm.isAlphaPremultiplied() && raster.getNumBands() > band) {
                    long v = raster.getSample(x, y, band) & 0xFFFFFFFFL;
                    a = max == 255 ? (int) v : (int) ((v * 255 + max / 2) / max);
                } else {
                    a = img.getRGB(x, y) >>> 24;
                }
                out[y * w + x] = a;
            }
        }
        return out;
    }

    /** What the scan learns about a file. */
    enum Probe { IMAGE, NOT_IMAGE, CORRUPT }

    /** The result of {@link #probe}: the verdict, for a corrupt file the reason, for an image its declared size. */
    record ProbeResult(Probe kind, String reason, int width, int height) {
        ProbeResult(Probe kind, String reason) {
            this(kind, reason, 0, 0);
        }
    }

    private static final String[] IMAGE_EXTENSIONS = {
        ".png", ".jpg", ".jpeg", ".jfif", ".jpe", ".bmp", ".gif", ".tif", ".tiff", ".ppm", ".pgm", ".webp", ".wbmp", ".heic", ".heif",
        ".avif" // .jfif and .jpe: JPEG's other names (Windows browsers save .jfif), which train reads by their content
    };

    /**
     * The name of a common image format that ImageIO cannot read, from the file's first bytes
     * (WebP: RIFF....WEBP; HEIC, HEIF and AVIF: an ISO box "ftyp" with their brand), or null.
     */
    static String unsupportedFormat(Path file) {
        byte[] head = new byte[12];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 12) < 12) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        String ascii = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("RIFF") && ascii.startsWith("WEBP", 8)) {
            return "WebP";
        }
        if (ascii.startsWith("ftyp", 4)) {
            String brand = ascii.substring(8, 12);
            return brand.equals("avif") || brand.equals("avis") ? "AVIF"
                    : brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1") ? "HEIC/HEIF" : null;
        }
        return null;
    }

    /** Whether the file's name ends in an image extension (.png, .jpg, .tiff, .webp, ...; any case). */
    public static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        for (String ext : IMAGE_EXTENSIONS) {
            if (name.endsWith(ext)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A cheap check made while scanning: an ImageIO reader recognises the content and reads the
     * size and colour type from the header (CMYK is refused); a PNG must end with its IEND chunk and a JPEG must contain an
     * end-of-image marker near its end (so truncated downloads are caught without decoding). A file
     * no reader recognises is NOT_IMAGE when its name has no image extension, CORRUPT when it has
     * one (e.g. an empty {@code x.png}).
     */
    static ProbeResult probe(Path file) {
        String format;
        int w, h;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return new ProbeResult(Probe.CORRUPT, "cannot open");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                String unsupported = unsupportedFormat(file);
                if (unsupported != null) {
                    return new ProbeResult(Probe.CORRUPT, unsupported + " is not supported: convert it to PNG or JPEG");
                }
                return hasImageExtension(file)
                        ? new ProbeResult(Probe.CORRUPT, Files.size(file) == 0 ? "empty file" : "unrecognised content")
                        : new ProbeResult(Probe.NOT_IMAGE, null);
            }
            ImageReader reader = readers.next();
            try {
                format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
                reader.setInput(in, true, true);
                w = reader.getWidth(0);
                h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    return new ProbeResult(Probe.CORRUPT, "size " + w + "x" + h);
                }
                javax.imageio.ImageTypeSpecifier raw = reader.getRawImageType(0);
                if (raw == null) {
                    // The JPEG reader has no raw type for 4-channel files; its first offered type tells.
                    Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
                    raw = types.hasNext() ? types.next() : null;
                }
                if (raw != null && raw.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                    return new ProbeResult(Probe.CORRUPT, "CMYK colour is not supported, convert to RGB");
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return new ProbeResult(Probe.CORRUPT, describe(e));
        }
        try {
            if (format.equals("png") && !endsWith(file, PNG_IEND)) {
                return new ProbeResult(Probe.CORRUPT, "truncated (no IEND chunk)");
            }
            if ((format.equals("jpeg") || format.equals("jpg")) && !tailContains(file, (byte) 0xFF, (byte) 0xD9)) {
                return new ProbeResult(Probe.CORRUPT, "truncated (no JPEG end-of-image marker)");
            }
        } catch (IOException e) {
            return new ProbeResult(Probe.CORRUPT, describe(e));
        }
        return new ProbeResult(Probe.IMAGE, null, w, h);
    }

    private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private static byte[] tail(Path file, int n) throws IOException {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            int len = (int) Math.min(n, size);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(len);
            ch.position(size - len);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read fully
            }
            return buf.array();
        }
    }

    private static boolean endsWith(Path file, byte[] suffix) throws IOException {
        byte[] t = tail(file, suffix.length);
        return java.util.Arrays.equals(t, suffix);
    }

    /** Whether the last 4 KiB hold the two-byte marker (JPEG files may carry padding after EOI). */
    private static boolean tailContains(Path file, byte a, byte b) throws IOException {
        byte[] t = tail(file, 4096);
        for (int i = t.length - 2; i >= 0; i--) {
            if (t[i] == a && t[i + 1] == b) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /**
     * 8-bit image planes, channels first: {@code data[(c * height + y) * width + x]}, values 0..255
     * (integers, stored as floats for the resampler).
     */
    public record Planes(int channels, int height, int width, float[] data) {
        public Planes {
            if (channels < 1 || height < 1 || width < 1) {
                throw new IllegalArgumentException("planes: need at least 1 channel, row and column, got "
                        + channels + "x" + height + "x" + width);
            }
            if (data.length != (long) channels * height * width) {
                throw new IllegalArgumentException("planes: " + data.length + " values for "
                        + channels + "x" + height + "x" + width);
            }
        }
    }
}
