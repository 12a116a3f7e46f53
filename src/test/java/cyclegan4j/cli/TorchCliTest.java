package cyclegan4j.cli;

import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.TorchFileTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch generators (.pth) used as they are: the tiny generators of both layouts that
 * make_fixtures.py saved (the authors' in PyTorch's legacy format with pre-0.4 instance norm
 * statistics, PyTorch-GAN's through DataParallel in the zip format) translate its input.png as
 * PyTorch did, within one level of 255.
 */
class TorchCliTest {

    @TempDir
    Path tmp;

    private Path fixture(String name) throws IOException {
        return TorchFileTest.fixture(tmp, name);
    }

    /** Translates input.png with {@code checkpoint} and checks it against {@code expectedPng}: at most one level apart. */
    private void translateAndCompare(Path checkpoint, String direction, String expectedPng) throws IOException {
        Path input = fixture("input.png");
        Path out = tmp.resolve("out-" + checkpoint.getFileName() + "-" + direction);
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", checkpoint.toString(), "--direction", direction,
                "--input", input.toString(), "--output", out.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.toString());
        BufferedImage ours = ImageIO.read(out.resolve("input.png").toFile());
        BufferedImage theirs = ImageIO.read(fixture(expectedPng).toFile());
        assertEquals(theirs.getWidth(), ours.getWidth());
        assertEquals(theirs.getHeight(), ours.getHeight());
        int worst = 0;
        for (int y = 0; y < ours.getHeight(); y++) {
            for (int x = 0; x < ours.getWidth(); x++) {
                int a = ours.getRGB(x, y), b = theirs.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)));
                }
            }
        }
        assertTrue(worst <= 1, checkpoint.getFileName() + " " + direction + " against " + expectedPng + ": " + worst + " levels apart");
    }

    @Test
    void translatesWithBothLayoutsAsPyTorchDoes() throws IOException {
        Path authors = fixture("authors_G.pth"), gan = fixture("pytorchgan_G.pth");
        translateAndCompare(authors, "AtoB", "authors_G_out.png");
        translateAndCompare(authors, "BtoA", "authors_G_out.png"); // a lone generator serves either direction
        translateAndCompare(gan, "AtoB", "pytorchgan_G_out.png");
        // a bare state_dict in safetensors (save_file(G.state_dict(), f)) is one generator alone too
        Path bare = tmp.resolve("bare.safetensors");
        Checkpoint.load(gan).save(bare);
        translateAndCompare(bare, "BtoA", "pytorchgan_G_out.png");

        CliHarness.Result info = CliHarness.run("info", "--checkpoint", authors.toString());
        assertEquals(0, info.code(), info.toString());
        assertTrue(info.out().contains("one network alone") && info.out().contains("a generator, 3 channel(s), 1 residual blocks, ngf 2,"
                + " transposed upsampling"), info.toString());
    }

    @Test
    void exportNamesALoneGeneratorAsTheDirectionSays() throws IOException {
        Path gan = fixture("pytorchgan_G.pth"), export = tmp.resolve("g_ba.safetensors");
        CliHarness.Result both = CliHarness.run("export", "--checkpoint", gan.toString(), "--output", export.toString());
        assertEquals(2, both.code(), both.toString());
        assertTrue(both.err().contains("pass --direction AtoB or BtoA to say which it is"), both.toString());

        CliHarness.Result r = CliHarness.run("export", "--checkpoint", gan.toString(), "--direction", "BtoA", "--output", export.toString());
        assertEquals(0, r.code(), r.toString());
        CliHarness.Result info = CliHarness.run("info", "--checkpoint", export.toString());
        assertTrue(info.out().contains("G_BA:") && info.out().contains("channels=1") && info.out().contains("upsampling=nearest"), info.toString());
        translateAndCompare(export, "BtoA", "pytorchgan_G_out.png");
        CliHarness.Result wrong = CliHarness.run("translate", "--checkpoint", export.toString(), "--direction", "AtoB",
                "--input", fixture("input.png").toString(), "--output", tmp.resolve("o").toString(), "--device", "cpu");
        assertEquals(1, wrong.code(), "the export knows its direction: " + wrong);

        Path onnx = tmp.resolve("g.onnx");
        assertEquals(0, CliHarness.run("export", "--checkpoint", gan.toString(), "--direction", "AtoB", "--output", onnx.toString()).code());
        assertTrue(Files.size(onnx) > 1000);
    }

    @Test
    void whatNeedsNamedNetworksRefusesALoneOneAndWholeModelsAreRefused() throws IOException {
        Path authors = fixture("authors_G.pth");
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        Files.createDirectories(data.resolve("testA"));
        Files.createDirectories(data.resolve("testB"));
        CliHarness.writeImage(data.resolve("testA/1.png"), 8, 8, 1);
        CliHarness.writeImage(data.resolve("testB/1.png"), 8, 8, 2);
        CliHarness.Result eval = CliHarness.run("evaluate", "--checkpoint", authors.toString(), "--dataroot", data.toString(), "--device", "cpu");
        assertEquals(2, eval.code(), eval.toString());
        assertTrue(eval.err().contains("holds one generator alone"), eval.toString());

        CliHarness.Result init = CliHarness.run(CliHarness.tinyTrain(data, tmp.resolve("runs"), "--init-from", authors.toString()));
        assertEquals(2, init.code(), init.toString());
        assertTrue(init.err().contains("--direction AtoB --output G_AB.safetensors"), init.toString());

        // generators under other names (the authors' G_A / G_B): the error says where they are
        CliHarness.Result names = CliHarness.run("translate", "--checkpoint", fixture("authors_names.pth").toString(),
                "--input", fixture("input.png").toString(), "--output", tmp.resolve("n").toString(), "--device", "cpu");
        assertEquals(1, names.code(), names.toString());
        assertTrue(names.err().contains("no tensor G_AB.model.1.weight") && names.err().contains("generators are under G_A., G_B."),
                names.toString());
        CliHarness.Result export = CliHarness.run("export", "--checkpoint", fixture("authors_names.pth").toString(), "--output",
                tmp.resolve("n.safetensors").toString());
        assertEquals(2, export.code(), export.toString());
        assertTrue(export.err().contains("generators are under G_A., G_B."), export.toString());
        CliHarness.Result none = CliHarness.run("translate", "--checkpoint", fixture("state_zip.pth").toString(),
                "--input", fixture("input.png").toString(), "--output", tmp.resolve("s").toString(), "--device", "cpu");
        assertTrue(none.code() == 1 && none.err().contains("the file holds no generator"), none.toString());

        CliHarness.Result whole = CliHarness.run("translate", "--checkpoint", fixture("whole_model.pth").toString(),
                "--input", fixture("input.png").toString(), "--output", tmp.resolve("w").toString(), "--device", "cpu");
        assertEquals(1, whole.code(), whole.toString());
        assertTrue(whole.err().contains("torch.nn.modules.conv.Conv2d") && whole.err().contains("model.state_dict()"), whole.toString());
        assertArrayEquals(new String[0], tmp.resolve("w").toFile().exists() ? tmp.resolve("w").toFile().list() : new String[0]);
    }
    /**
     * A run's files named as PyTorch-GAN (G_AB_3.pth, G_BA_3.pth), the authors' code
     * (latest_net_G_A.pth, latest_net_G_B.pth) or aitorzip's (netG_A2B.pth) name them: one of them is enough to find the others.
     */
    @Test
    void aRunsFilesAreFoundByTheirNames() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("saved_models"));
        Path gab = Files.copy(fixture("pytorchgan_G.pth"), run.resolve("G_AB_3.pth"));
        Path gba = Files.copy(gab, run.resolve("G_BA_3.pth"));

        // G_BA_3.pth given, AtoB asked: G_AB_3.pth beside it is used, and said so
        Path out = tmp.resolve("out-run");
        CliHarness.Result r = CliHarness.run("translate", "--checkpoint", gba.toString(), "--input", fixture("input.png").toString(),
                "--output", out.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("read G_AB_3.pth (G_AB), G_BA_3.pth (G_BA): a PyTorch run's networks, by their file names"),
                r.toString());
        assertEquals("cyclegan4j translate: G_AB of G_AB_3.pth", cyclegan4j.data.ImageWriter.text(out.resolve("input.png"), "cyclegan4j")
                .replaceAll(" \\(.*", ""), "the PNG names the file its generator came from");
        translateAndCompare(gba, "BtoA", "pytorchgan_G_out.png");

        // both generators for evaluate, from either file
        Path data = tmp.resolve("data");
        for (String d : new String[]{"testA", "testB"}) {
            CliHarness.writeImage(data.resolve(d + "/1.png"), 16, 16, d.length());
        }
        CliHarness.Result eval = CliHarness.run("evaluate", "--checkpoint", gab.toString(), "--dataroot", data.toString(), "--device", "cpu");
        assertEquals(0, eval.code(), eval.toString());
        assertTrue(eval.out().contains("read G_AB_3.pth (G_AB), G_BA_3.pth (G_BA)"), eval.toString());
        CliHarness.Result info = CliHarness.run("info", "--checkpoint", gba.toString());
        assertTrue(info.out().contains("run:       G_BA by its name; beside it: G_AB_3.pth (G_AB); missing: D_A_3.pth (D_A), D_B_3.pth (D_B)"),
                info.toString());
        // not "either --direction": translate takes G_AB from G_AB_3.pth, or refuses AtoB without it
        assertTrue(info.out().contains("contents:  one network alone (a PyTorch state_dict), named by its file (run, below): translate"
                + " uses it for --direction BtoA, and the run's G_AB file for the other"), info.toString());

        // --init-from takes every network the run's files hold
        CliHarness.Result init = CliHarness.run(CliHarness.tinyTrain(CliHarness.dataset(tmp.resolve("train"), 2), tmp.resolve("runs"),
                "--init-from", gab.toString(), "--ngf", "2", "--max-steps", "1"));
        assertEquals(0, init.code(), init.toString());
        assertTrue(init.out().contains("read G_AB_3.pth (G_AB), G_BA_3.pth (G_BA): a PyTorch run's networks")
                && init.out().contains("starting from G_AB, G_BA of " + gab), init.toString());

        // a generator's file alone, asked for the other direction: said so, not used for it
        Path lone = Files.createDirectories(tmp.resolve("lone")).resolve("G_BA_3.pth");
        Files.copy(gab, lone);
        CliHarness.Result wrong = CliHarness.run("translate", "--checkpoint", lone.toString(), "--input", fixture("input.png").toString(),
                "--output", tmp.resolve("o").toString(), "--device", "cpu");
        assertEquals(1, wrong.code(), wrong.toString());
        assertTrue(wrong.err().contains("holds only the G_BA generator (by its file name), and no file of G_AB lies beside it"),
                wrong.toString());

        // the authors' names: their G_B is our G_BA
        Path authors = Files.createDirectories(tmp.resolve("checkpoints"));
        Files.copy(gab, authors.resolve("latest_net_G_A.pth"));
        Files.copy(gab, authors.resolve("latest_net_G_B.pth"));
        Path both = tmp.resolve("both.safetensors");
        CliHarness.Result export = CliHarness.run("export", "--checkpoint", authors.resolve("latest_net_G_B.pth").toString(),
                "--output", both.toString());
        assertEquals(0, export.code(), export.toString());
        assertTrue(export.out().contains("read latest_net_G_A.pth (G_AB), latest_net_G_B.pth (G_BA)"), export.toString());
        CliHarness.Result exportInfo = CliHarness.run("info", "--checkpoint", both.toString());
        assertTrue(exportInfo.out().contains("latest_net_G_A.pth (G_AB), latest_net_G_B.pth (G_BA)"), exportInfo.toString());

        // aitorzip's PyTorch-CycleGAN: the authors' layout under netG_A2B.pth, netG_B2A.pth; its D_A judges A, as ours
        Path output = Files.createDirectories(tmp.resolve("output"));
        Path a2b = Files.copy(fixture("authors_G.pth"), output.resolve("netG_A2B.pth"));
        Files.copy(a2b, output.resolve("netG_B2A.pth"));
        translateAndCompare(a2b, "BtoA", "authors_G_out.png");
        CliHarness.Result aitorzip = CliHarness.run("info", "--checkpoint", a2b.toString());
        assertTrue(aitorzip.out().contains("run:       G_AB by its name; beside it: netG_B2A.pth (G_BA); missing: netD_A.pth (D_A), netD_B.pth (D_B)"),
                aitorzip.toString());
    }

    /** The other way: a generator exported to .pth translates as the file it came from (PyTorch's side: make parity-authors). */
    @Test
    void aGeneratorExportsToPth() throws IOException {
        Path gab = fixture("pytorchgan_G.pth");
        Path exported = tmp.resolve("exported.pth");
        CliHarness.Result toPth = CliHarness.run("export", "--checkpoint", gab.toString(), "--direction", "AtoB", "--output",
                exported.toString());
        assertEquals(0, toPth.code(), toPth.toString());
        assertTrue(toPth.out().contains("G_AB as a PyTorch state_dict") && toPth.out().contains("PyTorch-GAN's GeneratorResNet"),
                toPth.toString());
        translateAndCompare(exported, "AtoB", "pytorchgan_G_out.png");
        // a name that makes it the other generator is refused before anything is read or written
        Path misnamedFile = tmp.resolve("latest_net_G_B.pth");
        CliHarness.Result misnamed = CliHarness.run("export", "--checkpoint", gab.toString(), "--direction", "AtoB", "--output",
                misnamedFile.toString());
        assertEquals(2, misnamed.code(), misnamed.toString());
        assertTrue(misnamed.err().contains("latest_net_G_B.pth: its name makes it G_BA in a PyTorch run's files")
                && misnamed.err().contains("name it latest_net_G_A.pth, or pass --direction BtoA"), misnamed.toString());
        assertFalse(Files.exists(misnamedFile));
        CliHarness.Result aitorzip = CliHarness.run("export", "--checkpoint", gab.toString(), "--direction", "BtoA", "--output",
                tmp.resolve("netG_A2B.pth").toString());
        assertEquals(2, aitorzip.code(), aitorzip.toString());
        assertTrue(aitorzip.err().contains("name it netG_B2A.pth, or pass --direction AtoB"), aitorzip.toString());
        CliHarness.Result discriminator = CliHarness.run("export", "--checkpoint", gab.toString(), "--direction", "AtoB", "--output",
                tmp.resolve("D_A_3.pth").toString()); // no --direction writes a discriminator: only the name can change
        assertEquals(2, discriminator.code(), discriminator.toString());
        assertTrue(discriminator.err().contains("name it G_AB_3.pth (a generator's name)") && !discriminator.err().contains("BtoA"),
                discriminator.toString());
        assertFalse(toPth.err().contains("warning"), toPth.toString());
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.copy(gab, run.resolve("G_BA_1.pth"));
        CliHarness.Result both = CliHarness.run("export", "--checkpoint", Files.copy(gab, run.resolve("G_AB_1.pth")).toString(),
                "--output", tmp.resolve("both.pth").toString());
        assertEquals(2, both.code(), both.toString());
        assertTrue(both.err().contains("a PyTorch state_dict (.pth) holds one generator, as PyTorch's CycleGAN codes save them: pass"
                + " --direction AtoB or BtoA"), both.toString());
    }

    /** Two files of one generator each (the authors' released horse2zebra.pth and zebra2horse.pth) made one export. */
    @Test
    void twoLoneGeneratorsMakeOneExport() throws IOException {
        Path h2z = Files.copy(fixture("authors_G.pth"), tmp.resolve("horse2zebra.pth"));
        Path z2h = Files.copy(h2z, tmp.resolve("zebra2horse.pth"));
        Path both = tmp.resolve("both.safetensors");
        CliHarness.Result r = CliHarness.run("export", "--checkpoint", h2z.toString(), "--checkpoint-ba", z2h.toString(), "--output",
                both.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("G_AB and G_BA"), r.toString());
        translateAndCompare(both, "BtoA", "authors_G_out.png");
        translateAndCompare(both, "AtoB", "authors_G_out.png");
        CliHarness.Result info = CliHarness.run("info", "--checkpoint", both.toString());
        assertTrue(info.out().contains("horse2zebra.pth (G_AB), zebra2horse.pth (G_BA)"), info.toString());

        CliHarness.Result mixed = CliHarness.run("export", "--checkpoint", h2z.toString(), "--checkpoint-ba",
                fixture("pytorchgan_G.pth").toString(), "--output", tmp.resolve("mixed.safetensors").toString());
        assertEquals(2, mixed.code(), mixed.toString());
        assertTrue(mixed.err().contains("the two generators differ"), mixed.toString());
        CliHarness.Result onnx = CliHarness.run("export", "--checkpoint", h2z.toString(), "--checkpoint-ba", z2h.toString(), "--output",
                tmp.resolve("x.onnx").toString());
        assertEquals(2, onnx.code(), onnx.toString());
        assertTrue(onnx.err().contains("write it to a .safetensors file"), onnx.toString());
    }

    /** --checkpoint-ba's wrong uses are refused before anything is written: one file twice, a run's files swapped, its input as output. */
    @Test
    void checkpointBaRefusesWhatWouldSilentlyBeWrong() throws IOException {
        Path h2z = Files.copy(fixture("authors_G.pth"), tmp.resolve("horse2zebra.pth"));
        Path out = tmp.resolve("both.safetensors");
        CliHarness.Result twice = CliHarness.run("export", "--checkpoint", h2z.toString(), "--checkpoint-ba", h2z.toString(), "--output",
                out.toString());
        assertEquals(2, twice.code(), twice.toString());
        assertTrue(twice.err().contains("--checkpoint and --checkpoint-ba are the same file"), twice.toString());
        assertFalse(Files.exists(out));

        // a run's files given the other way round: the names say which generator each is
        Path run = Files.createDirectories(tmp.resolve("saved_models"));
        Path gab = Files.copy(h2z, run.resolve("G_AB_3.pth")), gba = Files.copy(h2z, run.resolve("G_BA_3.pth"));
        CliHarness.Result swapped = CliHarness.run("export", "--checkpoint", gba.toString(), "--checkpoint-ba", gab.toString(),
                "--output", out.toString());
        assertEquals(2, swapped.code(), swapped.toString());
        assertTrue(swapped.err().contains("its name makes it G_BA in a PyTorch run's files"), swapped.toString());
        assertTrue(swapped.err().contains("give it as --checkpoint-ba"), swapped.toString());
        assertFalse(Files.exists(out));
        Path authors = Files.copy(h2z, tmp.resolve("latest_net_G_A.pth"));
        CliHarness.Result authorsBa = CliHarness.run("export", "--checkpoint", h2z.toString(), "--checkpoint-ba", authors.toString(),
                "--output", out.toString());
        assertEquals(2, authorsBa.code(), authorsBa.toString());
        assertTrue(authorsBa.err().contains("its name makes it G_AB"), authorsBa.toString());
        CliHarness.Result inOrder = CliHarness.run("export", "--checkpoint", gab.toString(), "--checkpoint-ba", gba.toString(),
                "--output", out.toString());
        assertEquals(0, inOrder.code(), inOrder.toString());

        // the output is --checkpoint-ba's own file: refused, the file kept
        Path ba = tmp.resolve("g_ba.safetensors");
        assertEquals(0, CliHarness.run("export", "--checkpoint", h2z.toString(), "--direction", "BtoA", "--output", ba.toString()).code());
        byte[] before = Files.readAllBytes(ba);
        CliHarness.Result overwrite = CliHarness.run("export", "--checkpoint", h2z.toString(), "--checkpoint-ba", ba.toString(),
                "--output", ba.toString());
        assertEquals(2, overwrite.code(), overwrite.toString());
        assertTrue(overwrite.err().contains("--output is the --checkpoint-ba file itself"), overwrite.toString());
        assertArrayEquals(before, Files.readAllBytes(ba));
    }
}
