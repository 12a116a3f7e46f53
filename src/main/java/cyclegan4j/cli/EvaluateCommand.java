package cyclegan4j.cli;

import cyclegan4j.ImageTranslator;
import cyclegan4j.ImageTranslator.Direction;
import cyclegan4j.backend.Backend;
import cyclegan4j.data.DataException;
import cyclegan4j.data.ImageCodec;
import cyclegan4j.data.ImageFolder;
import cyclegan4j.data.UnalignedDataset;
import cyclegan4j.io.AtomicFiles;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.TorchRuns;
import cyclegan4j.io.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * `cyclegan4j evaluate`: translation quality against ground truth, for datasets whose testA and
 * testB hold the same subjects in the two styles under the same file names (such as the emoji
 * benchmark, `make data-emoji`). Each direction is scored next to the identity baseline, the
 * untranslated input against the same target: a generator that does not beat it has learnt
 * nothing measurable about the other style.
 */
final class EvaluateCommand {

    /** An exact match would have an infinite PSNR; the MSE is floored so the mean stays finite. */
    static final double MIN_MSE = 1e-10;

    private EvaluateCommand() {
    }

    static CommandLineSpec spec() {
        return new CommandLineSpec("evaluate",
                "Score a checkpoint against ground truth. DIR/testA and DIR/testB must hold the same subjects under the same "
                        + "file names (testA/x.png and testB/x.png). G_AB(testA/x) is compared with testB/x and G_BA(testB/x) "
                        + "with testA/x, next to the identity baseline (the untranslated input against the same target). "
                        + "Pixels are in [0, 1]: images as level / 255, the generator's [-1, 1] output as (y + 1) / 2 clamped "
                        + "to [0, 1] (not rounded to 8 bits). Per image, L1 = mean absolute difference over all pixels and "
                        + "channels, PSNR = 10 log10(1 / MSE) dB (MSE floored at 1e-10, so at most 100 dB); both are then "
                        + "averaged over the images. Images are scored at their own size: no resize, crop or flip.")
                .value("checkpoint", "FILE", "a checkpoint written by train, an export, or a PyTorch file with both generators (required)")
                .value("dataroot", "DIR", "dataset root with testA/ and testB/, or PyTorch-GAN's test/A/ and test/B/ (required)")
                .value("device", "DEV", "auto, cpu, cuda or cuda:N (GPU number N) (default: auto)")
                .value("output", "FILE", "also write the results to FILE: CSV if it ends in .csv, JSON if in .json");
    }

    /** The scores of one direction, each the mean over the images. */
    record Result(String direction, int images, double l1, double l1Identity, double psnr, double psnrIdentity) {
        boolean l1Better() {
            return l1 < l1Identity;
        }

        boolean psnrBetter() {
            return psnr > psnrIdentity;
        }

