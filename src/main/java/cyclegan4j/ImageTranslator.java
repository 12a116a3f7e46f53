package cyclegan4j;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Devices;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.data.ImageCodec;
import cyclegan4j.data.ImageWriter;
import cyclegan4j.data.Transforms;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.CheckpointFormatException;
import cyclegan4j.io.Checkpoints;
import cyclegan4j.io.TorchFile;
import cyclegan4j.io.TorchRuns;
import cyclegan4j.onnx.OnnxGraph;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One generator of a trained CycleGAN, applied to whole images from Java: what `cyclegan4j
 * translate` and `evaluate` run.
 *
 * <pre>{@code
 * try (ImageTranslator horseToZebra = ImageTranslator.open(Path.of("latest.safetensors"), Direction.A_TO_B, "auto")) {
 *     BufferedImage zebra = horseToZebra.translate(Path.of("horse.jpg")); // the EXIF orientation applied, as translate does
 * }
 * }</pre>
 *
 * <p>It reads a training checkpoint or an `export` of one. Images of any size work: an image is
 * scaled to [-1, 1] as in training ({@code v / 127.5 - 1}), padded (edge pixels repeated) to a
 * multiple of 4 (at least 8), run without gradients, and the result cropped back to the input's
 * size. Colour images are read as RGB without alpha, and one-channel models see the image's luma,
 * as `train` reads its data. A translator runs one image at a time (its methods are synchronized);
 * close it to free the generator's memory.
 */
public final class ImageTranslator implements AutoCloseable {

    /** Which generator: A_TO_B is G_AB (domain A in, B out), B_TO_A is G_BA. */
    public enum Direction {
        A_TO_B("AtoB", "G_AB"), B_TO_A("BtoA", "G_BA");

        private final String label;
        private final String generator;

        Direction(String label, String generator) {
            this.label = label;
            this.generator = generator;
        }

        /** The command line's name for it: "AtoB" or "BtoA". */
        public String label() {
            return label;
        }

        /** The generator's tensor-name prefix in checkpoints: "G_AB" or "G_BA". */
        public String generator() {
            return generator;
        }

