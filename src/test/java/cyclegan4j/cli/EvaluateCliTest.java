package cyclegan4j.cli;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.Checkpoints;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `evaluate` on a tiny dataset: the numbers are recomputed here, independently of the command
 * (pixels read from the PNGs, the generator run directly), and its errors are checked.
 */
class EvaluateCliTest {

    @TempDir
    Path tmp;
    private Path data;
    private Path checkpoint;

    @BeforeEach
    void trainTinyModel() throws Exception {
        data = CliHarness.dataset(tmp.resolve("data"), 3); // testA/imgN.png and testB/imgN.png: same names, other patterns
        checkpoint = CliHarness.tinyCheckpoint(data, tmp.resolve("runs"), 2);
    }

    @Test
    void scoresMatchAnIndependentComputation() throws Exception {
        Path csv = tmp.resolve("out/scores.csv");
        CliHarness.Result r = run("--output", csv.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("beats identity"), r.toString());
        assertTrue(r.err().contains("evaluate AtoB [########################] 3/3") && r.err().contains("evaluate BtoA"),
                "progress on stderr: " + r);

        // Expected: per image, pixels in [0, 1]; L1 = mean |d|, PSNR = 10 log10(1 / mean d^2); averaged over images.
        Checkpoint ck = Checkpoint.load(checkpoint);
        double[][] expected = new double[2][];
        String[] from = {"testA", "testB"};
        for (int dir = 0; dir < 2; dir++) {
            GeneratorResNet g = new GeneratorResNet(CpuBackend.get(), 1, 1, new SplittableRandom(1));
            Checkpoints.loadModule(dir == 0 ? "G_AB." : "G_BA.", g, ck);
            double l1 = 0, l1Id = 0, psnr = 0, psnrId = 0;
            for (int i = 0; i < 3; i++) {
                int[] src = pixels(data.resolve(from[dir]).resolve("img" + i + ".png"));
                int[] dst = pixels(data.resolve(from[1 - dir]).resolve("img" + i + ".png"));
                float[] x = new float[src.length];
                for (int k = 0; k < x.length; k++) {
                    x[k] = src[k] / 127.5f - 1f;
                }
                float[] y;
                try (Scope s = Scope.open(); var ng = Autograd.noGrad()) {
                    y = g.forward(Tensor.of(CpuBackend.get(), x, 1, 1, 16, 16)).toArray();
                }
                double sumAbs = 0, sumSq = 0, idAbs = 0, idSq = 0;
                for (int k = 0; k < y.length; k++) {
                    double t = dst[k] / 255.0;
                    double p = Math.min(1, Math.max(0, (y[k] + 1) / 2));
                    sumAbs += Math.abs(p - t);
                    sumSq += (p - t) * (p - t);
                    idAbs += Math.abs(src[k] / 255.0 - t);
                    idSq += (src[k] / 255.0 - t) * (src[k] / 255.0 - t);
                }
                l1 += sumAbs / y.length;
                psnr += 10 * Math.log10(y.length / sumSq);
                l1Id += idAbs / y.length;
                psnrId += 10 * Math.log10(y.length / idSq);
            }
            g.close();
            expected[dir] = new double[]{l1 / 3, l1Id / 3, psnr / 3, psnrId / 3};
        }

        List<String> lines = Files.readAllLines(csv);
        assertEquals("direction,images,l1,l1_identity,psnr_db,psnr_identity_db,beats_identity", lines.get(0));
        assertEquals(3, lines.size(), lines.toString());
        for (int dir = 0; dir < 2; dir++) {
            String[] f = lines.get(1 + dir).split(",");
            assertEquals(dir == 0 ? "AtoB" : "BtoA", f[0]);
            assertEquals("3", f[1]);
            assertEquals(expected[dir][0], Double.parseDouble(f[2]), 1e-6, "L1 " + f[0]);
            assertEquals(expected[dir][1], Double.parseDouble(f[3]), 1e-7, "identity L1 " + f[0]);
            assertEquals(expected[dir][2], Double.parseDouble(f[4]), 1e-4, "PSNR " + f[0]);
            assertEquals(expected[dir][3], Double.parseDouble(f[5]), 1e-5, "identity PSNR " + f[0]);
            boolean l1Better = expected[dir][0] < expected[dir][1], psnrBetter = expected[dir][2] > expected[dir][3];
            assertEquals(l1Better && psnrBetter ? "yes" : l1Better ? "L1 only" : psnrBetter ? "PSNR only" : "no", f[6]);
            // The printed table shows the same numbers.
            assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.4f", expected[dir][1])), r.toString());
        }

        // JSON holds the same values.
        Path json = tmp.resolve("scores.json");
        assertEquals(0, run("--output", json.toString()).code());
        String text = Files.readString(json);
        Matcher m = Pattern.compile("\"direction\": \"BtoA\", \"images\": 3, \"l1\": ([0-9.]+), \"l1_identity\": ([0-9.]+)").matcher(text);
        assertTrue(m.find(), text);
        assertEquals(expected[1][0], Double.parseDouble(m.group(1)), 1e-6);
        assertEquals(expected[1][1], Double.parseDouble(m.group(2)), 1e-7);
        assertTrue(text.contains("\"checkpoint\": \"" + checkpoint.toString().replace("\\", "\\\\") + "\""), text);
        assertTrue(text.matches("(?s).*\"beats_identity\": (true|false), \"beats_identity_l1\": (true|false), "
                + "\"beats_identity_psnr\": (true|false)}.*"), "JSON booleans: " + text);
    }

