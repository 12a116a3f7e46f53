package cyclegan4j.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `translate` on odd sizes, and its errors for bad checkpoints. */
class TranslateCliTest {

    @TempDir
    Path tmp;
    private Path checkpoint;

    @BeforeEach
    void trainTinyModel() throws Exception {
        checkpoint = CliHarness.tinyCheckpoint(CliHarness.dataset(tmp.resolve("data"), 2), tmp.resolve("runs"), 1);
    }

    @Test
    void oddSizesComeBackAtTheirSizeWithTheirNames() throws Exception {
        Path in = tmp.resolve("in");
        CliHarness.writeImage(in.resolve("odd.png"), 13, 17, 3);
        CliHarness.writeImage(in.resolve("tiny.png"), 5, 3, 4);
        CliHarness.writeImage(in.resolve("sub/wide.png"), 41, 9, 5);
        Path out = tmp.resolve("out");
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--direction", "BtoA",
                "--input", in.toString(), "--output", out.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("translate BtoA [########################] 3/3") && r.err().contains("img/s"),
                "progress on stderr: " + r);
        BufferedImage odd = ImageIO.read(out.resolve("odd.png").toFile());
        assertEquals(13, odd.getWidth());
        assertEquals(17, odd.getHeight());
        BufferedImage tiny = ImageIO.read(out.resolve("tiny.png").toFile());
        assertEquals(5, tiny.getWidth());
        assertEquals(3, tiny.getHeight());
        assertEquals(41, ImageIO.read(out.resolve("sub/wide.png").toFile()).getWidth(), "subfolders are kept");
    }

    @Test
    void oneImageToABareFileNameInTheWorkingFolder() throws Exception {
        Path img = tmp.resolve("one.png");
        CliHarness.writeImage(img, 13, 9, 2);
        Path bare = Path.of("translate-test-" + System.nanoTime() + ".png"); // no parent folder: x.png, not ./x.png
        try {
            CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", img.toString(),
                    "--output", bare.toString(), "--device", "cpu");
            assertEquals(0, r.code(), r.toString());
            assertEquals(13, ImageIO.read(bare.toFile()).getWidth());
        } finally {
            Files.deleteIfExists(bare);
        }
    }

    @Test
    void sideBySideShowsTheInputAsTheModelSawItNextToItsTranslation() throws Exception {
        Path in = tmp.resolve("in/odd.png");
        CliHarness.writeImage(in, 13, 17, 3);
        CliHarness.Result plain = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                "--output", tmp.resolve("plain").toString(), "--device", "cpu");
        CliHarness.Result both = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                "--output", tmp.resolve("both").toString(), "--device", "cpu", "--side-by-side");
        assertEquals(0, plain.code(), plain.toString());
        assertEquals(0, both.code(), both.toString());
        BufferedImage out = ImageIO.read(tmp.resolve("plain/odd.png").toFile());
        BufferedImage pair = ImageIO.read(tmp.resolve("both/odd.png").toFile());
        assertEquals(13 + 2 + 13, pair.getWidth(), "input, a 2-pixel gap, output");
        assertEquals(17, pair.getHeight());
        float[] seen = cyclegan4j.data.ImageCodec.read(in, 1).data(); // the tiny model is gray: it sees the luma
        for (int y = 0; y < 17; y++) {
            for (int x = 0; x < 13; x++) {
                assertEquals(Math.round(seen[y * 13 + x]), pair.getRaster().getSample(x, y, 0), "input at " + x + "," + y);
                assertEquals(out.getRaster().getSample(x, y, 0), pair.getRaster().getSample(15 + x, y, 0), "output at " + x + "," + y);
            }
            assertEquals(255, pair.getRaster().getSample(13, y, 0), "the gap is white");
        }
    }

    @Test
    void skipExistingTranslatesOnlyWhatIsMissing() throws Exception {
        Path in = tmp.resolve("in");
        for (String n : new String[]{"a", "b", "c"}) {
            CliHarness.writeImage(in.resolve(n + ".png"), 8, 8, n.charAt(0));
        }
        Path out = tmp.resolve("out");
        String[] args = {"translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(), "--output", out.toString(),
                "--device", "cpu", "--skip-existing"};
        assertEquals(0, CliHarness.run(args).code());
        Files.delete(out.resolve("b.png"));
        Files.writeString(out.resolve("a.png"), "kept as it is");
        CliHarness.Result again = CliHarness.run(args);
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("skipping 2 image(s) already translated") && again.out().contains("translated 1 image(s)"),
                again.toString());
        assertEquals("kept as it is", Files.readString(out.resolve("a.png")));
        assertEquals(8, ImageIO.read(out.resolve("b.png").toFile()).getWidth());
        CliHarness.Result done = CliHarness.run(args);
        assertEquals(0, done.code(), done.toString());
        assertTrue(done.out().contains("skipping 3 image(s)") && !done.out().contains("AtoB into"), done.toString());
        try (var listing = Files.list(out)) {
            assertEquals(3, listing.count(), "no temporary files left: PNGs are renamed into place");
        }
        // each PNG says what made it, without the checkpoint's folder (outputs get shared); --skip-existing with
        // another generator or options would mix two translations: refused
        String made = cyclegan4j.data.ImageWriter.text(out.resolve("b.png"), "cyclegan4j");
        assertTrue(made.startsWith("cyclegan4j translate: G_AB of " + checkpoint.getFileName() + " (generator "), made);
        assertFalse(made.contains(tmp.toString()), made);
        for (String[] other : new String[][]{{"--direction", "BtoA"}, {"--side-by-side"}, {"--max-size", "16"}}) {
            String[] changed = java.util.Arrays.copyOf(args, args.length + other.length);
            System.arraycopy(other, 0, changed, args.length, other.length);
            CliHarness.Result refused = CliHarness.run(changed);
            assertEquals(2, refused.code(), refused.toString());
            assertTrue(refused.err().contains("--skip-existing: 2 of the PNGs already there were made otherwise"), refused.toString());
        }
        // the same weights from a file of another name and place are the same generator
        Path moved = Files.copy(checkpoint, Files.createDirectories(tmp.resolve("elsewhere")).resolve("renamed.safetensors"));
        String[] same = args.clone();
        same[2] = moved.toString();
        CliHarness.Result sameWeights = CliHarness.run(same);
        assertEquals(0, sameWeights.code(), sameWeights.toString());
        assertTrue(sameWeights.out().contains("skipping 3 image(s)"), sameWeights.toString());
        assertEquals("kept as it is", Files.readString(out.resolve("a.png")), "a file without a note counts as done");
    }

    @Test
    void inputsThatWouldShareAnOutputNameKeepTheirExtension() throws Exception {
        Path in = tmp.resolve("in");
        CliHarness.writeImage(in.resolve("a/x.png"), 8, 8, 1);
        CliHarness.writeImage(in.resolve("b/x.png"), 12, 8, 2);
        CliHarness.writeImage(in.resolve("b/y.png"), 16, 8, 3);
        Files.copy(in.resolve("b/y.png"), in.resolve("b/y.gif")); // a PNG under another name: read by its content
        Path out = tmp.resolve("out");
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(),
                "--input", in.toString(), "--output", out.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.toString());
        assertEquals(8, ImageIO.read(out.resolve("a/x.png").toFile()).getWidth());
        assertEquals(12, ImageIO.read(out.resolve("b/x.png").toFile()).getWidth());
        assertTrue(Files.exists(out.resolve("b/y.png.png")) && Files.exists(out.resolve("b/y.gif.png"))
                && !Files.exists(out.resolve("b/y.png")), "y.png and y.gif would both be y.png");
        assertEquals(List.of(out.resolve("y.png")), TranslateCommand.outputPaths(in.resolve("b/y.png"), List.of(in.resolve("b/y.png")), out),
                "a single file goes into the output folder itself");
    }

    @Test
    void garbageAndTruncatedCheckpointsAreOneLineErrors() throws Exception {
        Path img = tmp.resolve("x.png");
        CliHarness.writeImage(img, 16, 16, 1);
        Path garbage = tmp.resolve("garbage.safetensors");
        Files.write(garbage, "this is not a checkpoint at all, just text".getBytes());
        Path truncated = tmp.resolve("truncated.safetensors");
        byte[] bytes = Files.readAllBytes(checkpoint);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        Path absurd = tmp.resolve("absurd.safetensors");
        byte[] header = new byte[16];
        header[7] = 0x40; // header length 2^62
        Files.write(absurd, header);
        for (Path bad : new Path[]{garbage, truncated, absurd}) {
            CliHarness.Result r = CliHarness.run("translate", "--checkpoint", bad.toString(), "--input", img.toString(),
                    "--output", tmp.resolve("o").toString(), "--device", "cpu");
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().startsWith("cyclegan4j translate: error: "), r.toString());
            assertTrue(r.err().contains(bad.getFileName().toString()), "names the file: " + r);
        }
        // formats users mix up with safetensors are named
        Path onnx = tmp.resolve("g.onnx");
        assertEquals(0, CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--direction", "AtoB", "--output",
                onnx.toString()).code());
        Path pth = tmp.resolve("latest_net_G_A.pth");
        Files.write(pth, new byte[]{'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});
        for (Path other : new Path[]{onnx, pth, img}) {
            CliHarness.Result r = CliHarness.run("translate", "--checkpoint", other.toString(), "--input", img.toString(),
                    "--output", tmp.resolve("o").toString(), "--device", "cpu");
            assertEquals(1, r.code(), r.toString());
            String kind = other == onnx ? "an ONNX model, not a safetensors file" : other == pth ? "a damaged zip archive"
                    : "an image, not a safetensors checkpoint";
            assertTrue(r.err().contains(kind), r.toString());
        }
    }

    @Test
    void aFolderIsReadAsTrainReadsIt() throws Exception {
        Path in = tmp.resolve("mixed");
        CliHarness.writeImage(in.resolve("a.png"), 12, 16, 1);
        BufferedImage tiff = new BufferedImage(10, 6, BufferedImage.TYPE_INT_RGB);
        assertTrue(ImageIO.write(tiff, "tiff", in.resolve("b.TIFF").toFile()));
        CliHarness.writeImage(tmp.resolve("elsewhere/c.png"), 8, 8, 2);
        Files.createSymbolicLink(in.resolve("linked"), tmp.resolve("elsewhere"));
        CliHarness.writeImage(in.resolve(".cache/d.png"), 8, 8, 3);
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path out = tmp.resolve("mixed-out");
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                "--output", out.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("left out 2 file(s)") && r.out().contains("translated 3 image(s)"), r.toString());
        assertEquals(10, ImageIO.read(out.resolve("b.png").toFile()).getWidth(), "TIFF, as train reads it");
        assertTrue(Files.exists(out.resolve("linked/c.png")), "a linked folder is followed");
        assertTrue(!Files.exists(out.resolve(".cache")), "a hidden folder is not");
    }

    @Test
    void jpegsNamedJfifOrJpeAreTranslatedAsTrainReadsThem() throws Exception {
        // browsers on Windows save JPEGs as .jfif; train reads them by their content, translate left them out
        Path in = tmp.resolve("jfif");
        BufferedImage rgb = new BufferedImage(12, 8, BufferedImage.TYPE_INT_RGB);
        assertTrue(ImageIO.write(rgb, "jpeg", Files.createDirectories(in).resolve("a.jfif").toFile()));
        assertTrue(ImageIO.write(rgb, "jpeg", in.resolve("b.JPE").toFile()));
        Path out = tmp.resolve("jfif-out");
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                "--output", out.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("translated 2 image(s)") && !r.out().contains("left out"), r.toString());
        assertTrue(Files.exists(out.resolve("a.png")) && Files.exists(out.resolve("b.png")), r.toString());
    }

    @Test
    void outputsNeverReplaceOrMixWithTheInputs() throws Exception {
        Path in = tmp.resolve("photos");
        CliHarness.writeImage(in.resolve("a.png"), 12, 16, 1);
        CliHarness.writeImage(in.resolve("b.png"), 16, 12, 2);
        byte[] a = Files.readAllBytes(in.resolve("a.png"));
        for (Path out : new Path[]{in, in.resolve("."), in.resolve("sub/..")}) {
            CliHarness.Result same = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                    "--output", out.toString(), "--device", "cpu");
            assertEquals(2, same.code(), same.toString());
            assertTrue(same.err().contains("--output is the --input folder"), same.toString());
        }
        CliHarness.Result file = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input",
                in.resolve("a.png").toString(), "--output", in.resolve("a.png").toString(), "--device", "cpu");
        assertEquals(2, file.code(), file.toString());
        assertTrue(file.err().contains("would replace the input image"), file.toString());
        CliHarness.Result folder = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input",
                in.resolve("a.png").toString(), "--output", in.toString(), "--device", "cpu");
        assertEquals(2, folder.code(), folder.toString());
        assertTrue(folder.err().contains("would replace the input image"), folder.toString());
        assertArrayEquals(a, Files.readAllBytes(in.resolve("a.png")), "the input is untouched");

        // an output folder inside the input folder: its PNGs are not inputs the next time
        for (int run = 0; run < 2; run++) {
            CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                    "--output", in.resolve("out").toString(), "--device", "cpu");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("translated 2 image(s)"), r.toString());
        }
        assertTrue(Files.exists(in.resolve("out/a.png")) && !Files.exists(in.resolve("out/out")));
        // an output folder above the input folder is no reason to leave images out
        Path above = tmp.resolve("photos2");
        CliHarness.writeImage(above.resolve("deep/c.png"), 8, 8, 3);
        CliHarness.Result up = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input",
                above.resolve("deep").toString(), "--output", above.toString(), "--device", "cpu");
        assertEquals(0, up.code(), up.toString());
        assertTrue(up.out().contains("translated 1 image(s)") && Files.exists(above.resolve("c.png")), up.toString());

        // one image to a named PNG; another image format is refused, as translate writes PNG
        Path named = tmp.resolve("result/a-translated.png");
        CliHarness.Result one = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input",
                in.resolve("a.png").toString(), "--output", named.toString(), "--device", "cpu");
        assertEquals(0, one.code(), one.toString());
        assertEquals(12, ImageIO.read(named.toFile()).getWidth());
        CliHarness.Result jpg = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input",
                in.resolve("a.png").toString(), "--output", tmp.resolve("a.jpg").toString(), "--device", "cpu");
        assertEquals(2, jpg.code(), jpg.toString());
        assertTrue(jpg.err().contains("translate writes PNG images"), jpg.toString());
        // a folder of inputs into a name of one PNG: refused, not a folder named result.png made
        CliHarness.Result many = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                "--output", tmp.resolve("result.png").toString(), "--device", "cpu");
        assertEquals(2, many.code(), many.toString());
        assertTrue(many.err().contains("names an image file, but --input " + in + " is a folder"), many.toString());
        assertFalse(Files.exists(tmp.resolve("result.png")), many.toString());
    }

    @Test
    void checkpointForAnotherArchitectureNamesTheTensorAndShapes() throws Exception {
        // Resume a 1-block, 1-channel run as a 3-channel one: refused before any tensor is touched.
        Path data = tmp.resolve("data");
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs"), "--resume", "--channels", "3"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("channels"), r.toString());

        // A generator whose first layer was altered: the strict load names the tensor and both shapes.
        cyclegan4j.io.Checkpoint ck = cyclegan4j.io.Checkpoint.load(checkpoint);
        ck.tensors().put("G_AB.model.4.weight", new cyclegan4j.io.TensorData(new int[]{64, 64, 3, 3}, new float[64 * 64 * 9]));
        Path altered = tmp.resolve("altered.safetensors");
        ck.save(altered);
        Path img = tmp.resolve("x.png");
        CliHarness.writeImage(img, 16, 16, 1);
        CliHarness.Result t = CliHarness.run("translate", "--checkpoint", altered.toString(), "--input", img.toString(),
                "--output", tmp.resolve("o").toString(), "--device", "cpu");
        assertEquals(1, t.code(), t.toString());
        assertTrue(t.err().contains("G_AB.model.4.weight") && t.err().contains("[64, 64, 3, 3]") && t.err().contains("[128, 64, 3, 3]"), t.toString());
    }

    @Test
    void maxSizeShrinksLargerImagesKeepingTheirAspect() throws Exception {
        Path in = tmp.resolve("in");
        CliHarness.writeImage(in.resolve("wide.png"), 90, 30, 3);
        CliHarness.writeImage(in.resolve("small.png"), 20, 12, 4);
        Path out = tmp.resolve("out");
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                "--output", out.toString(), "--device", "cpu", "--max-size", "45");
        assertEquals(0, r.code(), r.toString());
        BufferedImage wide = ImageIO.read(out.resolve("wide.png").toFile());
        assertEquals(45, wide.getWidth());
        assertEquals(15, wide.getHeight());
        BufferedImage small = ImageIO.read(out.resolve("small.png").toFile());
        assertEquals(20, small.getWidth(), "images that fit keep their size");
        assertEquals(12, small.getHeight());

        CliHarness.Result bad = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                "--output", out.toString(), "--device", "cpu", "--max-size", "4");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--max-size must be 0 (no limit) or at least 8"), bad.toString());
    }

    @Test
    void failuresAreReportedInInputOrderWhateverTheThreadsAndAWriteFailureSkipsOnlyItsFile() throws Exception {
        Path in = tmp.resolve("in");
        for (int i = 0; i < 9; i++) {
            if (i % 3 == 1) {
                Files.createDirectories(in);
                Files.writeString(in.resolve("img" + i + ".png"), "not an image " + i);
            } else {
                CliHarness.writeImage(in.resolve("img" + i + ".png"), 12 + i, 16, i + 1);
            }
        }
        String expected = null;
        for (String workers : new String[]{"1", "4"}) {
            Path out = tmp.resolve("out" + workers);
            Files.createDirectories(out.resolve("img6.png")); // a folder where img6's output should go: its write fails
            Files.writeString(out.resolve("img6.png/keep"), "so that the folder is not empty");
            CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                    "--output", out.toString(), "--device", "cpu", "--workers", workers);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("translated 5 image(s)"), r.toString());
            for (int i : new int[]{0, 2, 3, 5, 8}) {
                assertEquals(12 + i, ImageIO.read(out.resolve("img" + i + ".png").toFile()).getWidth(), "img" + i + ": " + r);
            }
            String warning = r.err().lines().filter(l -> l.startsWith("warning: skipped")).findFirst().orElseThrow();
            assertTrue(warning.startsWith("warning: skipped 4 file(s): img1.png (") && warning.indexOf("img4.png") < warning.indexOf("img6.png (writing it")
                    && warning.indexOf("img6.png") < warning.indexOf("img7.png") && warning.contains("Is a directory"), warning);
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r);
            if (expected != null) {
                assertEquals(expected, warning.replace("out4", "out1"), "the same report with 1 and 4 workers");
            }
            expected = warning;
        }
        CliHarness.Result bad = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", in.toString(),
                "--output", tmp.resolve("o").toString(), "--device", "cpu", "--workers", "0");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--workers must be at least 1"), bad.toString());
    }

    @Test
    void directionIgnoresCaseAndRefusesAnythingElse() throws Exception {
        Path img = tmp.resolve("x.png");
        CliHarness.writeImage(img, 16, 16, 1);
        CliHarness.Result ok = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--direction", "btoa",
                "--input", img.toString(), "--output", tmp.resolve("o").toString(), "--device", "cpu");
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().contains("translated 1 image(s) BtoA"), ok.toString());

        CliHarness.Result bad = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--direction", "sideways",
                "--input", img.toString(), "--output", tmp.resolve("o").toString(), "--device", "cpu");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--direction must be AtoB or BtoA, got 'sideways'"), bad.toString());
    }

    @Test
    void anImageTooLargeForMemoryIsSkippedWithAHintAndTheOthersAreTranslated() throws Exception {
        Path in = tmp.resolve("in");
        CliHarness.writeImage(in.resolve("a_small.png"), 16, 16, 3);
        CliHarness.writeImage(in.resolve("b_huge.png"), 2000, 2000, 4); // 64 x 2000 x 2000 floats: 1 GB per activation
        CliHarness.writeImage(in.resolve("c_small.png"), 16, 16, 5);
        Path out = tmp.resolve("out");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx400m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "translate", "--checkpoint", checkpoint.toString(),
                "--input", in.toString(), "--output", out.toString(), "--device", "cpu");
        Path log = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "translate finished");
        String err = Files.readString(log);
        assertEquals(0, p.exitValue(), err);
        assertTrue(Files.exists(out.resolve("a_small.png")) && Files.exists(out.resolve("c_small.png")), err);
        assertTrue(!Files.exists(out.resolve("b_huge.png")), err);
        assertTrue(err.contains("skipped 1 file(s): b_huge.png (2000x2000: out of memory)"), err);
        assertTrue(err.contains("pass --max-size 1000"), err);
    }
}
