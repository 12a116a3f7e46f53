package cyclegan4j.cli;

import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `info` on any machine: Java, CPU and GEMM lines, and the GPU's state (on CI: no driver, said in one line). */
class InfoCliTest {

    @Test
    void reportsJavaCpuGemmAndGpu() {
        CliHarness.Result r = CliHarness.run("info");
        assertEquals(0, r.code(), r.toString());
        for (String line : new String[]{"java:", "cpu:", "cpu gemm:", "cuda:"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(line)), line + " in " + r);
        }
        assertTrue(r.out().contains(" cores (the CPU backend uses " + cyclegan4j.backend.cpu.CpuBackend.get().threads() + " thread(s)"),
                r.toString());
        // with a GPU, one "gpu:" line per device names its --device; without, the cuda line says why not
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("gpu:     cuda:0 "))
                || r.out().contains("cuda:    not available: "), r.toString());
    }

    /** A lone network that is neither of ours (any module with a `model` Sequential) is said to be so, not mis-described. */
    @Test
    void aLoneNetworkOfAnotherKindIsNamedAsSuch(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("mlp.safetensors");
        new Checkpoint().put("model.0.weight", new TensorData(new int[]{10, 784}, new float[7840]))
                .put("model.0.bias", new TensorData(new int[]{10}, new float[10])).save(file);
        CliHarness.Result r = CliHarness.run("info", "--checkpoint", file.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("neither a CycleGAN generator nor a discriminator") && r.out().contains("7,850 parameters"),
                r.toString());
        assertTrue(!r.out().contains("translate uses this generator"), r.toString());
    }

    /** `info --dataroot`: each domain's images and sizes (a JPEG's EXIF turn counted), what is skipped, and the hints the sizes call for. */
    @Test
    void describesADataset(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("photos");
        CliHarness.writeImage(data.resolve("trainA/a0.png"), 48, 36, 1);
        CliHarness.writeImage(data.resolve("trainA/a1.png"), 48, 36, 2);
        CliHarness.writeImage(data.resolve("trainA/a2.png"), 40, 64, 3);
        CliHarness.writeImage(data.resolve("trainB/b0.png"), 40, 40, 4);
        java.nio.file.Files.writeString(data.resolve("trainB/notes.txt"), "not an image");
        CliHarness.Result r = CliHarness.run("info", "--dataroot", data.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("trainA  3 image(s) in trainA: 2 sizes, 48x36 to 40x64; most often 48x36 (2)"), r.toString());
        assertTrue(r.out().contains("trainB  1 image(s) in trainB: all 40x40"), r.toString());
        assertTrue(r.out().contains("skipped 1 non-image file"), r.toString());
        assertTrue(r.out().contains("testA   none"), r.toString());
        java.nio.file.Files.writeString(data.resolve("testB"), "a file where a folder belongs");
        CliHarness.Result file = CliHarness.run("info", "--dataroot", data.toString());
        assertTrue(file.out().contains("testB   not a folder (testB)"), file.toString());
        java.nio.file.Files.delete(data.resolve("testB"));
        assertTrue(r.out().contains("an epoch: 3 steps"), r.toString());
        assertTrue(r.out().contains("not all square") && r.out().contains("need --batch-size 1"), r.toString());

        // as train checks a batch: scale_width gives images of one aspect one size; none rounds 42 and 41 to 40
        Path rounded = tmp.resolve("rounded");
        CliHarness.writeImage(rounded.resolve("trainA/a0.png"), 40, 40, 1);
        CliHarness.writeImage(rounded.resolve("trainA/a1.png"), 80, 80, 2);
        CliHarness.writeImage(rounded.resolve("trainB/b0.png"), 32, 32, 3);
        CliHarness.Result sizes = CliHarness.run("info", "--dataroot", rounded.toString());
        assertTrue(sizes.out().contains("each domain's images have one size with --preprocess scale_width (whole images): any"
                + " --batch-size") && sizes.out().contains("differ in size with --preprocess none (whole images): they need"
                + " --batch-size 1"), sizes.toString());
        CliHarness.writeImage(rounded.resolve("trainA/a1.png"), 42, 41, 2);
        sizes = CliHarness.run("info", "--dataroot", rounded.toString());
        assertTrue(sizes.out().contains("each domain's images have one size with --preprocess none (whole images): any --batch-size")
                && sizes.out().contains("differ in size with --preprocess scale_width (whole images): they need --batch-size 1"),
                sizes.toString());

        CliHarness.Result missing = CliHarness.run("info", "--dataroot", tmp.resolve("nope").toString());
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("no such folder"), missing.toString());
    }
}
