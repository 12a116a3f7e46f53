package cyclegan4j.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import cyclegan4j.ImageTranslator;
import cyclegan4j.data.ImageCodec;
import cyclegan4j.data.Transforms;
import cyclegan4j.io.Checkpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `export`: the generators alone, which translate reads as it reads the full checkpoint. */
class ExportCliTest {

    @TempDir
    Path tmp;
    private Path checkpoint, image;

    @BeforeEach
    void trainTinyModel() throws Exception {
        checkpoint = CliHarness.tinyCheckpoint(CliHarness.dataset(tmp.resolve("data"), 2), tmp.resolve("runs"), 1);
        image = tmp.resolve("in/x.png");
        CliHarness.writeImage(image, 19, 11, 3);
    }

    private static int[] pixels(Path png) throws java.io.IOException {
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private CliHarness.Result translate(Path ck, String direction, String outDir) {
        return CliHarness.run("translate", "--checkpoint", ck.toString(), "--direction", direction,
                "--input", image.toString(), "--output", tmp.resolve(outDir).toString(), "--device", "cpu");
    }

    @Test
    void anOnnxExportRunsInOnnxRuntimeAsTranslateDoes() throws Exception {
        Path onnx = tmp.resolve("g_ab.onnx");
        CliHarness.Result both = CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output", onnx.toString());
        assertEquals(2, both.code(), both.toString());
        assertTrue(both.err().contains("an ONNX file holds one generator: pass --direction AtoB or BtoA"), both.toString());

        CliHarness.Result r = CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output", onnx.toString(),
                "--direction", "BtoA");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("G_BA as ONNX (opset 13)"), r.toString());

        Path square = tmp.resolve("in/square.png"); // a size the model takes as it is: H, W multiples of 4
        CliHarness.writeImage(square, 20, 12, 5);
        ImageCodec.Planes img = ImageCodec.read(square, 1);
        float[] ours;
        try (ImageTranslator t = ImageTranslator.open(checkpoint, ImageTranslator.Direction.B_TO_A, "cpu")) {
            ours = t.apply(img);
        }
        float[] x = new float[img.data().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Transforms.normalize(img.data()[i]);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[]{1, 1, 12, 20});
             OrtSession.Result out = session.run(Map.of(ImageTranslator.ONNX_INPUT, in))) {
            assertEquals(ImageTranslator.ONNX_OUTPUT, session.getOutputNames().iterator().next());
            assertEquals("BtoA", session.getMetadata().getCustomMetadata().get("direction"));
            assertEquals("1", session.getMetadata().getCustomMetadata().get("option.channels"), "the run's options come along");
            FloatBuffer y = ((OnnxTensor) out.get(0)).getFloatBuffer();
            assertEquals(ours.length, y.remaining());
            for (int i = 0; i < ours.length; i++) {
                assertEquals(ours[i], y.get(i), 1e-4, "pixel " + i);
            }
        }
    }

    @Test
    void bothGeneratorsTranslateAsTheCheckpointDoes() throws Exception {
        Path export = tmp.resolve("g.safetensors");
        CliHarness.Result r = CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output", export.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("G_AB and G_BA"), r.toString());

        Checkpoint full = Checkpoint.load(checkpoint), gens = Checkpoint.load(export);
        for (String name : full.tensors().keySet()) {
            boolean generator = name.startsWith("G_AB.") || name.startsWith("G_BA.");
            assertEquals(generator, gens.hasTensor(name), name);
            if (generator) {
                assertEquals(full.tensor(name), gens.tensor(name), name);
            }
        }
        assertEquals(full.metadataWithPrefix("option."), gens.metadataWithPrefix("option."));
        assertEquals(full.metadata().get("step"), gens.metadata().get("step"));
        assertFalse(gens.hasMetadata("iteration"), "no training position: the export cannot resume");
        assertTrue(Files.size(export) < Files.size(checkpoint) / 2, Files.size(export) + " vs " + Files.size(checkpoint));

        for (String direction : new String[]{"AtoB", "BtoA"}) {
            assertEquals(0, translate(checkpoint, direction, "full" + direction).code());
            assertEquals(0, translate(export, direction, "export" + direction).code());
            // the pixels: each PNG's note names the checkpoint it was made with, so the files differ there
            assertArrayEquals(pixels(tmp.resolve("full" + direction + "/x.png")), pixels(tmp.resolve("export" + direction + "/x.png")),
                    direction);
        }
    }

    @Test
    void oneDirectionHoldsOneGeneratorAndTranslateSaysWhichIsMissing() throws Exception {
        Path export = tmp.resolve("ab.safetensors");
        assertEquals(0, CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output", export.toString(),
                "--direction", "AtoB").code());
        Checkpoint gens = Checkpoint.load(export);
        assertTrue(gens.tensors().keySet().stream().allMatch(n -> n.startsWith("G_AB.")), gens.tensors().keySet().toString());
        assertEquals(0, translate(export, "AtoB", "ab").code());
        CliHarness.Result wrong = translate(export, "BtoA", "ba");
        assertEquals(1, wrong.code(), wrong.toString());
        assertTrue(wrong.err().contains("holds only the G_AB generator"), wrong.toString());
    }

    @Test
    void infoDescribesACheckpointAndItsExport() throws Exception {
        CliHarness.Result r = CliHarness.run("info", "--checkpoint", checkpoint.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("contents:  a training checkpoint") && r.out().contains("position:  after step 1; next: epoch 1, iteration 2 ")
                && r.out().contains("G_AB:      1 channel(s), 1 residual blocks, ngf 64, nearest upsampling; ")
                && r.out().contains("D_B:       1 channel(s), ndf 64, pytorch-gan layout; ")
                && r.out().contains(" crop_size=32 "), r.toString());

        Path export = tmp.resolve("ba.safetensors");
        assertEquals(0, CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output", export.toString(),
                "--direction", "BtoA").code());
        CliHarness.Result e = CliHarness.run("info", "--checkpoint", export.toString());
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().contains("generators only (translate, evaluate and export read it, exported from latest.safetensors)")
                && e.out().contains("G_BA:") && !e.out().contains("G_AB:") && !e.out().contains("D_A:"), e.toString());

        CliHarness.Result none = CliHarness.run("info", "--checkpoint", tmp.resolve("none").toString());
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("--checkpoint: no such file"), none.toString());
        CliHarness.Result notOne = CliHarness.run("info", "--checkpoint", image.toString());
        assertEquals(1, notOne.code(), notOne.toString());
        assertTrue(notOne.err().contains("an image, not a safetensors checkpoint"), notOne.toString());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(2, CliHarness.run("export", "--checkpoint", checkpoint.toString()).code(), "no --output");
        assertEquals(2, CliHarness.run("export", "--checkpoint", tmp.resolve("none").toString(), "--output",
                tmp.resolve("o").toString()).code());
        assertEquals(2, CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output",
                tmp.resolve("o").toString(), "--direction", "sideways").code());
        CliHarness.Result self = CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output", checkpoint.toString());
        assertEquals(2, self.code(), self.toString());
        assertTrue(self.err().contains("checkpoint itself"), self.toString());
        CliHarness.Result folder = CliHarness.run("export", "--checkpoint", checkpoint.toString(), "--output", tmp.toString(),
                "--direction", "AtoB");
        assertEquals(2, folder.code(), folder.toString());
        assertTrue(folder.err().contains("--output: " + tmp + " is a folder: name the file to write in it"), folder.toString());
    }
}