        /** "yes" when both metrics beat the baseline, "no" when neither does, else the one that does. */
        String beatsIdentity() {
            return l1Better() && psnrBetter() ? "yes" : l1Better() ? "L1 only" : psnrBetter() ? "PSNR only" : "no";
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        CommandLineSpec c = spec();
        if (!c.parse(args, out)) {
            return Main.OK;
        }
        Path checkpoint = c.existingFile("checkpoint");
        Path root = c.path("dataroot");
        Path output = c.has("output") ? c.path("output") : null;
        String format = output == null ? null : format(output);
        if (Files.exists(root) && !Files.isDirectory(root)) { // an image or an archive, given for its folder
            throw new UsageException("--dataroot: " + root + " is a file, not a folder: give the folder that holds testA/ and testB/");
        }
        if (!Files.isDirectory(root)) {
            throw new UsageException("--dataroot: no such folder " + root);
        }
        if (output != null) { // before the work, not after it
            Path parent = output.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (Files.isDirectory(output) || !Files.isWritable(parent)) {
                throw new UsageException("--output: cannot write " + output + (Files.isDirectory(output) ? " (a folder)" : " (folder not writable)"));
            }
        }
        Map<String, Path[]> pairs = pairs(root, w -> err.println("warning: " + w));
        Backend backend = Devices.select(c.string("device", "auto"), out);
        Checkpoint ck = TorchRuns.withSiblings(Checkpoint.load(checkpoint, "G_"), n -> n.startsWith("G_"));
        CheckpointInfo.sayWhichFiles(ck, out);
        if (ck.isOneNetwork()) {
            throw new UsageException(checkpoint + " holds one generator alone (a PyTorch state_dict), and evaluate scores both"
                    + " directions: pass a file with G_AB and G_BA (a checkpoint, an export, or"
                    + " torch.save({'G_AB': G_AB.state_dict(), 'G_BA': G_BA.state_dict()}, f)), or one of a run's files"
                    + " named as PyTorch-GAN's (G_AB_199.pth) or the authors' code (latest_net_G_A.pth) names them, or two files of one"
                    + " generator each made one: cyclegan4j export --checkpoint " + checkpoint.getFileName() + " --checkpoint-ba OTHER.pth"
                    + " --output BOTH.safetensors");
        }
        List<Result> results = new ArrayList<>();
        try (ImageTranslator ab = ImageTranslator.load(ck, Direction.A_TO_B, backend);
             ImageTranslator ba = ImageTranslator.load(ck, Direction.B_TO_A, backend)) {
            List<ImageCodec.Planes[]> images = read(pairs, ab.channels());
            results.add(score(ab, images, 0, err));
            results.add(score(ba, images, 1, err));
        }
        out.printf(Locale.ROOT, "evaluated %s on %s: %d test pairs (pixels in [0, 1]; L1 and PSNR per image, averaged)%n",
                checkpoint, root, pairs.size());
        out.print(table(results));
        if (output != null) {
            AtomicFiles.writeText(output, format.equals("csv") ? csv(results) : json(checkpoint, root, results));
            out.println("wrote " + output);
        }
        return Main.OK;
    }

    private static String format(Path output) {
        String n = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) {
            return "csv";
        }
        if (n.endsWith(".json")) {
            return "json";
        }
        throw new UsageException("--output must end in .csv or .json, got '" + output + "'");
    }

    /**
     * testA and testB files paired by their path inside the folder, sorted. Unreadable images, a
     * file without a partner or a pair of different sizes are errors: skipping them would quietly
     * change what the numbers mean.
     */
    static Map<String, Path[]> pairs(Path root, Consumer<String> warn) {
        ImageFolder a = ImageFolder.scan(UnalignedDataset.domainFolder(root, "test", "A"), warn);
        ImageFolder b = ImageFolder.scan(UnalignedDataset.domainFolder(root, "test", "B"), warn);
        for (ImageFolder f : List.of(a, b)) {
            if (!f.corrupt().isEmpty()) {
                throw new DataException(f.dir() + ": " + f.corrupt().size() + " unreadable image(s): " + String.join(", ", f.corrupt()));
            }
        }
        Map<String, Path[]> pairs = new LinkedHashMap<>();
        for (Path f : a.files()) {
            pairs.put(key(a, f), new Path[]{f, null});
        }
        List<String> unpaired = new ArrayList<>();
        for (Path f : b.files()) {
            Path[] p = pairs.get(key(b, f));
            if (p == null) {
                unpaired.add("testB/" + key(b, f));
            } else {
                p[1] = f;
            }
        }
        pairs.forEach((k, p) -> {
            if (p[1] == null) {
                unpaired.add("testA/" + k);
            }
        });
        if (!unpaired.isEmpty()) {
            throw new DataException(unpaired.size() + " test image(s) without a partner of the same name in the other folder: "
                    + String.join(", ", unpaired.subList(0, Math.min(5, unpaired.size()))) + (unpaired.size() > 5 ? ", ..." : ""));
        }
        return pairs;
    }

    private static String key(ImageFolder folder, Path file) {
        return folder.dir().relativize(file).toString().replace('\\', '/');
    }

    private static List<ImageCodec.Planes[]> read(Map<String, Path[]> pairs, int channels) throws IOException {
        List<ImageCodec.Planes[]> images = new ArrayList<>();
        for (Map.Entry<String, Path[]> e : pairs.entrySet()) {
            ImageCodec.Planes a = ImageCodec.read(e.getValue()[0], channels);
            ImageCodec.Planes b = ImageCodec.read(e.getValue()[1], channels);
            if (a.height() != b.height() || a.width() != b.width()) {
                throw new DataException(e.getKey() + ": testA's is " + a.width() + "x" + a.height() + ", testB's " + b.width() + "x" + b.height());
            }
            images.add(new ImageCodec.Planes[]{a, b});
        }
        return images;
    }

