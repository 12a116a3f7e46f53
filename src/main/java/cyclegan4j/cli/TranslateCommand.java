package cyclegan4j.cli;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.Backend;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.data.ImageCodec;
import cyclegan4j.data.ImageWriter;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.CheckpointFormatException;
import cyclegan4j.io.Checkpoints;
import cyclegan4j.io.TensorData;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * `cyclegan4j translate`: runs one generator of a checkpoint over an image or a folder of images.
 * Any size works: the image is padded (edge pixels repeated) to a multiple of 4 and the result
 * cropped back. Outputs keep the input's base name, as PNG.
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
                .value("device", "DEV", "auto, cpu or cuda (default: auto)");
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        CommandLineSpec c = spec();
        if (!c.parse(args, out)) {
            return Main.OK;
        }
        Path checkpoint = c.path("checkpoint");
        String direction = c.string("direction", "AtoB");
        if (!direction.equals("AtoB") && !direction.equals("BtoA")) {
            throw new UsageException("--direction must be AtoB or BtoA, got '" + direction + "'");
        }
        Path input = c.path("input");
        Path output = c.path("output");
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
        String prefix = direction.equals("AtoB") ? "G_AB." : "G_BA.";
        Checkpoint ck = Checkpoint.load(checkpoint);
        Files.createDirectories(output);
        try (GeneratorResNet g = generatorFor(ck, prefix, backend)) {
            int channels = ck.tensor(prefix + "model.1.weight").shape()[1];
            int done = 0;
            List<String> failed = new ArrayList<>();
            for (Path f : files) {
                try {
                    translate(g, backend, f, channels, output.resolve(baseName(f) + ".png"));
                    done++;
                } catch (IOException e) {
                    failed.add(f.getFileName() + " (" + e.getMessage() + ")");
                }
            }
            out.printf(Locale.ROOT, "translated %d image(s) %s into %s%n", done, direction, output);
            if (!failed.isEmpty()) {
                err.println("warning: skipped " + failed.size() + " unreadable file(s): " + String.join(", ", failed));
            }
            return done > 0 ? Main.OK : Main.FAILED;
        }
    }

    /** A generator shaped like the checkpoint's (channels and residual blocks read off the tensors), loaded. */
    static GeneratorResNet generatorFor(Checkpoint ck, String prefix, Backend backend) throws CheckpointFormatException {
        if (!ck.hasTensor(prefix + "model.1.weight")) {
            throw new CheckpointFormatException(ck.source() + ": not a CycleGAN checkpoint (no tensor " + prefix + "model.1.weight)");
        }
        int channels = ck.tensor(prefix + "model.1.weight").shape()[1];
        int blocks = 0;
        while (ck.hasTensor(prefix + "model." + (10 + blocks) + ".block.1.weight")) {
            blocks++;
        }
        GeneratorResNet g = new GeneratorResNet(backend, channels, blocks, new SplittableRandom(0));
        try {
            Checkpoints.loadModule(prefix, g, ck);
        } catch (CheckpointFormatException e) {
            g.close();
            throw e;
        }
        return g;
    }

    private static void translate(GeneratorResNet g, Backend backend, Path file, int channels, Path target) throws IOException {
        ImageCodec.Planes img = ImageCodec.read(file, channels);
        int h = img.height(), w = img.width();
        int ph = Math.max(8, (h + 3) / 4 * 4), pw = Math.max(8, (w + 3) / 4 * 4);
        float[] padded = new float[channels * ph * pw];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    float v = img.data()[(ch * h + Math.min(y, h - 1)) * w + Math.min(x, w - 1)];
                    padded[(ch * ph + y) * pw + x] = v / 127.5f - 1f;
                }
            }
        }
        float[] result;
        try (Scope s = Scope.open(); var ng = Autograd.noGrad()) {
            result = g.forward(Tensor.of(backend, padded, 1, channels, ph, pw)).toArray();
        }
        float[] cropped = new float[channels * h * w];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(result, (ch * ph + y) * pw, cropped, (ch * h + y) * w, w);
            }
        }
        ImageWriter.writePng(target, cropped, channels, h, w);
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
