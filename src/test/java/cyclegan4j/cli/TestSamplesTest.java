package cyclegan4j.cli;

import cyclegan4j.ImageTranslator;
import cyclegan4j.ImageTranslator.Direction;
import cyclegan4j.data.ImageCodec;
import cyclegan4j.data.ImageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test-image sample grids `train` writes: which images, which generator in which cell, and when there are none. */
class TestSamplesTest {

    @TempDir
    Path tmp;

    private static BufferedImage cell(BufferedImage grid, int row, int col) {
        return grid.getSubimage(col * (32 + 2), row * (32 + 2), 32, 32);
    }

    /** A gray cell's levels, 0..255. */
    private static float[] levels(BufferedImage cell) {
        return cell.getRaster().getPixels(0, 0, 32, 32, (float[]) null);
    }

    private static ImageCodec.Planes planes(float[] levels) {
        return new ImageCodec.Planes(1, 32, 32, levels);
    }

    /** Generator output in [-1, 1] as fractional levels, so the next generator sees it unrounded, as in training. */
    private static ImageCodec.Planes unrounded(float[] output) {
        float[] l = new float[output.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (output[i] + 1f) * 127.5f;
        }
        return planes(l);
    }

    private static int maxDifference(float[] output, BufferedImage cell) {
        float[] shown = levels(cell);
        int worst = 0;
        for (int i = 0; i < shown.length; i++) {
            worst = Math.max(worst, Math.abs(ImageWriter.toByte(output[i]) - (int) shown[i]));
        }
        return worst;
    }

    @Test
    void eachRowIsATestImageWithItsTranslationsByTheStepsGenerators() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 6); // 6 test images per domain: the grid takes 4, spread out
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs"), "--max-steps", "1", "--sample-every", "1"));
        assertEquals(0, r.code(), r.toString());
        BufferedImage grid = ImageIO.read(tmp.resolve("runs/t/samples/epoch001_iter00001_test.png").toFile());
        assertEquals(4 * 32 + 3 * 2, grid.getHeight(), "four rows");
        try (ImageTranslator ab = ImageTranslator.open(tmp.resolve("runs/t/checkpoints/latest.safetensors"), Direction.A_TO_B, "cpu");
             ImageTranslator ba = ImageTranslator.open(tmp.resolve("runs/t/checkpoints/latest.safetensors"), Direction.B_TO_A, "cpu")) {
            for (int row = 0; row < 4; row++) {
                float[] realA = levels(cell(grid, row, 0)), realB = levels(cell(grid, row, 3));
                // the checkpoint holds the weights the grid was drawn with (after step 1); batch 4 against 1 may round differently
                float[] fakeB = ab.apply(planes(realA)), fakeA = ba.apply(planes(realB));
                assertTrue(maxDifference(fakeB, cell(grid, row, 1)) <= 1, "fake B = G_AB(real A), row " + row);
                assertTrue(maxDifference(ba.apply(unrounded(fakeB)), cell(grid, row, 2)) <= 1, "recovered A = G_BA(fake B), row " + row);
                assertTrue(maxDifference(fakeA, cell(grid, row, 4)) <= 1, "fake A = G_BA(real B), row " + row);
                assertTrue(maxDifference(ab.apply(unrounded(fakeA)), cell(grid, row, 5)) <= 1, "recovered B = G_AB(fake A), row " + row);
            }
            assertTrue(!java.util.Arrays.equals(levels(cell(grid, 0, 0)), levels(cell(grid, 1, 0))), "different test images in different rows");
        }
    }

    @Test
    void withoutATestSplitOnlyTheTrainingGridIsWritten() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        try (var files = Files.list(data.resolve("testB"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs"), "--max-steps", "1", "--sample-every", "1"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.exists(tmp.resolve("runs/t/samples/epoch001_iter00001.png")));
        assertFalse(Files.exists(tmp.resolve("runs/t/samples/epoch001_iter00001_test.png")));
        assertFalse(r.out().contains("test image"), r.toString());
        // testB is there but holds no image: said, with what the grids show instead
        assertTrue(r.err().contains("warning: no test samples: ") && r.err().contains("testB")
                && r.err().contains("the sample grids show the training images only"), r.toString());
    }
}