    /** Scores one direction: source = pair[from], target = the other image of the pair. */
    private static Result score(ImageTranslator t, List<ImageCodec.Planes[]> images, int from, PrintStream err) {
        String direction = t.direction().label();
        double l1 = 0, l1Id = 0, psnr = 0, psnrId = 0;
        Progress progress = new Progress(err, System.console() != null, "evaluate " + direction, 0, images.size(), "img");
        int done = 0;
        for (ImageCodec.Planes[] pair : images) {
            double[] source = fromLevels(pair[from].data());
            double[] target = fromLevels(pair[1 - from].data());
            double[] translated = fromGenerator(t.apply(pair[from]));
            l1 += l1(translated, target);
            psnr += psnr(translated, target);
            l1Id += l1(source, target);
            psnrId += psnr(source, target);
            progress.update(++done);
        }
        int n = images.size();
        return new Result(direction, n, l1 / n, l1Id / n, psnr / n, psnrId / n);
    }

    /** 8-bit levels (0..255) to [0, 1]. */
    static double[] fromLevels(float[] levels) {
        double[] out = new double[levels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = levels[i] / 255.0;
        }
        return out;
    }

    /** A generator output in [-1, 1] to [0, 1]: (y + 1) / 2, clamped (tanh reaches the ends only in rounding). */
    static double[] fromGenerator(float[] y) {
        double[] out = new double[y.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0.0, Math.min(1.0, (y[i] + 1.0) / 2.0));
        }
        return out;
    }

    /** Mean absolute difference over all values. */
    static double l1(double[] x, double[] target) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs(x[i] - target[i]);
        }
        return s / x.length;
    }

    /** 10 log10(1 / MSE), the peak being 1; MSE floored at {@link #MIN_MSE}. */
    static double psnr(double[] x, double[] target) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - target[i];
            s += d * d;
        }
        return 10.0 * Math.log10(1.0 / Math.max(MIN_MSE, s / x.length));
    }

    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-9s %6s %9s %11s %10s %14s  %s%n",
                "direction", "images", "L1", "L1 identity", "PSNR (dB)", "PSNR identity", "beats identity"));
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "%-9s %6d %9.4f %11.4f %10.2f %14.2f  %s%n",
                    r.direction(), r.images(), r.l1(), r.l1Identity(), r.psnr(), r.psnrIdentity(), r.beatsIdentity()));
        }
        return sb.toString();
    }

    static String csv(List<Result> results) {
        StringBuilder sb = new StringBuilder("direction,images,l1,l1_identity,psnr_db,psnr_identity_db,beats_identity\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%.8f,%.8f,%.6f,%.6f,%s%n",
                    r.direction(), r.images(), r.l1(), r.l1Identity(), r.psnr(), r.psnrIdentity(), r.beatsIdentity()));
        }
        return sb.toString();
    }

    static String json(Path checkpoint, Path root, List<Result> results) {
        StringBuilder sb = new StringBuilder("{\n  \"checkpoint\": " + Json.string(checkpoint.toString())
                + ",\n  \"dataroot\": " + Json.string(root.toString()) + ",\n  \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            sb.append(String.format(Locale.ROOT,
                    "    {\"direction\": \"%s\", \"images\": %d, \"l1\": %.8f, \"l1_identity\": %.8f, \"psnr_db\": %.6f, "
                            + "\"psnr_identity_db\": %.6f, \"beats_identity\": %b, \"beats_identity_l1\": %b, "
                            + "\"beats_identity_psnr\": %b}%s%n", // JSON booleans (the CSV's column says which metric)
                    r.direction(), r.images(), r.l1(), r.l1Identity(), r.psnr(), r.psnrIdentity(),
                    r.l1Better() && r.psnrBetter(), r.l1Better(), r.psnrBetter(),
                    i + 1 < results.size() ? "," : ""));
        }
        return sb.append("  ]\n}\n").toString();
    }
}
