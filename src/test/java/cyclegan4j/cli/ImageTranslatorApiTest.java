package cyclegan4j.cli;

import cyclegan4j.ImageTranslator;
import cyclegan4j.ImageTranslator.Direction;
import cyclegan4j.io.CheckpointFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java API ({@link ImageTranslator}) gives what `translate` writes, and fails clearly. */
class ImageTranslatorApiTest {

    @TempDir
    Path tmp;

    /** A tiny RGB model (1 residual block, 32x32 crops), trained 2 steps. */
    private Path rgbCheckpoint() throws IOException {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        CliHarness.Result r = CliHarness.run("train", "--dataroot", data.toString(), "--name", "rgb", "--out", tmp.resolve("runs").toString(),
                "--device", "cpu", "--channels", "3", "--n-residual-blocks", "1", "--crop-size", "32", "--load-size", "32",
                "--epochs", "1", "--decay-epoch", "0", "--sample-every", "0", "--workers", "1", "--max-steps", "2");
        assertEquals(0, r.code(), r.toString());
        return tmp.resolve("runs/rgb/checkpoints/latest.safetensors");
    }

    private static BufferedImage colourful(int w, int h, int type, long seed) {
        BufferedImage img = new BufferedImage(w, h, type);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24) | 0xff000000);
            }
        }
        return img;
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void translateGivesThePixelsTheCommandWrites() throws Exception {
        Path checkpoint = rgbCheckpoint();
        BufferedImage in = colourful(13, 17, BufferedImage.TYPE_INT_RGB, 5);
        Path file = tmp.resolve("in/odd.png");
        java.nio.file.Files.createDirectories(file.getParent());
        ImageIO.write(in, "png", file.toFile());
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--direction", "BtoA",
                "--input", file.toString(), "--output", tmp.resolve("out").toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.toString());
        BufferedImage written = ImageIO.read(tmp.resolve("out/odd.png").toFile());

        try (ImageTranslator t = ImageTranslator.open(checkpoint, Direction.B_TO_A, "cpu")) {
            assertEquals(3, t.channels());
            assertEquals(Direction.B_TO_A, t.direction());
            assertEquals("cpu", t.device());
            BufferedImage out = t.translate(in);
            assertEquals(BufferedImage.TYPE_3BYTE_BGR, out.getType());
            assertEquals(13, out.getWidth());
            assertEquals(17, out.getHeight());
            assertArrayEquals(pixels(written), pixels(out), "the API's pixels equal translate's PNG");

            // Alpha is dropped, as train reads its images: a translucent copy translates the same.
            BufferedImage argb = new BufferedImage(13, 17, BufferedImage.TYPE_INT_ARGB);
            int[] px = pixels(in);
            for (int i = 0; i < px.length; i++) {
                px[i] = (px[i] & 0xffffff) | ((i * 37 % 256) << 24);
            }
            argb.setRGB(0, 0, 13, 17, px, 0, 13);
            assertArrayEquals(pixels(out), pixels(t.translate(argb)));
        }
        try (ImageTranslator other = ImageTranslator.open(checkpoint, Direction.A_TO_B, "cpu")) {
            assertTrue(!Arrays.equals(pixels(written), pixels(other.translate(in))), "A_TO_B is the other generator");
        }
    }

    @Test
    void aFileIsReadAsTranslateReadsIt() throws Exception {
        Path checkpoint = rgbCheckpoint();
        Path file = tmp.resolve("in/portrait.jpg");
        java.nio.file.Files.createDirectories(file.getParent());
        ImageIO.write(colourful(12, 8, BufferedImage.TYPE_INT_RGB, 7), "jpg", file.toFile());
        // an EXIF block saying "rotate 90 degrees clockwise" (orientation 6), as a phone writes for a portrait photo
        byte[] plain = java.nio.file.Files.readAllBytes(file);
        byte[] app1 = {(byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 0x2A, 0, 0, 0, 8,
                0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
        byte[] rotated = new byte[plain.length + app1.length];
        System.arraycopy(plain, 0, rotated, 0, 2);
        System.arraycopy(app1, 0, rotated, 2, app1.length);
        System.arraycopy(plain, 2, rotated, 2 + app1.length, plain.length - 2);
        java.nio.file.Files.write(file, rotated);
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--input", file.toString(),
                "--output", tmp.resolve("out").toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.toString());
        BufferedImage written = ImageIO.read(tmp.resolve("out/portrait.png").toFile());
        assertEquals(8, written.getWidth(), "translate applies the EXIF orientation");

        try (ImageTranslator t = ImageTranslator.open(checkpoint, Direction.A_TO_B, "cpu")) {
            BufferedImage out = t.translate(file);
            assertEquals(8, out.getWidth());
            assertEquals(12, out.getHeight());
            assertArrayEquals(pixels(written), pixels(out), "the API's pixels for a file equal translate's PNG");
            IOException missing = assertThrows(IOException.class, () -> t.translate(tmp.resolve("in/none.jpg")));
            assertTrue(missing.getMessage().contains("none.jpg"), missing.getMessage());
        }
    }

    @Test
    void grayModelsReadLumaAndWriteGray() throws Exception {
        Path checkpoint = CliHarness.tinyCheckpoint(CliHarness.dataset(tmp.resolve("data"), 2), tmp.resolve("runs"), 1);
        try (ImageTranslator t = ImageTranslator.open(checkpoint, Direction.A_TO_B)) { // "auto": the CPU here
            assertEquals(1, t.channels());
            BufferedImage out = t.translate(colourful(5, 3, BufferedImage.TYPE_INT_RGB, 1));
            assertEquals(BufferedImage.TYPE_BYTE_GRAY, out.getType());
            assertEquals(5, out.getWidth());
            assertEquals(3, out.getHeight());
        }
    }

    @Test
    void badInputsFailWithMessagesThatSayWhy() throws Exception {
        Path checkpoint = CliHarness.tinyCheckpoint(CliHarness.dataset(tmp.resolve("data"), 2), tmp.resolve("runs"), 1);
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class,
                () -> ImageTranslator.open(checkpoint, Direction.A_TO_B, "gpu0"));
        assertTrue(device.getMessage().contains("auto, cpu, cuda or cuda:N"), device.getMessage());
        assertThrows(IOException.class, () -> ImageTranslator.open(tmp.resolve("missing.safetensors"), Direction.A_TO_B, "cpu"));
        IOException folder = assertThrows(IOException.class, () -> ImageTranslator.open(tmp.resolve("runs"), Direction.A_TO_B, "cpu"));
        assertTrue(folder.getMessage().contains(tmp.resolve("runs") + ": a folder"), folder.getMessage()); // not the bare "Is a directory"

        Path export = tmp.resolve("g_ab.safetensors");
        assertEquals(0, CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output", export.toString(),
                "--direction", "AtoB").code());
        CheckpointFormatException missing = assertThrows(CheckpointFormatException.class,
                () -> ImageTranslator.open(export, Direction.B_TO_A, "cpu"));
        assertTrue(missing.getMessage().contains("holds only the G_AB generator"), missing.getMessage());

        ImageTranslator t = ImageTranslator.open(export, Direction.A_TO_B, "cpu");
        BufferedImage img = colourful(8, 8, BufferedImage.TYPE_INT_RGB, 2);
        t.translate(img);
        t.close();
        t.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> t.translate(img));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());

        assertEquals(Direction.B_TO_A, Direction.parse("btoa"));
        assertThrows(IllegalArgumentException.class, () -> Direction.parse("sideways"));
    }
}
