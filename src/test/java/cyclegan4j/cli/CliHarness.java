package cyclegan4j.cli;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the CLI in-process and captures what it prints; builds tiny datasets. */
final class CliHarness {

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private CliHarness() {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A gray image with a pattern that depends on {@code seed}. */
    static void writeImage(Path file, int w, int h, int seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = ((x + seed) / 3 + (y * seed) / 5) % 2 == 0 ? 40 : 210;
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** trainA/trainB (and testA/testB) with n gray 16x16 images each. */
    static Path dataset(Path root, int n) throws IOException {
        for (String d : new String[]{"trainA", "trainB", "testA", "testB"}) {
            for (int i = 0; i < n; i++) {
                writeImage(root.resolve(d).resolve("img" + i + ".png"), 16, 16, d.endsWith("A") ? i + 1 : i + 7);
            }
        }
        return root;
    }

    /** Options for a tiny, fast CPU run. */
    static String[] tinyTrain(Path data, Path out, String... extra) {
        String[] base = {"train", "--dataroot", data.toString(), "--name", "t", "--out", out.toString(),
                "--device", "cpu", "--channels", "1", "--n-residual-blocks", "1", "--crop-size", "32",
                "--load-size", "32", "--epochs", "2", "--decay-epoch", "1", "--sample-every", "0", "--workers", "1"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /**
     * Starts {@link #tinyTrain} in a child JVM (stderr to {@code logDir}/stderr.txt, stdout to
     * stdout.txt); returns once it has logged {@code steps} steps, failing the test if it ended first.
     */
    static Process startTraining(Path logDir, Path data, Path out, int steps, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(tinyTrain(data, out, extra)));
        Path log = logDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(logDir.resolve("stdout.txt").toFile()).start();
        Path csv = out.resolve("t/loss.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((!Files.exists(csv) || Files.readAllLines(csv).size() <= steps) && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(100);
        }
        org.junit.jupiter.api.Assertions.assertTrue(p.isAlive(), "training ended early: " + Files.readString(log));
        return p;
    }

    /** {@link #tinyTrain}'s options without the leading "train", for {@code Trainer.fromOptions}. */
    static String[] tinyTrainOptions(Path data, Path out, String... extra) {
        String[] all = tinyTrain(data, out, extra);
        return java.util.Arrays.copyOfRange(all, 1, all.length);
    }

    /** An output stream for a Trainer that should say nothing to the test's output. */
    static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    /**
     * Trains the tiny model for {@code steps} on {@code data} into {@code out} (run name "t") and
     * returns its checkpoint; fails the test if training fails.
     */
    static Path tinyCheckpoint(Path data, Path out, int steps) {
        Result r = run(tinyTrain(data, out, "--max-steps", Integer.toString(steps)));
        org.junit.jupiter.api.Assertions.assertEquals(0, r.code(), r.toString());
        return out.resolve("t/checkpoints/latest.safetensors");
    }
}