    @Test
    void aNameWithoutPartnerIsAnErrorNamingIt() throws Exception {
        Files.move(data.resolve("testB/img1.png"), data.resolve("testB/other.png"));
        CliHarness.Result r = run();
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().startsWith("cyclegan4j evaluate: error: "), r.toString());
        assertTrue(r.err().contains("testA/img1.png") && r.err().contains("testB/other.png"), r.toString());
        assertEquals(1, r.err().lines().count(), "one line, whole (a data set's problem: no --verbose hint): " + r);
    }

    @Test
    void emptyOrMissingTestFoldersAreErrors() throws Exception {
        for (int i = 0; i < 3; i++) {
            Files.delete(data.resolve("testB/img" + i + ".png"));
        }
        CliHarness.Result r = run();
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("testB") && r.err().contains("empty"), r.toString());

        Files.delete(data.resolve("testB"));
        r = run();
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("testB") && r.err().contains("does not exist"), r.toString());
    }

    @Test
    void usageErrors() throws Exception {
        assertEquals(2, run("--output", tmp.resolve("scores.txt").toString()).code());
        Files.createDirectories(tmp.resolve("taken.csv"));
        CliHarness.Result folder = run("--output", tmp.resolve("taken.csv").toString());
        assertEquals(2, folder.code(), folder.toString());
        assertTrue(folder.err().contains("cannot write") && folder.out().isEmpty(), "refused before any work: " + folder);
        assertEquals(2, CliHarness.run("evaluate", "--checkpoint", tmp.resolve("none.safetensors").toString(),
                "--dataroot", data.toString()).code());
        assertEquals(2, CliHarness.run("evaluate", "--checkpoint", checkpoint.toString()).code());
        CliHarness.Result help = CliHarness.run("evaluate", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("10 log10(1 / MSE)") && help.out().contains("identity baseline"), help.toString());
    }

    private CliHarness.Result run(String... extra) {
        String[] base = {"evaluate", "--checkpoint", checkpoint.toString(), "--dataroot", data.toString(), "--device", "cpu"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliHarness.run(all);
    }

    /** The 8-bit gray levels of a PNG written by CliHarness, row-major. */
    private static int[] pixels(Path file) throws IOException {
        Raster r = ImageIO.read(file.toFile()).getRaster();
        return r.getPixels(0, 0, r.getWidth(), r.getHeight(), (int[]) null);
    }
}
