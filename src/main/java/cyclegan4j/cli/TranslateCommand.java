package cyclegan4j.cli;

import cyclegan4j.ImageTranslator;
import cyclegan4j.ImageTranslator.Direction;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cuda.DeviceOutOfMemoryException;
import cyclegan4j.data.Bicubic;
import cyclegan4j.data.ImageCodec;
import cyclegan4j.data.ImageFolder;
import cyclegan4j.data.ImageWriter;
import cyclegan4j.data.Transforms;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.TorchRuns;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * `cyclegan4j translate`: runs one generator of a checkpoint over an image or a folder of images.
 * Any size works (see {@link ImageTranslator}). Outputs keep the input's base name, as PNG. Images
 * are decoded ahead and written behind the model on other threads ({@link TranslatePipeline}).
 */
final class TranslateCommand {

    private TranslateCommand() {
    }

    static CommandLineSpec spec() {
        return new CommandLineSpec("translate", "Translate images with a trained generator.")
                .value("checkpoint", "FILE", "a checkpoint written by train, an export, or a PyTorch state_dict (.pth: a"
                        + " generator alone is used for either --direction) (required)")
                .value("direction", "DIR", "AtoB (generator G_AB) or BtoA (G_BA) (default: AtoB)")
                .value("input", "PATH", "an image file or a folder of images (required)")
                .value("output", "PATH", "folder for the translated PNGs, or with one input image its PNG's file name (required)")
                .value("device", "DEV", "auto, cpu, cuda or cuda:N (GPU number N) (default: auto)")
                .value("max-size", "PX", "shrink larger images (bicubic, aspect kept) so that their longer side is PX;"
                        + " the output has the shrunk size (default: 0, every image at its own size)")
                .value("workers", "N", "image decoding threads, ahead of the model; one more writes the PNGs (default: 2)")
                .flag("side-by-side", "write each image as the model saw it next to its translation, in one PNG (input | output)")
                .flag("skip-existing", "leave out images whose output PNG exists (to finish a run that stopped)");
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        CommandLineSpec c = spec();
        if (!c.parse(args, out)) {
            return Main.OK;
        }
        Path checkpoint = c.existingFile("checkpoint");
        Direction d;
        try {
            d = Direction.parse(c.string("direction", "AtoB"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
        Path input = c.path("input");
        Path output = c.path("output");
        int maxSize = c.integer("max-size", 0);
        int workers = c.integer("workers", 2);
        boolean sideBySide = c.has("side-by-side");
        if (workers < 1) {
            throw new UsageException("--workers must be at least 1, got " + workers);
        }
        if (maxSize != 0 && maxSize < 8) {
            throw new UsageException("--max-size must be 0 (no limit) or at least 8, got " + maxSize);
        }
        if (!Files.exists(input)) {
            throw new UsageException("--input: no such file or folder " + input);
        }
        List<Path> found = inputs(input, output, out);
        if (found.isEmpty()) {
            throw new UsageException("--input: no images in " + input);
        }
        List<Path> outputs = namesAFile(input, output) ? List.of(output) : outputPaths(input, found, output);
        refuseOverwritingInputs(found, outputs);
        Checkpoint ck = ImageTranslator.read(checkpoint, d);
        CheckpointInfo.sayWhichFiles(ck, out);
        // every PNG says what made it: the generator's weights (not where its file lies) and the options that change the output
        String settings = "generator " + ImageTranslator.fingerprint(ck, d) + (maxSize > 0 ? ", --max-size " + maxSize : "")
                + (sideBySide ? ", --side-by-side" : "");
        // a PyTorch run's file brings the other generator from its sibling: name the file the weights came from
        Path made = ck.hasMetadata(TorchRuns.FILES_KEY) ? TorchRuns.sibling(checkpoint, d.generator()) : checkpoint;
        Map<String, String> texts = Map.of(SETTINGS_KEY, settings,
                "cyclegan4j", "cyclegan4j translate: " + d.generator() + " of " + made.getFileName() + " (" + settings + ")");
        // PNGs are written whole (renamed into place), so one that exists is done, if these settings made it
        boolean skip = c.has("skip-existing");
        if (skip) {
            refuseOtherSettings(outputs, settings);
        }
        List<Integer> todo = IntStream.range(0, found.size()).filter(i -> !skip || !Files.exists(outputs.get(i))).boxed().toList();
        if (todo.size() < found.size()) {
            out.printf(Locale.ROOT, "skipping %d image(s) already translated in %s (--skip-existing)%n", found.size() - todo.size(), output);
        }
        if (todo.isEmpty()) {
            return Main.OK;
        }
        List<Path> files = todo.stream().map(found::get).toList(), targets = todo.stream().map(outputs::get).toList();
        Backend backend = Devices.select(c.string("device", "auto"), out);
        for (Path folder : new TreeSet<>(targets.stream().map(t -> t.toAbsolutePath().getParent()).toList())) { // x.png: no parent
            Files.createDirectories(folder);
        }
        try (ImageTranslator t = ImageTranslator.load(ck, d, backend);
             TranslatePipeline pipe = new TranslatePipeline(workers)) {
            Progress progress = new Progress(err, System.console() != null, "translate " + d.label(), 0, files.size(), "img");
            TranslatePipeline.Outcomes outcomes = new TranslatePipeline.Outcomes();
            List<Future<Loaded>> ahead = new ArrayList<>(); // decoded (and shrunk) on the workers, taken in input order
            int next = 0;
            for (int i = 0; i < files.size(); i++) {
                while (next < files.size() && next <= i + workers) {
                    Path f = files.get(next++);
                    ahead.add(pipe.ahead(() -> load(f, t.channels(), maxSize)));
                }
                Path f = files.get(i);
                Loaded in = TranslatePipeline.get(ahead.set(i, null));
                if (in.failure() != null) {
                    outcomes.failed(i, f, in.failure(), in.side());
                } else {
                    ImageCodec.Planes img = in.img();
                    float[] result = null;
                    try {
                        result = t.apply(img);
                    } catch (OutOfMemoryError | DeviceOutOfMemoryException e) { // the step's memory is freed: go on with the others
                        outcomes.failed(i, f, String.format(Locale.ROOT, "%dx%d: out of memory", img.width(), img.height()),
                                Math.max(img.width(), img.height()));
                    }
                    if (result != null) {
                        float[] chw = result;
                        Path target = targets.get(i);
                        pipe.write(i, f, () -> {
                            int[] hw = {img.height(), img.width()};
                            ImageWriter.writePng(target, sideBySide
                                    ? ImageWriter.grid(List.of(normalized(img), chw), new int[]{t.channels(), t.channels()},
                                            new int[][]{hw, hw}, 1, 2, 2)
                                    : ImageWriter.toImage(chw, t.channels(), img.height(), img.width()), texts);
                        }, outcomes);
                    }
                }
                progress.update(outcomes.count() + pipe.pendingWrites());
            }
            pipe.finishWrites(outcomes, progress);
            out.printf(Locale.ROOT, "translated %d image(s) %s into %s%n", outcomes.done, d.label(), output);
            if (!outcomes.failed.isEmpty()) {
                err.println("warning: skipped " + outcomes.failed.size() + " file(s): " + String.join(", ", outcomes.failed.values()));
            }
            if (outcomes.largestFailed > 0) {
                err.printf(Locale.ROOT, "(images of that size need more memory than %s has: pass --max-size %d to shrink them, "
                        + "or give it more (JAVA_OPTS=-Xmx16g on the CPU))%n", backend.name(), Math.max(8, outcomes.largestFailed / 2));
            }
            return outcomes.done > 0 ? Main.OK : Main.FAILED;
        }
    }

    /** The PNG text that --skip-existing compares: the generator's fingerprint and the options that change the output. */
    static final String SETTINGS_KEY = "cyclegan4j-settings";

    /**
     * --skip-existing keeps only the outputs this run would write: a PNG made by another generator
     * (another direction, or the checkpoint retrained) or with another --max-size or --side-by-side
     * is refused, not mixed in. PNGs without the text (from elsewhere, or older versions) count as done.
     */
    private static void refuseOtherSettings(List<Path> outputs, String settings) {
        List<Path> other = new ArrayList<>();
        String theirs = null;
        for (Path p : outputs) {
            String made = Files.isRegularFile(p) ? ImageWriter.text(p, SETTINGS_KEY) : null;
            if (made != null && !made.equals(settings)) {
                theirs = theirs == null ? made : theirs;
                other.add(p);
            }
        }
        if (!other.isEmpty()) {
            throw new UsageException("--skip-existing: " + other.size() + " of the PNGs already there were made otherwise (" + other.get(0)
                    + ": " + theirs + "; this run: " + settings + "): write to another --output, or leave out --skip-existing to"
                    + " translate every image again");
        }
    }

    /** A decoded and fitted image, or why there is none (with the longer side of one too large for memory, else 0). */
    private record Loaded(ImageCodec.Planes img, String failure, int side) {
        Loaded(ImageCodec.Planes img) {
            this(img, null, 0);
        }
    }

    /**
     * Reads and shrinks one image (on a worker thread); a file that cannot be is a failure, not an
     * exception. With --max-size, an image too large to decode whole is decoded with every n-th row
     * and column (n at least 2, and at most what keeps it twice --max-size), then shrunk as the others.
     */
    private static Loaded load(Path f, int channels, int maxSize) {
        ImageCodec.Planes decoded;
        try {
            decoded = ImageCodec.read(f, channels);
        } catch (IOException e) {
            return new Loaded(null, e.getMessage(), 0);
        } catch (OutOfMemoryError e) {
            int[] wh = headerSize(f);
            int longer = Math.max(wh[0], wh[1]);
            String size = longer > 0 ? wh[0] + "x" + wh[1] + ": " : "";
            if (maxSize == 0 || maxSize >= longer) { // the hint names a --max-size that takes the path below
                return new Loaded(null, size + "out of memory while decoding it", longer);
            }
            int step = Math.max(2, longer / (2 * maxSize));
            try {
                decoded = ImageCodec.read(f, channels, step);
            } catch (IOException | OutOfMemoryError again) {
                return new Loaded(null, size + "out of memory while decoding it, even 1 in " + step + " rows and columns", 0);
            }
        }
        try {
            return new Loaded(fitWithin(decoded, maxSize));
        } catch (OutOfMemoryError e) { // a smaller --max-size needs no more memory than this
            return new Loaded(null, String.format(Locale.ROOT, "%dx%d: out of memory while shrinking it", decoded.width(), decoded.height()), 0);
        }
    }

    /** The image's declared width and height, or zeros when even its header cannot be read. */
    private static int[] headerSize(Path f) {
        try {
            return ImageCodec.size(f);
        } catch (IOException | RuntimeException e) {
            return new int[2];
        }
    }

    /** The image's levels as the model's input values, in [-1, 1]. */
    private static float[] normalized(ImageCodec.Planes img) {
        float[] x = img.data().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = Transforms.normalize(x[i]);
        }
        return x;
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

    /**
     * Whether {@code output} names the PNG of a single input image (out/x.png) rather than a folder;
     * a usage error for another image extension, as translate writes PNG only, and for a folder of inputs.
     */
    private static boolean namesAFile(Path input, Path output) {
        if (Files.isDirectory(output) || !ImageCodec.hasImageExtension(output)) {
            return false;
        }
        if (Files.isDirectory(input)) { // else a folder named like an image (out.png/) is made for the translations
            throw new UsageException("--output " + output + " names an image file, but --input " + input + " is a folder: give a"
                    + " folder for its translations");
        }
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new UsageException("--output " + output + ": translate writes PNG images; name the file .png, or give a folder");
        }
        return true;
    }

    /**
     * The input file, or the images under the input folder as train finds them (symbolic links
     * followed, hidden files left out), without the output folder when it is inside; says how many
     * other files were left out.
     */
    private static List<Path> inputs(Path input, Path output, PrintStream log) throws IOException {
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        Path in = input.toAbsolutePath().normalize(), out = output.toAbsolutePath().normalize();
        if (out.equals(in) || Files.exists(output) && Files.isSameFile(output, input)) {
            throw new UsageException("--output is the --input folder: the translations would mix with (or replace) the images;"
                    + " write them to another folder");
        }
        List<Path> all = ImageFolder.files(input, w -> log.println("warning: " + w)).stream()
                .filter(f -> !out.startsWith(in) || !f.toAbsolutePath().normalize().startsWith(out)).toList();
        List<Path> images = all.stream().filter(f -> !ImageFolder.hidden(input, f)).filter(ImageCodec::hasImageExtension).toList();
        if (images.size() < all.size()) {
            log.printf(Locale.ROOT, "left out %d file(s) in %s: hidden, or without an image extension%n", all.size() - images.size(), input);
        }
        return images;
    }

    /** A usage error when an output PNG would replace one of the input images (--output the input folder itself). */
    private static void refuseOverwritingInputs(List<Path> inputs, List<Path> outputs) throws IOException {
        Map<Path, Path> byRealPath = new HashMap<>();
        for (Path in : inputs) {
            byRealPath.put(in.toRealPath(), in);
        }
        for (int i = 0; i < outputs.size(); i++) {
            Path target = outputs.get(i);
            Path in = Files.exists(target) ? byRealPath.get(target.toRealPath()) : null; // an input exists
            if (in != null) {
                throw new UsageException("--output: the translation of " + inputs.get(i) + " would replace the input image " + in
                        + "; write to another folder");
            }
        }
    }

    /**
     * Where each input's PNG goes: its path relative to the input folder, in the output folder, with
     * ".png" for its extension (photos/a/x.jpg -> out/a/x.png). Inputs that would share a name (x.jpg
     * and x.png in one folder) keep their extension in it instead: x.jpg.png, x.png.png.
     */
    static List<Path> outputPaths(Path input, List<Path> files, Path output) {
        List<Path> relative = files.stream().map(f -> Files.isDirectory(input) ? input.relativize(f) : f.getFileName()).toList();
        Map<Path, Integer> uses = new HashMap<>();
        relative.forEach(r -> uses.merge(withPng(r, false), 1, Integer::sum));
        return relative.stream().map(r -> output.resolve(withPng(r, uses.get(withPng(r, false)) > 1))).toList();
    }

    /** The relative path with its extension replaced by ".png", or with ".png" added to its whole name. */
    private static Path withPng(Path relative, boolean keepExtension) {
        String n = relative.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String name = (keepExtension || dot <= 0 ? n : n.substring(0, dot)) + ".png";
        return relative.getParent() == null ? Path.of(name) : relative.getParent().resolve(name);
    }
}