        /** "AtoB" or "BtoA" (any case); anything else is an {@link IllegalArgumentException}. */
        public static Direction parse(String label) {
            for (Direction d : values()) {
                if (d.label.equalsIgnoreCase(label)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("direction must be AtoB or BtoA, got '" + label + "'");
        }
    }

    /** The ONNX model's input and output names ({@link #toOnnx}). */
    public static final String ONNX_INPUT = "image", ONNX_OUTPUT = "translated";

    private final GeneratorResNet generator;
    private final Backend backend;
    private final Direction direction;
    private final int channels;
    private boolean closed;

    private ImageTranslator(GeneratorResNet generator, Backend backend, Direction direction, int channels) {
        this.generator = generator;
        this.backend = backend;
        this.direction = direction;
        this.channels = channels;
    }

    /**
     * Loads the {@code direction} generator of a checkpoint file on {@code device}: "auto" (the GPU
     * when CUDA works, else the CPU), "cpu", "cuda" or "cuda:N". The file is a cyclegan4j checkpoint
     * or export, or a PyTorch state_dict ({@code .pth}); one that holds a single generator alone
     * (e.g. the paper's authors' {@code horse2zebra.pth}) is used whatever the direction.
     *
     * @throws IOException when the file cannot be read or holds no such generator
     * @throws IllegalArgumentException for a device that is none of those forms
     * @throws IllegalStateException when "cuda" was asked for and cannot be used (the message says why)
     */
    public static ImageTranslator open(Path checkpoint, Direction direction, String device) throws IOException {
        Objects.requireNonNull(direction, "direction");
        if (!Devices.isValid(device)) {
            throw new IllegalArgumentException("device must be auto, cpu, cuda or cuda:N, got '" + device + "'");
        }
        return load(read(checkpoint, direction), direction, Devices.select(device).backend());
    }

    /**
     * What {@link #load} needs of a file for {@code direction}: {@link #tensorsFor} of a checkpoint;
     * a PyTorch file that holds one generator alone; or, when such a file's name says which
     * generator it is (PyTorch-GAN's {@code G_BA_199.pth}, the authors' {@code latest_net_G_B.pth}),
     * the file of the direction's generator beside it ({@link TorchRuns}).
     */
    public static Checkpoint read(Path checkpoint, Direction direction) throws IOException {
        return TorchRuns.withSiblings(Checkpoint.load(checkpoint, tensorsFor(direction)), direction.generator()::equals);
    }

    /**
     * The tensors {@link #load} needs of a file: the {@code direction}'s generator, and the other's
     * first weight, which names it in the error for a one-generator export. Not the discriminators,
     * Adam moments and pools of a training checkpoint: about an eighth of it to read and hold.
     */
    public static Predicate<String> tensorsFor(Direction direction) {
        String prefix = direction.generator() + ".";
        return name -> name.startsWith(prefix) || name.startsWith("G_") && name.endsWith(".model.1.weight");
    }

    /** {@link #open(Path, Direction, String)} on the "auto" device. */
    public static ImageTranslator open(Path checkpoint, Direction direction) throws IOException {
        return open(checkpoint, direction, "auto");
    }

    /**
     * The {@code direction} generator of a loaded checkpoint, on {@code backend} (the commands share
     * one read file), shaped like the checkpoint's: channels, width and residual blocks read off its tensors.
     */
    public static ImageTranslator load(Checkpoint ck, Direction direction, Backend backend) throws CheckpointFormatException {
        String prefix = prefix(ck, direction);
        if (!ck.hasTensor(prefix + "model.1.weight")) {
            String other = direction == Direction.A_TO_B ? Direction.B_TO_A.generator() : Direction.A_TO_B.generator();
            throw new CheckpointFormatException(ck.source() + (prefix.isEmpty() ? ": holds one network alone, and not a generator"
                    + " (no model.1.weight: a discriminator?)" : ck.hasTensor(other + ".model.1.weight")
                    ? ": holds only the " + other + " generator" + (ck.hasMetadata(TorchRuns.FILES_KEY)
                            ? " (by its file name), and no file of " + direction.generator() + " lies beside it"
                            : " (exported with one --direction)") + ", not " + direction.generator()
                    : ": not a CycleGAN checkpoint (no tensor " + prefix + "model.1.weight)" + TorchFile.whereGenerators(ck)));
        }
        GeneratorResNet.Stored shape = GeneratorResNet.stored(ck, prefix);
        int channels = shape.channels();
        GeneratorResNet g = new GeneratorResNet(backend, channels, shape.residualBlocks(), shape.ngf(), shape.upsampling(),
                null); // no random init: the weights are loaded next
        try {
            Checkpoints.loadModule(prefix, g, ck);
        } catch (CheckpointFormatException e) {
            g.close();
            throw e;
        }
        return new ImageTranslator(g, backend, direction, channels);
    }

    /** The names' prefix of the {@code direction} generator in {@code ck}: none for a file of one network alone. */
    private static String prefix(Checkpoint ck, Direction direction) {
        return ck.isOneNetwork() ? "" : direction.generator() + ".";
    }

    /**
     * A fingerprint of the generator {@link #load} takes from {@code ck} for {@code direction}: a
     * CRC-32C of its tensors' names, shapes and values, in hex. Equal for the same weights whatever
     * the file is called or where it lies; another direction's generator or a retrained one differs.
     */
    public static String fingerprint(Checkpoint ck, Direction direction) {
        String prefix = prefix(ck, direction);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        new java.util.TreeMap<>(ck.tensorsWithPrefix(prefix)).forEach((name, t) -> {
            crc.update((name.substring(prefix.length()) + java.util.Arrays.toString(t.shape())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(t.values().length * 4);
            bytes.asFloatBuffer().put(t.values());
            crc.update(bytes);
        });
        return String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
    }

    /** Image channels the generator was trained on: 3 (RGB) or 1 (gray). */
    public int channels() {
        return channels;
    }

    public Direction direction() {
        return direction;
    }

    /** The device it runs on, as {@code info} names it (e.g. "cpu"). */
    public String device() {
        return backend.name();
    }

    /**
     * Translates an image: the result has the input's size, 8 bits per sample, RGB
     * ({@code TYPE_3BYTE_BGR}) or gray ({@code TYPE_BYTE_GRAY}) as the model's channels; the same
     * pixels `translate` writes to its PNGs.
     *
     * @throws IOException for images the reader refuses (CMYK)
     */
    public BufferedImage translate(BufferedImage image) throws IOException {
        Objects.requireNonNull(image, "image");
        ImageCodec.Planes planes = ImageCodec.toPlanes(image, channels);
        return ImageWriter.toImage(apply(planes), channels, planes.height(), planes.width());
    }

    /**
     * Translates an image file, read as `translate` reads it, so the result has the pixels of its
     * PNG: unlike {@code ImageIO.read}, this applies a JPEG's EXIF orientation (a phone's portrait
     * photo is translated upright) and refuses CMYK.
     *
     * @throws IOException when the file cannot be read or decoded (the message names it)
     */
    public BufferedImage translate(Path file) throws IOException {
        ImageCodec.Planes planes;
        try {
            planes = ImageCodec.read(file, channels);
        } catch (java.nio.file.FileSystemException e) { // names the file already
            throw e;
        } catch (IOException e) { // "not a readable image" and the like name no file
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return ImageWriter.toImage(apply(planes), channels, planes.height(), planes.width());
    }

    /** The generator's output for 8-bit planes (levels 0..255): CHW values in [-1, 1], the input's height and width. */
    public synchronized float[] apply(ImageCodec.Planes img) {
        if (closed) {
            throw new IllegalStateException("this ImageTranslator is closed");
        }
        if (img.channels() != channels) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "image has %d channel(s), the %s generator %d",
                    img.channels(), direction.generator(), channels));
        }
        int h = img.height(), w = img.width();
        int ph = Math.max(8, (h + 3) / 4 * 4), pw = Math.max(8, (w + 3) / 4 * 4);
        float[] padded = new float[channels * ph * pw];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    float v = img.data()[(ch * h + Math.min(y, h - 1)) * w + Math.min(x, w - 1)];
                    padded[(ch * ph + y) * pw + x] = Transforms.normalize(v);
                }
            }
        }
        float[] result;
        try (Scope s = Scope.open(); var ng = Autograd.noGrad()) {
            result = generator.forward(Tensor.of(backend, padded, 1, channels, ph, pw)).toArray();
        }
        float[] cropped = new float[channels * h * w];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(result, (ch * ph + y) * pw, cropped, (ch * h + y) * w, w);
            }
        }
        return cropped;
    }

    /**
     * The generator as an ONNX model (opset {@value OnnxGraph#OPSET}) for ONNX Runtime, TensorRT and
     * the like. Input "image": [N, C, H, W] float32 in [-1, 1] (a pixel level v as v / 127.5 - 1), H and
     * W multiples of 4 and at least 8 ({@link #apply} pads other sizes by repeating the last row and
     * column, then crops); output "translated": the same shape, in [-1, 1]. The file's metadata holds
     * the direction, the generator and {@code metadata} (e.g. the run's options).
     */
    public synchronized byte[] toOnnx(Map<String, String> metadata) {
        if (closed) {
            throw new IllegalStateException("this ImageTranslator is closed");
        }
        OnnxGraph graph = new OnnxGraph(ONNX_INPUT, channels);
        String out = graph.node(ONNX_OUTPUT, "Identity", List.of(generator.toOnnx(graph, ONNX_INPUT, direction.generator() + ".")));
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("direction", direction.label());
        meta.put("generator", direction.generator());
        meta.put("input", "image: N x " + channels + " x H x W float32 in [-1, 1] (level / 127.5 - 1); H, W multiples of 4, >= 8");
        return graph.toModel("cyclegan4j " + direction.generator(), out,
                "CycleGAN ResNet generator " + direction.generator() + " (" + direction.label() + "), written by cyclegan4j", meta);
    }

    /** Frees the generator's memory; later calls to {@link #apply} fail. Closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            generator.close();
        }
    }
}
