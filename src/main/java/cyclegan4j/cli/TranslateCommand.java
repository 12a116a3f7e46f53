package cyclegan4j.cli;

import cyclegan4j.ImageTranslator;
import cyclegan4j.ImageTranslator.Direction;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cuda.DeviceOutOfMemoryException;
import cyclegan4j.data.Bicubic;
import cyclegan4j.data.ImageCodec;
import cyclegan4j.data.ImageWriter;
import cyclegan4j.io.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * `cyclegan4j translate`: runs one generator of a checkpoint over an image or a folder of images.
 * Any size works (see {@link ImageTranslator}). Outputs keep the input's base name, as PNG.
 */
final class TranslateCommand {

    private TranslateCommand() {
    }

    static CommandLineSpec spec() {
        return new CommandLineSpec("translate", "Translate images with a trained generator.")
                .value("checkpoint", "FILE", "a checkpoint written by train (required)")
                .value("direction", "DIR", "AtoB (generator G_AB) or BtoA (G_BA) (default: AtoB)")
                .value("input", "PATH", "an image file or a folder of images (required)")
                .value("output", "DIR", "folder for the translated PNGs (required)")
                .value("device", "DEV", "auto, cpu, cuda or cuda:N (GPU number N) (default: auto)")
                .value("max-size", "PX", "shrink larger images (bicubic, aspect kept) so that their longer side is PX;"
                        + " the output has the shrunk size (default: 0, every image at its own size)");
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        CommandLineSpec c = spec();
        if (!c.parse(args, out)) {
            return Main.OK;
        }
        Path checkpoint = c.path("checkpoint");
        Direction d;
        try {
            d = Direction.parse(c.string("direction", "AtoB"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
        Path input = c.path("input");
        Path output = c.path("output");
        int maxSize = c.integer("max-size", 0);
        if (maxSize != 0 && maxSize < 8) {
            throw new UsageException("--max-size must be 0 (no limit) or at least 8, got " + maxSize);
        }
        if (!Files.exists(checkpoint)) {
            throw new UsageException("--checkpoint: no such file " + checkpoint);
        }
        if (!Files.exists(input)) {
            throw new UsageException("--input: no such file or folder " + input);
        }
        List<Path> files = inputs(input);
        if (files.isEmpty()) {
            throw new UsageException("--input: no images in " + input);
        }
        Backend backend = Devices.select(c.string("device", "auto"), out);
        Checkpoint ck = Checkpoint.load(checkpoint);
        Files.createDirectories(output);
        try (ImageTranslator t = ImageTranslator.load(ck, d, backend)) {
            int done = 0;
            List<String> failed = new ArrayList<>();
            Progress progress = new Progress(err, System.console() != null, "translate " + d.label(), 0, files.size(), "img");
            int largestFailed = 0; // the longer side of the largest image that did not fit in memory
            for (Path f : files) {
                ImageCodec.Planes decoded = null, img = null;
                try {
                    decoded = ImageCodec.read(f, t.channels());
                    img = fitWithin(decoded, maxSize);
                    ImageWriter.writePng(output.resolve(baseName(f) + ".png"), t.apply(img), t.channels(), img.height(), img.width());
                    done++;
                } catch (IOException e) {
                    failed.add(f.getFileName() + " (" + e.getMessage() + ")");
                } catch (OutOfMemoryError | DeviceOutOfMemoryException e) { // the step's memory is freed: go on with the others
                    if (decoded == null) { // while decoding: shrinking after it would not help
                        failed.add(f.getFileName() + " (out of memory while decoding it)");
                    } else if (img == null) { // while shrinking: a smaller --max-size needs no more memory than this
                        failed.add(String.format(Locale.ROOT, "%s (%dx%d: out of memory while shrinking it)", f.getFileName(),
                                decoded.width(), decoded.height()));
                    } else {
                        failed.add(String.format(Locale.ROOT, "%s (%dx%d: out of memory)", f.getFileName(), img.width(), img.height()));
                        largestFailed = Math.max(largestFailed, Math.max(img.width(), img.height()));
                    }
                }
                progress.update(done + failed.size());
            }
            out.printf(Locale.ROOT, "translated %d image(s) %s into %s%n", done, d.label(), output);
            if (!failed.isEmpty()) {
                err.println("warning: skipped " + failed.size() + " file(s): " + String.join(", ", failed));
            }
            if (largestFailed > 0) {
                err.printf(Locale.ROOT, "(images of that size need more memory than %s has: pass --max-size %d to shrink them, "
                        + "or give it more (JAVA_OPTS=-Xmx16g on the CPU))%n", backend.name(), Math.max(8, largestFailed / 2));
            }
            return done > 0 ? Main.OK : Main.FAILED;
        }
    }

    /** The image shrunk (bicubic) so that its longer side is at most {@code maxSize}; unchanged when it fits or maxSize is 0. */
    static ImageCodec.Planes fitWithin(ImageCodec.Planes img, int maxSize) {
        int longer = Math.max(img.width(), img.height());
        if (maxSize == 0 || longer <= maxSize) {
            return img;
        }
        int h = Math.max(1, (int) Math.round((double) img.height() * maxSize / longer));
        int w = Math.max(1, (int) Math.round((double) img.width() * maxSize / longer));
        return Bicubic.resize(img, h, w);
    }

    private static List<Path> inputs(Path input) throws IOException {
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        try (Stream<Path> s = Files.walk(input)) {
            return s.filter(Files::isRegularFile).filter(TranslateCommand::looksLikeImage).sorted().toList();
        }
    }

    private static boolean looksLikeImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp") || n.endsWith(".gif");
    }

    private static String baseName(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
