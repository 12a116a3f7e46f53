package cyclegan4j.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JPEG's EXIF orientation (tag 0x0112 of the first image file directory), and the turn that shows
 * the image upright: phones store portrait photos sideways and set this tag, which every viewer
 * applies. ImageIO does not, nor does the reference's {@code Image.open}, which would train on such
 * photos sideways; {@link ImageCodec#read} applies it, so the model sees (and translate writes)
 * what the user sees.
 */
final class ExifOrientation {

    /** The tag's values: 1 upright; 2-4 mirrored or turned half way; 5-8 with width and height swapped. */
    static final int UPRIGHT = 1;

    private static final int TAG = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation of a JPEG file: 1..8, or 1 when it is no JPEG, has no EXIF block or says nothing valid. */
    static int of(Path file) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 8192))) {
            if (in.readUnsignedShort() != 0xFFD8) {
                return UPRIGHT;
            }
            while (true) { // the segments before the image data: FF xx, then a 2-byte length that counts itself
                int marker = in.readUnsignedShort();
                if ((marker & 0xFF00) != 0xFF00 || marker == 0xFFDA || marker == 0xFFD9) {
                    return UPRIGHT; // not a marker, or the compressed data starts: no EXIF block before it
                }
                int length = in.readUnsignedShort() - 2;
                if (length < 0) {
                    return UPRIGHT;
                }
                if (marker == 0xFFE1 && length >= 14) {
                    byte[] app1 = in.readNBytes(length);
                    if (app1.length == length && app1[0] == 'E' && app1[1] == 'x' && app1[2] == 'i' && app1[3] == 'f') {
                        return fromTiff(ByteBuffer.wrap(app1, 6, length - 6).slice());
                    }
                } else {
                    skip(in, length);
                }
            }
        } catch (IOException | RuntimeException e) {
            return UPRIGHT; // unreadable here: the decoder reports what is wrong with the file
        }
    }

    /** Tag 0x0112 of IFD0 of a TIFF structure (byte order "II" or "MM", offsets from its start). */
    private static int fromTiff(ByteBuffer tiff) {
        tiff.order(tiff.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = tiff.getInt(4);
        int entries = tiff.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int at = ifd + 2 + 12 * i;
            if ((tiff.getShort(at) & 0xFFFF) == TAG && tiff.getShort(at + 2) == 3) { // type 3: SHORT, stored in place
                int v = tiff.getShort(at + 8) & 0xFFFF;
                return v >= 1 && v <= 8 ? v : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                throw new EOFException();
            }
            n -= k;
        }
    }

    /**
     * The planes turned upright for {@code orientation} (as PIL's {@code ImageOps.exif_transpose}):
     * 2 mirror left-right, 3 turn 180 degrees, 4 mirror top-bottom, 5 transpose, 6 turn 90 degrees
     * clockwise, 7 transverse, 8 turn 90 degrees anticlockwise.
     */
    static ImageCodec.Planes apply(ImageCodec.Planes img, int orientation) {
        if (orientation == UPRIGHT) {
            return img;
        }
        int h = img.height(), w = img.width(), c = img.channels();
        boolean swap = orientation >= 5;
        int oh = swap ? w : h, ow = swap ? h : w;
        float[] src = img.data(), out = new float[src.length];
        for (int p = 0; p < c; p++) {
            int in = p * h * w, o = p * oh * ow;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int sy, sx; // the source pixel of output (y, x)
                    switch (orientation) {
                        case 2 -> { sy = y; sx = w - 1 - x; }
                        case 3 -> { sy = h - 1 - y; sx = w - 1 - x; }
                        case 4 -> { sy = h - 1 - y; sx = x; }
                        case 5 -> { sy = x; sx = y; }
                        case 6 -> { sy = h - 1 - x; sx = y; }
                        case 7 -> { sy = h - 1 - x; sx = w - 1 - y; }
                        case 8 -> { sy = x; sx = w - 1 - y; }
                        default -> throw new IllegalArgumentException("EXIF orientation " + orientation);
                    }
                    out[o + y * ow + x] = src[in + sy * w + sx];
                }
            }
        }
        return new ImageCodec.Planes(c, oh, ow, out);
    }
}
