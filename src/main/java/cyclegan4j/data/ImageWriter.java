package cyclegan4j.data;

import cyclegan4j.io.AtomicFiles;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Node;

/**
 * Writes model tensors (values in [-1, 1], CHW or NCHW float arrays) as PNG files: each value
 * becomes {@code round((x + 1) * 127.5)} clamped to 0..255, so an image read by the loader and
 * written back is unchanged. (The reference truncates instead of rounding.) One channel is written
 * as an 8-bit grayscale PNG, three as RGB.
 */
public final class ImageWriter {

    private static final String PNG_METADATA = "javax_imageio_png_1.0";

    private ImageWriter() {
    }

    /** The 8-bit level of a value in [-1, 1]. */
    public static int toByte(float x) {
        long v = Math.round((x + 1.0) * 127.5);
        return (int) Math.max(0, Math.min(255, v));
    }

    /** Writes one CHW image ({@code channels} = 1 or 3) as a PNG; creates parent folders. */
    public static void writePng(Path file, float[] chw, int channels, int height, int width) throws IOException {
        writePng(file, chw, 0, channels, height, width);
    }

    /** Writes image {@code n} of an NCHW array of shape {@code [N, C, H, W]} as a PNG. */
    public static void writePng(Path file, float[] nchw, int[] shape, int n) throws IOException {
        if (shape.length != 4 || n < 0 || n >= shape[0]) {
            throw new IllegalArgumentException("writePng: image " + n + " of shape " + java.util.Arrays.toString(shape));
        }
        int per = shape[1] * shape[2] * shape[3];
        writePng(file, nchw, n * per, shape[1], shape[2], shape[3]);
    }

    private static void writePng(Path file, float[] data, int offset, int c, int h, int w) throws IOException {
        save(toImage(data, offset, c, h, w), file, null);
    }

    /**
     * Writes {@code img} as a PNG that carries {@code texts} (keyword to text, each an iTXt chunk in
     * UTF-8): what made it, for {@link #text} to read back.
     */
    public static void writePng(Path file, BufferedImage img, Map<String, String> texts) throws IOException {
        save(img, file, texts);
    }

    /** The iTXt text under {@code keyword} of a PNG ({@link #writePng(Path, BufferedImage, Map)}), or null. */
    public static String text(Path png, String keyword) {
        try (ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
            java.util.Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                IIOMetadata meta = reader.getImageMetadata(0);
                if (meta == null || !java.util.Arrays.asList(meta.getMetadataFormatNames()).contains(PNG_METADATA)) {
                    return null;
                }
                for (Node n = meta.getAsTree(PNG_METADATA).getFirstChild(); n != null; n = n.getNextSibling()) {
                    for (Node e = n.getFirstChild(); n.getNodeName().equals("iTXt") && e != null; e = e.getNextSibling()) {
                        Node k = e.getAttributes().getNamedItem("keyword"), t = e.getAttributes().getNamedItem("text");
                        if (k != null && t != null && keyword.equals(k.getNodeValue())) {
                            return t.getNodeValue();
                        }
                    }
                }
                return null;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) { // not a PNG, or damaged: no text
            return null;
        }
    }

    /** One CHW image as an 8-bit image: {@code TYPE_BYTE_GRAY} for one channel, {@code TYPE_3BYTE_BGR} for three. */
    public static BufferedImage toImage(float[] chw, int channels, int height, int width) {
        return toImage(chw, 0, channels, height, width);
    }

    private static BufferedImage toImage(float[] data, int offset, int c, int h, int w) {
        check(data, offset, c, h, w);
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        put(img.getRaster(), data, offset, c, h, w, 0, 0);
        return img;
    }

    /**
     * Tiles {@code rows x cols} CHW images of one size into a single PNG, row-major (image
     * {@code r * cols + c} at row r, column c), with {@code gap} pixels of white between them.
     * For a CycleGAN sample grid pass, per row, real A, fake B, recovered A, real B, fake A,
     * recovered B. Images with one channel are shown as gray; the grid is grayscale only when all
     * images have one channel. A null entry leaves its cell white.
     */
    public static void writeGrid(Path file, List<float[]> images, int[] channels, int rows, int cols,
                                 int height, int width, int gap) throws IOException {
        if (images.size() > rows * cols || channels.length != images.size()) {
            throw new IllegalArgumentException("grid: " + images.size() + " images (" + channels.length
                    + " channel counts) for " + rows + "x" + cols + " cells");
        }
        List<float[]> cells = new java.util.ArrayList<>(images); // the cells after the last image stay white
        int[] cellChannels = java.util.Arrays.copyOf(channels, rows * cols);
        while (cells.size() < rows * cols) {
            cells.add(null);
        }
        int[][] sizes = new int[rows * cols][];
        java.util.Arrays.fill(sizes, new int[]{height, width});
        writeGrid(file, cells, cellChannels, sizes, rows, cols, gap);
    }

