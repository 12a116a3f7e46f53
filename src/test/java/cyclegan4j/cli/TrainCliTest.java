package cyclegan4j.cli;

import cyclegan4j.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `train` end to end on tiny data: outputs, exact resume, NaN stop, bad input. */
class TrainCliTest {

    @TempDir
    Path tmp;

    private static List<String> lossColumns(Path csv) throws Exception {
        // every column but seconds, which is a timing
        List<String> lines = Files.readAllLines(csv);
        int seconds = List.of(lines.get(0).split(",")).indexOf("seconds");
        return lines.stream().skip(1).map(l -> {
            List<String> f = new ArrayList<>(List.of(l.split(",", -1)));
            f.remove(seconds);
            return String.join(",", f);
        }).toList();
    }

    /**
     * --preprocess none: whole images of their own sizes (A's and B's differ, and a pooled fake may
     * differ from the real image it is judged beside) train, write sample grids, and resume exactly,
     * pools of mixed sizes included; a batch of two sizes is refused with a way out.
     */
    @Test
    void wholeImagesOfTheirOwnSizesTrainAndResumeExactly() throws Exception {
        Path data = tmp.resolve("mixed");
        int[][] sizes = {{36, 32}, {44, 40}, {32, 48}}; // width, height
        for (int i = 0; i < sizes.length; i++) {
            CliHarness.writeImage(data.resolve("trainA/a" + i + ".png"), sizes[i][0], sizes[i][1], i + 1);
            CliHarness.writeImage(data.resolve("trainB/b" + i + ".png"), sizes[i][1], sizes[i][0], i + 7);
        }
        String[] opts = {"--preprocess", "none", "--pool-size", "2", "--sample-every", "3"};
        CliHarness.Result full = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("full"), concat(opts, "--max-steps", "6")));
        assertEquals(0, full.code(), full.toString());
        BufferedImage grid = ImageIO.read(tmp.resolve("full/t/samples/epoch001_iter00001.png").toFile());
        assertTrue(grid.getHeight() >= 32 + 2 + 32 && grid.getWidth() >= 3 * 32 + 2 * 2, grid.getWidth() + "x" + grid.getHeight());
        List<String> uninterrupted = lossColumns(tmp.resolve("full/t/loss.csv"));
        assertEquals(6, uninterrupted.size());

        Path split = tmp.resolve("split");
        assertEquals(0, CliHarness.run(CliHarness.tinyTrain(data, split, concat(opts, "--max-steps", "4"))).code());
        CliHarness.Result resumed = CliHarness.run("train", "--name", "t", "--out", split.toString(), "--resume", "--max-steps", "6",
                "--device", "cpu", "--workers", "1");
        assertEquals(0, resumed.code(), resumed.toString());
        assertEquals(uninterrupted, lossColumns(split.resolve("t/loss.csv")), "stopped + resumed must equal uninterrupted");

        CliHarness.Result batch = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("batch"), concat(opts, "--batch-size", "2")));
        assertEquals(1, batch.code(), batch.toString());
        assertTrue(batch.err().contains("--batch-size 2 needs images of one size") && batch.err().contains("train with --batch-size 1"),
                batch.toString());
        assertFalse(Files.exists(tmp.resolve("batch/t/loss.csv")), "refused before training: " + batch);
    }

    /** Checkpoints written before images could differ in size kept their pools' images flat: they resume as before. */
    @Test
    void aCheckpointWithFlatPoolImagesResumes() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 3);
        CliHarness.Result full = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("full"), "--max-steps", "4"));
        assertEquals(0, full.code(), full.toString());
        Path split = tmp.resolve("split");
        assertEquals(0, CliHarness.run(CliHarness.tinyTrain(data, split, "--max-steps", "2")).code());
        Path latest = split.resolve("t/checkpoints/latest.safetensors");
        Checkpoint ck = Checkpoint.load(latest), old = new Checkpoint();
        int[] flattened = {0};
        ck.tensors().forEach((name, t) -> {
            boolean pooled = name.startsWith("pool_");
            if (pooled) {
                assertArrayEquals(new int[]{1, 32, 32}, t.shape(), name);
                flattened[0]++;
            }
            old.put(name, pooled ? new cyclegan4j.io.TensorData(new int[]{t.values().length}, t.values()) : t);
        });
        assertEquals(4, flattened[0]);
        old.putMetadata("", ck.metadata());
        old.save(latest);
        CliHarness.Result resumed = CliHarness.run("train", "--name", "t", "--out", split.toString(), "--resume", "--max-steps", "4",
                "--device", "cpu", "--workers", "1");
        assertEquals(0, resumed.code(), resumed.toString());
        assertEquals(lossColumns(tmp.resolve("full/t/loss.csv")), lossColumns(split.resolve("t/loss.csv")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A --cache-mb beyond what the heap can hold (also one a checkpoint from a larger machine passes on) is cut to half the heap. */
    @Test
    void aCacheLargerThanTheHeapIsCut() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 3);
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("out"), "--cache-mb", "10000000", "--max-steps", "4"));
        assertEquals(0, r.code(), r.toString());
        long half = Runtime.getRuntime().maxMemory() / 2 >> 20;
        assertTrue(r.err().contains("warning: --cache-mb 10000000 is more than half the Java heap (" + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB): keeping at most " + half + " MiB"), r.toString());
        assertTrue(r.out().contains(" of " + half + " MiB, --cache-mb)"), r.toString());
        // auto (the default) is a value too, so that a resumed run can go back to it; nothing else but numbers
        CliHarness.Result auto = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("out"), "--resume", "--cache-mb", "auto",
                "--max-steps", "5"));
        assertEquals(0, auto.code(), auto.toString());
        assertTrue(auto.out().contains("resuming with changed options: cache_mb=10000000 -> auto"), auto.toString());
        for (String bad : new String[]{"-1", "lots"}) {
            CliHarness.Result refused = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("bad"), "--cache-mb", bad));
            assertEquals(2, refused.code(), refused.toString());
            assertTrue(refused.err().contains("--cache-mb must be auto or"), refused.toString());
        }
    }

    @Test
    void trainsWritesOutputsAndResumesExactly() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 3);
        CliHarness.Result full = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("full"), "--max-steps", "5", "--sample-every", "2"));
        assertEquals(0, full.code(), full.toString());
        Path run = tmp.resolve("full/t");
        assertTrue(Files.exists(run.resolve("checkpoints/latest.safetensors")), full.toString());
        assertTrue(Files.exists(run.resolve("samples/epoch001_iter00001.png")), "sample grid at step 0");
        // the test images (3 of each domain): 3 rows of real, translated, recovered A and B at the crop size, 2 px apart
        assertTrue(full.out().contains("also show 3 test image(s) of each domain"), full.toString());
        BufferedImage test = ImageIO.read(run.resolve("samples/epoch001_iter00001_test.png").toFile());
        assertEquals(6 * 32 + 5 * 2, test.getWidth());
        assertEquals(3 * 32 + 2 * 2, test.getHeight());
        assertTrue(Files.exists(run.resolve("samples/epoch001_iter00003_test.png")));
        assertTrue(!Files.exists(run.resolve("samples/epoch001_iter00002_test.png")), "only at --sample-every");
        assertTrue(full.out().contains("stopped after 5 steps"), full.toString());
        assertTrue(full.out().contains("image cache after this epoch: 5 of the 6 training images, resized (0.0 of "), "after the first epoch: " + full);
        List<String> uninterrupted = lossColumns(run.resolve("loss.csv"));
        assertEquals(5, uninterrupted.size());
        List<String> header = List.of(Files.readAllLines(run.resolve("loss.csv")).get(0).split(","));
        for (String line : uninterrupted) { // the gradient norms, last: positive and finite
            String[] f = line.split(",");
            for (String norm : List.of("grad_norm_G", "grad_norm_D_A", "grad_norm_D_B")) {
                double v = Double.parseDouble(f[header.indexOf(norm) - 1]); // seconds removed before them
                assertTrue(v > 0 && Double.isFinite(v), norm + " in " + line);
            }
        }

        Path split = tmp.resolve("split");
        // without the image cache (--cache-mb 0, kept by --resume): the same losses
        assertEquals(0, CliHarness.run(CliHarness.tinyTrain(data, split, "--max-steps", "2", "--cache-mb", "0")).code());
        // only the run's name: the data, architecture and schedule are the checkpoint's
        CliHarness.Result resumed = CliHarness.run("train", "--name", "t", "--out", split.toString(), "--resume", "--max-steps", "5",
                "--device", "cpu", "--sample-every", "0", "--workers", "1");
        assertEquals(0, resumed.code(), resumed.toString());
        assertTrue(resumed.out().contains("resuming") && !resumed.out().contains("changed options"), resumed.toString());
        assertFalse(resumed.out().contains("image cache"), resumed.toString());
        assertEquals(uninterrupted, lossColumns(split.resolve("t/loss.csv")), "stopped + resumed must equal uninterrupted");
    }

    @Test
    void resumeRefusesANewImageOrderWithinAnEpochAndReportsScheduleChanges() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 4);
        Path out = tmp.resolve("runs");
        assertEquals(0, CliHarness.run(CliHarness.tinyTrain(data, out, "--max-steps", "1", "--sample-every", "7")).code());
        java.util.Map<String, String> saved = Checkpoint.load(out.resolve("t/checkpoints/latest.safetensors")).metadata();
        assertEquals(data.toAbsolutePath().toString(), saved.get("option.dataroot"), "absolute: --resume works from any folder");
        assertEquals("7", saved.get("option.sample_every"), "how the run is watched is kept too");
        CliHarness.Result batch = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--max-steps", "2", "--batch-size", "2",
                "--seed", "7", "--ngf", "16"));
        assertEquals(2, batch.code(), batch.toString());
        assertTrue(batch.err().contains("cannot change here: batch_size=1 -> 2, ngf=64 -> 16, seed=0 -> 7 ("), batch.toString());
        CliHarness.Result lr = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--max-steps", "2", "--lr", "1e-4",
                "--epochs", "3"));
        assertEquals(0, lr.code(), lr.toString());
        assertTrue(lr.out().contains("resuming with changed options: epochs=2 -> 3, lr=2.0E-4 -> 1.0E-4"), lr.toString());
        assertTrue(lr.out().contains("after step 1: epoch 1/3 from iteration 2"), lr.toString());
        assertTrue(lr.out().contains("the learning rate of epoch 1 changes from 2.0E-4 (the checkpoint's schedule) to 1.0E-4"),
                lr.toString());
        CliHarness.Result again = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--max-steps", "2"));
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("the run is at step 2, at or past --max-steps 2: nothing to train"), again.toString());
        assertEquals(3, Files.readAllLines(out.resolve("t/loss.csv")).size(), "a header and two steps: no third");
        // options the user did not give come from the checkpoint: errors name what the user changed
        CliHarness.Result crop = CliHarness.run("train", "--name", "t", "--out", out.toString(), "--resume", "--device", "cpu",
                "--crop-size", "64");
        assertEquals(2, crop.code(), crop.toString());
        assertTrue(crop.err().contains("cannot change here: crop_size=32 -> 64"), "the crop, not the checkpoint's load size: " + crop);
        CliHarness.Result shorter = CliHarness.run("train", "--name", "t", "--out", out.toString(), "--resume", "--device", "cpu",
                "--epochs", "1");
        assertEquals(2, shorter.code(), shorter.toString());
        assertTrue(shorter.err().contains("--epochs 1 ends before the checkpoint's --decay-epoch 1: pass a --decay-epoch below 1 too"),
                shorter.toString());
        CliHarness.Result none = CliHarness.run("train", "--name", "nothing", "--out", out.toString(), "--resume");
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("--resume: no checkpoint at "), none.toString());
        assertFalse(Files.exists(out.resolve("nothing")), "a run that cannot start leaves no folders");
        Files.createDirectories(out.resolve("killed/samples")); // a run killed before its first checkpoint
        CliHarness.Result killed = CliHarness.run("train", "--name", "killed", "--out", out.toString(), "--resume");
        assertEquals(2, killed.code(), killed.toString());
        assertTrue(killed.err().contains("(the run stopped before its first one, written at an epoch's end and every"
                + " --autosave-minutes): start it again without --resume"), killed.toString());
        Files.move(data, tmp.resolve("moved"));
        CliHarness.Result moved = CliHarness.run("train", "--name", "t", "--out", out.toString(), "--resume", "--device", "cpu");
        assertEquals(2, moved.code(), moved.toString());
        assertTrue(moved.err().contains("(the checkpoint's; if the data moved, pass --dataroot with its new place)"), moved.toString());
        CliHarness.Result found = CliHarness.run("train", "--name", "t", "--out", out.toString(), "--resume", "--device", "cpu",
                "--dataroot", tmp.resolve("moved").toString(), "--max-steps", "3", "--sample-every", "0", "--workers", "1");
        assertEquals(0, found.code(), found.toString());
        assertTrue(found.out().contains("resuming with changed options: dataroot="), found.toString());
    }

    @Test
    void nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 8); // no epoch end (which saves) before the NaN shows
        Path out = tmp.resolve("runs");
        assertEquals(0, CliHarness.run(CliHarness.tinyTrain(data, out, "--max-steps", "1")).code());
        Path latest = out.resolve("t/checkpoints/latest.safetensors");
        byte[] good = Files.readAllBytes(latest);
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--lr", "1e30", "--max-steps", "20"));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("became NaN") || r.err().contains("became Infinity"), r.toString());
        assertTrue(r.err().contains("step"), r.toString());
        assertArrayEquals(good, Files.readAllBytes(latest), "the last good checkpoint is untouched");
    }

    @Test
    void aCheckpointThatCannotBeWrittenIsNamedAndTheLastOneIsKept() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 8);
        Path out = tmp.resolve("runs");
        Path latest = CliHarness.tinyCheckpoint(data, out, 1);
        byte[] good = Files.readAllBytes(latest);
        Path blocked = out.resolve("t/checkpoints/step_0000002.safetensors"); // a folder in the way, as a full disk would stop it
        Files.createDirectories(blocked.resolve("x"));
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--checkpoint-every", "2", "--max-steps", "3"));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("could not write the checkpoint " + blocked + " ("), r.toString());
        assertTrue(r.err().contains("the last one written, " + latest + ", is intact: --resume continues from it"), r.toString());
        assertArrayEquals(good, Files.readAllBytes(latest));

        // a sample grid is not worth the run: named, and training goes on to its checkpoint
        Path grid = out.resolve("t/samples/epoch001_iter00002.png");
        Files.createDirectories(grid.resolve("x"));
        CliHarness.Result s = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--sample-every", "1", "--max-steps", "3"));
        assertEquals(0, s.code(), s.toString());
        assertTrue(s.err().contains("warning: could not write the sample grid " + grid + " (") && s.err().contains("training goes on"),
                s.toString());
        assertTrue(Files.exists(out.resolve("t/samples/epoch001_iter00003.png")), "the next grid is written");
    }

    @Test
    void missingOrEmptyDomainNamesTheFolder() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("trainA"));
        CliHarness.writeImage(data.resolve("trainA/a.png"), 16, 16, 1);
        CliHarness.Result missing = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("o")));
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().contains("trainB"), missing.toString());
        assertEquals(1, missing.err().strip().lines().filter(l -> !l.startsWith("(run with")).count(), "one line: " + missing);

        Files.createDirectories(data.resolve("trainB"));
        CliHarness.Result empty = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("o")));
        assertEquals(1, empty.code(), empty.toString());
        assertTrue(empty.err().contains("trainB"), empty.toString());
    }

    @Test
    void junkFilesAreSkippedWithOneWarningAndCorruptOnesByName() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        Files.writeString(data.resolve("trainA/notes.txt"), "hello");
        Files.writeString(data.resolve("trainA/readme.md"), "hello");
        byte[] png = Files.readAllBytes(data.resolve("trainB/img0.png"));
        Files.write(data.resolve("trainB/broken.png"), java.util.Arrays.copyOf(png, png.length / 3));
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("o"), "--max-steps", "1"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("broken.png"), r.toString());
        assertTrue(r.err().lines().anyMatch(l -> l.contains("2") && l.toLowerCase().contains("non-image")), r.toString());
    }

    @Test
    void onlyCorruptImagesInADomainIsAnError() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 1);
        Files.delete(data.resolve("trainB/img0.png"));
        Files.write(data.resolve("trainB/bad.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("o")));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("trainB"), r.toString());
    }

    @Test
    void aFreshRunNeverOverwritesAnExistingOne() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        assertEquals(0, CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("o"), "--max-steps", "1")).code());
        CliHarness.Result again = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("o"), "--max-steps", "1"));
        assertEquals(2, again.code(), again.toString());
        assertTrue(again.err().contains("--resume"), again.toString());
    }

    @Test
    void resumeDropsLogLinesTrainedAfterTheCheckpoint() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 4);
        Path out = tmp.resolve("o");
        assertEquals(0, CliHarness.run(CliHarness.tinyTrain(data, out, "--max-steps", "2")).code());
        Path csv = out.resolve("t/loss.csv");
        Files.writeString(csv, "1,3,3,0.0002,9,9,9,9,9,1.0\n", java.nio.file.StandardOpenOption.APPEND); // as if a crash lost step 3
        assertEquals(0, CliHarness.run(CliHarness.tinyTrain(data, out, "--max-steps", "3", "--resume")).code());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(3).startsWith("1,3,3,") && !lines.get(3).contains(",9,9,9,"), String.join("\n", lines));
    }

    @Test
    void transposedUpsamplingTrainsResumesAndTranslates() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        Path runs = tmp.resolve("runs");
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, runs, "--max-steps", "2", "--upsampling", "transposed",
                "--discriminator", "patch70"));
        assertEquals(0, r.code(), r.toString());
        Path ck = runs.resolve("t/checkpoints/latest.safetensors");
        Checkpoint saved = Checkpoint.load(ck);
        assertEquals("transposed", saved.metadata().get("option.upsampling"));
        assertEquals("patch70", saved.metadata().get("option.discriminator"));
        assertTrue(saved.hasTensor("D_A.model.11.weight") && !saved.hasTensor("D_A.model.12.weight"), "the 70x70 PatchGAN's layout");
        assertTrue(saved.hasTensor("G_AB.model.11.weight") && saved.hasTensor("G_AB.model.10.conv_block.1.weight"),
                "the authors' layout: conv_block, then the transposed convolution");

        CliHarness.Result other = CliHarness.run(CliHarness.tinyTrain(data, runs, "--max-steps", "3", "--resume", "--upsampling",
                "nearest", "--discriminator", "pytorch-gan"));
        assertEquals(2, other.code(), "resuming with another architecture is refused: " + other);
        assertTrue(other.err().contains("upsampling=transposed -> nearest, discriminator=patch70 -> pytorch-gan"),
                "every change in one message: " + other);
        CliHarness.Result resumed = CliHarness.run(CliHarness.tinyTrain(data, runs, "--max-steps", "3", "--resume"));
        assertEquals(0, resumed.code(), "options left out are the checkpoint's: " + resumed);

        CliHarness.Result info = CliHarness.run("info", "--checkpoint", ck.toString());
        assertTrue(info.out().contains("1 residual blocks, ngf 64, transposed upsampling")
                && info.out().contains("ndf 64, patch70 layout"), info.toString());
        assertTranslates(ck, "translate reads the layout off the names");
    }

    /** translate runs the checkpoint's AtoB generator on a 13x9 image, whatever its shape. */
    private void assertTranslates(Path ck, String why) throws Exception {
        Path img = tmp.resolve("x.png");
        CliHarness.writeImage(img, 13, 9, 2);
        CliHarness.Result t = CliHarness.run("translate", "--checkpoint", ck.toString(), "--input", img.toString(),
                "--output", tmp.resolve("out").toString(), "--device", "cpu");
        assertEquals(0, t.code(), t.toString());
        assertEquals(13, ImageIO.read(tmp.resolve("out/x.png").toFile()).getWidth(), why);
    }

    @Test
    void widthsTrainResumeAndTranslate() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        Path runs = tmp.resolve("runs");
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, runs, "--max-steps", "2", "--ngf", "8", "--ndf", "12"));
        assertEquals(0, r.code(), r.toString());
        Path ck = runs.resolve("t/checkpoints/latest.safetensors");
        Checkpoint saved = Checkpoint.load(ck);
        assertEquals("8", saved.metadata().get("option.ngf"));
        assertEquals("12", saved.metadata().get("option.ndf"));
        assertArrayEquals(new int[]{32, 32, 3, 3}, saved.tensor("G_AB.model.10.block.1.weight").shape(), "ngf*4 in the residual blocks");
        assertArrayEquals(new int[]{1, 96, 4, 4}, saved.tensor("D_B.model.12.weight").shape(), "ndf*8 into the last conv");

        CliHarness.Result other = CliHarness.run(CliHarness.tinyTrain(data, runs, "--max-steps", "3", "--resume", "--ngf", "64"));
        assertEquals(2, other.code(), "resuming at another ngf is refused: " + other);
        assertTrue(other.err().contains("ngf=8 -> 64"), other.toString());
        CliHarness.Result resumed = CliHarness.run(CliHarness.tinyTrain(data, runs, "--max-steps", "3", "--resume", "--ngf", "8"));
        assertEquals(0, resumed.code(), resumed.toString());

        assertTranslates(ck, "translate reads the width off the tensors");
        assertEquals(2, CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs2"), "--ngf", "0")).code());
    }

    @Test
    void initFromStartsANewRunFromTheNetworksAFileHolds() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        Path source = CliHarness.tinyCheckpoint(data, tmp.resolve("runs"), 2);
        Path export = tmp.resolve("g_ba.safetensors");
        assertEquals(0, CliHarness.run("export", "--checkpoint", source.toString(), "--output", export.toString(),
                "--direction", "BtoA").code());

        // a learning rate so small that one Adam step leaves the weights where they started
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs2"), "--max-steps", "1", "--lr", "1e-12",
                "--init-from", export.toString()));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("starting from G_BA of " + export + "; the other networks fresh"), r.toString());
        Checkpoint from = Checkpoint.load(export); // two steps from the initialisation: not where a fresh G_BA would start
        Checkpoint after = Checkpoint.load(tmp.resolve("runs2/t/checkpoints/latest.safetensors"));
        assertEquals(export.toString(), after.metadata().get("option.init_from"));
        float[] want = from.tensor("G_BA.model.1.weight").values(), got = after.tensor("G_BA.model.1.weight").values();
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6f, "G_BA starts from the file's weights");
        }

        CliHarness.Result other = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs3"), "--max-steps", "1", "--ngf", "16",
                "--init-from", source.toString()));
        assertEquals(2, other.code(), other.toString());
        assertTrue(other.err().contains("its G_AB has --ngf 64 where this run asks for 16 (pass the same to train it)"), other.toString());
        CliHarness.Result both = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs"), "--resume", "--init-from", export.toString()));
        assertEquals(2, both.code(), both.toString());
        assertTrue(both.err().contains("pass one of them"), both.toString());
    }

    @Test
    void preprocessIsUsedAndRecorded() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2); // 16x16 images: a 32 crop only fits when scaled
        Path ck = CliHarness.tinyCheckpoint(data, tmp.resolve("runs"), 1);
        assertEquals("resize_and_crop", Checkpoint.load(ck).metadata().get("option.preprocess"), "the default");
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs2"), "--max-steps", "1",
                "--preprocess", "scale_width_and_crop"));
        assertEquals(0, r.code(), r.toString());
        assertEquals("scale_width_and_crop",
                Checkpoint.load(tmp.resolve("runs2/t/checkpoints/latest.safetensors")).metadata().get("option.preprocess"));
        CliHarness.Result small = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs3"), "--max-steps", "1",
                "--preprocess", "crop"));
        assertEquals(1, small.code(), small.toString());
        assertTrue(small.err().contains("no image is as large as the 32x32 crop (--preprocess crop) (2 smaller)"), small.toString());
        assertFalse(Files.exists(tmp.resolve("runs3/t")), "found before the run starts: " + small);
    }

    @Test
    void resumeRefusesAPositionPastTheEndOfAnEpochOfImagesSinceRemoved() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 4);
        Path out = tmp.resolve("runs");
        Path latest = CliHarness.tinyCheckpoint(data, out, 3); // stopped before the epoch's 4th iteration
        byte[] before = Files.readAllBytes(latest);
        for (int i = 1; i < 4; i++) { // one image of each domain left: an epoch of 1 iteration
            Files.delete(data.resolve("trainA/img" + i + ".png"));
            Files.delete(data.resolve("trainB/img" + i + ".png"));
        }
        CliHarness.Result r = CliHarness.run("train", "--name", "t", "--out", out.toString(), "--resume");
        assertEquals(2, r.code(), r.toString()); // it was "error: 3 > 1", and 'latest' had skipped the rest of the epoch
        assertTrue(r.err().contains("--resume: the checkpoint is at iteration 4 of epoch 1, but an epoch of the dataset now has 1"
                + " iteration(s) (1 image(s) in A, 1 in B)"), r.toString());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(latest)), "the checkpoint is left as it was");
    }

    /** A --preprocess that skips small images shortens the epoch without a file removed: the message says so. */
    @Test
    void resumeWithAPreprocessThatSkipsImagesSaysSoInsteadOfRemovedImages() throws Exception {
        Path data = tmp.resolve("data");
        for (int i = 0; i < 3; i++) {
            int side = i == 0 ? 16 : 32; // a0 and b0 are under 32x32: none skips them
            CliHarness.writeImage(data.resolve("trainA/a" + i + ".png"), side, side, i + 1);
            CliHarness.writeImage(data.resolve("trainB/b" + i + ".png"), side, side, i + 7);
        }
        Path out = tmp.resolve("runs");
        CliHarness.tinyCheckpoint(data, out, 2); // resize_and_crop: 3 iterations an epoch, stopped before the 3rd; none has 2
        CliHarness.Result r = CliHarness.run("train", "--name", "t", "--out", out.toString(), "--resume", "--preprocess", "none");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--preprocess none skips images that the checkpoint's resize_and_crop used"), r.toString());
        assertFalse(r.err().contains("images were removed since"), r.toString());
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        CliHarness.Result r = CliHarness.run("train", "--name", "x");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--dataroot"), r.toString());
        assertEquals(2, CliHarness.run("train", "--dataroot", "d", "--name", "x", "--crop-size", "30").code());
        assertEquals(2, CliHarness.run("train", "--dataroot", "d", "--name", "x", "--epochs", "ten").code());
        CliHarness.Result huge = CliHarness.run("train", "--dataroot", "d", "--name", "x", "--crop-size", "100000");
        assertEquals(2, huge.code(), huge.toString()); // the loader's array size wrapped: "data loader failed: -64771072"
        assertTrue(huge.err().contains("a 112000x112000 image (--load-size) holds more values than a Java array"), huge.toString());
        CliHarness.Result batch = CliHarness.run("train", "--dataroot", "d", "--name", "x", "--crop-size", "16000", "--batch-size", "3");
        assertEquals(2, batch.code(), batch.toString());
        assertTrue(batch.err().contains("--batch-size 3 of 16000x16000 crops holds more values than a Java array"), batch.toString());
        // a large --load-size with a small crop is no large batch: the batch holds crops
        CliHarness.Result crops = CliHarness.run("train", "--dataroot", "d", "--name", "x", "--load-size", "1024", "--crop-size", "256",
                "--batch-size", "700");
        assertTrue(crops.err().contains("--dataroot: no such folder d"), "past the size checks: " + crops);
        CliHarness.Result wide = CliHarness.run("train", "--dataroot", "d", "--name", "x", "--ngf", "100000");
        assertEquals(2, wide.code(), wide.toString());
        assertTrue(wide.err().contains("--ngf and --ndf must be from 1 to 1024"), wide.toString());
        CliHarness.Result kind = CliHarness.run("train", "--dataroot", "d", "--name", "x", "--discriminator", "patch94");
        assertEquals(2, kind.code(), kind.toString());
        assertTrue(kind.err().contains("--discriminator must be pytorch-gan or patch70, got 'patch94'"), kind.toString());
        CliHarness.Result mode = CliHarness.run("train", "--dataroot", "d", "--name", "x", "--preprocess", "scale_height");
        assertEquals(2, mode.code(), mode.toString());
        assertTrue(mode.err().contains("--preprocess must be resize_and_crop, scale_width_and_crop, scale_shortside_and_crop, crop,"
                        + " scale_width or none, got 'scale_height'"), mode.toString());
        CliHarness.Result folder = CliHarness.run("train", "--dataroot", tmp.resolve("none").toString(), "--name", "x",
                "--out", tmp.resolve("runs").toString());
        assertEquals(2, folder.code(), folder.toString());
        assertTrue(folder.err().contains("--dataroot: no such folder"), folder.toString());
        assertFalse(Files.exists(tmp.resolve("runs")), "a run that cannot start leaves no folders");
        Path zip = Files.writeString(tmp.resolve("horse2zebra.zip"), "an archive, or an image, given for the dataset's folder");
        CliHarness.Result file = CliHarness.run("train", "--dataroot", zip.toString(), "--name", "x", "--out", tmp.resolve("runs").toString());
        assertEquals(2, file.code(), file.toString());
        assertTrue(file.err().contains("--dataroot: " + zip + " is a file, not a folder: give the folder that holds trainA/ and trainB/"),
                file.toString());
        CliHarness.Result scores = CliHarness.run("evaluate", "--checkpoint", zip.toString(), "--dataroot", zip.toString());
        assertEquals(2, scores.code(), scores.toString());
        assertTrue(scores.err().contains("--dataroot: " + zip + " is a file, not a folder: give the folder that holds testA/ and testB/"),
                scores.toString());
        // a data set's problem is told whole, without the hint to look at a stack trace
        Path empty = tmp.resolve("empty");
        CliHarness.writeImage(empty.resolve("trainB/b.png"), 32, 32, 1);
        Files.createDirectories(empty.resolve("trainA"));
        CliHarness.Result data = CliHarness.run("train", "--dataroot", empty.toString(), "--name", "x", "--out",
                tmp.resolve("runs").toString(), "--device", "cpu");
        assertEquals(1, data.code(), data.toString());
        assertTrue(data.err().contains("trainA contains no readable images (it is empty)") && !data.err().contains("--verbose"),
                data.toString());
        assertEquals(2, CliHarness.run("frobnicate").code());
        assertEquals(2, CliHarness.run().code());
        CliHarness.Result help = CliHarness.run("train", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--lambda-id"), help.toString());
    }
}