    /**
     * {@link #writeGrid} for images of their own sizes ({@code sizes[i]} = {height, width}), as
     * training with --preprocess none gives: each row as tall as its tallest cell, each column as
     * wide as its widest, images at their cells' top left on white. Every cell has an entry (a
     * null image: a white cell of its size).
     */
    public static void writeGrid(Path file, List<float[]> images, int[] channels, int[][] sizes, int rows, int cols,
                                 int gap) throws IOException {
        save(grid(images, channels, sizes, rows, cols, gap), file, null);
    }

    /** The image {@link #writeGrid(Path, List, int[], int[][], int, int, int)} writes. */
    public static BufferedImage grid(List<float[]> images, int[] channels, int[][] sizes, int rows, int cols, int gap) {
        if (images.size() != rows * cols || channels.length != images.size() || sizes.length != images.size()) {
            throw new IllegalArgumentException("grid: " + images.size() + " images (" + channels.length
                    + " channel counts, " + sizes.length + " sizes) for " + rows + "x" + cols + " cells");
        }
        boolean gray = true;
        for (int i = 0; i < images.size(); i++) {
            gray &= images.get(i) == null || channels[i] == 1;
        }
        int[] rowTop = new int[rows + 1], colLeft = new int[cols + 1];
        for (int i = 0; i < images.size(); i++) {
            rowTop[i / cols + 1] = Math.max(rowTop[i / cols + 1], sizes[i][0] + gap);
            colLeft[i % cols + 1] = Math.max(colLeft[i % cols + 1], sizes[i][1] + gap);
        }
        for (int r = 0; r < rows; r++) {
            rowTop[r + 1] += rowTop[r];
        }
        for (int c = 0; c < cols; c++) {
            colLeft[c + 1] += colLeft[c];
        }
        int gw = Math.max(1, colLeft[cols] - gap), gh = Math.max(1, rowTop[rows] - gap);
        BufferedImage img = new BufferedImage(gw, gh, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster r = img.getRaster();
        int bands = gray ? 1 : 3;
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < gh; y++) {
                for (int x = 0; x < gw; x++) {
                    r.setSample(x, y, b, 255);
                }
            }
        }
        for (int i = 0; i < images.size(); i++) {
            float[] im = images.get(i);
            if (im == null) {
                continue;
            }
            check(im, 0, channels[i], sizes[i][0], sizes[i][1]);
            put(r, im, 0, channels[i], sizes[i][0], sizes[i][1], colLeft[i % cols], rowTop[i / cols]);
        }
        return img;
    }

    /** {@link #writeGrid} for images that all have {@code channels} channels. */
    public static void writeGrid(Path file, List<float[]> images, int channels, int rows, int cols,
                                 int height, int width, int gap) throws IOException {
        int[] ch = new int[images.size()];
        java.util.Arrays.fill(ch, channels);
        writeGrid(file, images, ch, rows, cols, height, width, gap);
    }

    private static void check(float[] data, int offset, int c, int h, int w) {
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("can only write 1 or 3 channels, got " + c);
        }
        if (offset + c * h * w > data.length) {
            throw new IllegalArgumentException("image " + c + "x" + h + "x" + w + " at " + offset
                    + " does not fit in " + data.length + " values");
        }
    }

    /** Copies a CHW image into the raster at (x0, y0); a gray image fills all bands of an RGB raster. */
    private static void put(WritableRaster r, float[] data, int offset, int c, int h, int w, int x0, int y0) {
        int hw = h * w;
        for (int b = 0; b < r.getNumBands(); b++) {
            int plane = offset + (c == 1 ? 0 : b) * hw;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r.setSample(x0 + x, y0 + y, b, toByte(data[plane + y * w + x]));
                }
            }
        }
    }

    /**
     * Encodes in memory, then replaces the file all at once: a crash never leaves a partial PNG
     * (which `translate --skip-existing` would take for done). A file that cannot be written is an
     * IOException naming it (ImageIO's File overload prints a stack trace and says only "Can't
     * create an ImageOutputStream!").
     */
    private static void save(BufferedImage img, Path file, Map<String, String> texts) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(png)) {
            java.util.Iterator<javax.imageio.ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
            if (!writers.hasNext()) {
                throw new IOException("no PNG writer available");
            }
            javax.imageio.ImageWriter writer = writers.next();
            try {
                IIOMetadata meta = null;
                if (texts != null && !texts.isEmpty()) {
                    meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
                    IIOMetadataNode itxt = new IIOMetadataNode("iTXt"), root = new IIOMetadataNode(PNG_METADATA);
                    texts.forEach((keyword, text) -> {
                        IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                        entry.setAttribute("keyword", keyword);
                        entry.setAttribute("compressionFlag", "FALSE");
                        entry.setAttribute("compressionMethod", "0");
                        entry.setAttribute("languageTag", "");
                        entry.setAttribute("translatedKeyword", "");
                        entry.setAttribute("text", text);
                        itxt.appendChild(entry);
                    });
                    root.appendChild(itxt);
                    meta.mergeTree(PNG_METADATA, root);
                }
                writer.setOutput(ios);
                writer.write(null, new IIOImage(img, null, meta), null);
            } finally {
                writer.dispose();
            }
        }
        AtomicFiles.writeBytesUnsynced(file, png.toByteArray());
    }
}
