package cyclegan4j.cli;

import cyclegan4j.cli.Trainer.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training from Java: train's options, every step to a listener, stop(), and how the run ended. */
class TrainerApiTest {

    @TempDir
    Path tmp;

    @Test
    void everyStepReachesTheListenerAsLossCsvLogsIt() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        List<Trainer.Step> steps = new ArrayList<>();
        Trainer t = Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs"), "--max-steps", "3")).onStep(steps::add);
        assertEquals(Outcome.MAX_STEPS, t.run());
        assertTrue(Files.exists(t.latest()));
        assertEquals(3, steps.size());
        List<String> log = Files.readAllLines(tmp.resolve("runs/t/loss.csv"));
        List<String> header = List.of(log.get(0).split(","));
        for (int i = 0; i < 3; i++) {
            Trainer.Step s = steps.get(i);
            String[] row = log.get(i + 1).split(",");
            assertEquals(i + 1, s.step());
            assertEquals(Long.parseLong(row[header.indexOf("step")]), s.step());
            assertEquals(Integer.parseInt(row[header.indexOf("epoch")]), s.epoch(), "numbered as in loss.csv");
            assertEquals(Integer.parseInt(row[header.indexOf("iteration")]), s.iteration());
            assertEquals(String.format(Locale.ROOT, "%.6f", s.losses().g()), row[header.indexOf("loss_G")]);
            assertTrue(s.losses().gradients() != null && s.losses().gradients().g() > 0, "train's gradient norms come along");
        }
    }

    @Test
    void theRunReportSaysHowLongIsLeft() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 3);
        Trainer t = Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs"), "--sample-every", "1", "--max-steps", "5"));
        List<String> pages = new ArrayList<>();
        t.onStep(s -> {
            try { // the page as the step before rewrote it
                pages.add(Files.readString(tmp.resolve("runs/t/index.html")));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(Outcome.MAX_STEPS, t.run());
        assertTrue(pages.get(2).matches("(?s).*training: epoch 1/2, iteration 2/3, step 2; device cpu; [0-9.]+ s/step over the "
                + "last 1 steps, about \\d\\d:\\d\\d left.*"), pages.get(2));
        assertTrue(!Files.readString(tmp.resolve("runs/t/index.html")).contains(" left"), "nothing is left when --max-steps ends it");
    }

    @Test
    void stopSavesAfterTheCurrentStepAndResumeGoesOn() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 3);
        Trainer t = Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs")));
        List<Long> seen = new ArrayList<>();
        t.onStep(s -> {
            seen.add(s.step());
            if (s.step() == 2) {
                t.stop();
            }
        });
        assertEquals(Outcome.STOPPED, t.run());
        assertEquals(List.of(1L, 2L), seen);

        List<Long> more = new ArrayList<>();
        Trainer resumed = Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs"), "--resume")).onStep(s -> more.add(s.step()));
        assertEquals(Outcome.FINISHED, resumed.run());
        assertEquals(List.of(3L, 4L, 5L, 6L), more, "2 epochs of 3 steps, from step 3 on");

        // a stop() ends one run(): the next run() of the same (resuming) Trainer trains on
        assertEquals(Outcome.MAX_STEPS, Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs2"), "--max-steps", "1")).run());
        Trainer twice = Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs2"), "--resume"));
        List<Long> steps = new ArrayList<>();
        twice.onStep(s -> {
            steps.add(s.step());
            if (s.step() == 2) {
                twice.stop();
            }
        });
        assertEquals(Outcome.STOPPED, twice.run());
        assertEquals(Outcome.FINISHED, twice.run());
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L), steps);
    }

    @Test
    void divergenceAndBadOptionsAreSaidPlainly() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Trainer t = Trainer.fromOptions(CliHarness.QUIET, new PrintStream(err, true), CliHarness.tinyTrainOptions(data, tmp.resolve("runs"), "--lr", "1e30", "--max-steps", "20"));
        assertEquals(Outcome.DIVERGED, t.run());
        assertTrue(err.toString().contains("training stopped"), err.toString());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs2"), "--epochs", "0")));
        assertTrue(bad.getMessage().contains("--epochs must be positive"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, "--name", "x")); // no --dataroot
        // the README's example: --epochs alone, the decay from half of it
        Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, "--dataroot", data.toString(), "--name", "h2z", "--epochs", "5", "--device", "cpu");
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class, () -> Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET,
                "--dataroot", data.toString(), "--name", "h2z", "--epochs", "5", "--decay-epoch", "5"));
        assertTrue(late.getMessage().contains("--decay-epoch must be in [0, --epochs), got 5 with 5 epochs"), late.getMessage());
        IllegalArgumentException beta = assertThrows(IllegalArgumentException.class, () -> Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET,
                "--dataroot", data.toString(), "--name", "h2z", "--beta1", "1.5"));
        assertTrue(beta.getMessage().contains("--beta1 and --beta2 must be in [0, 1)"), beta.getMessage());
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class, () -> Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET,
                "--dataroot", data.toString(), "--name", "h2z", "--device", "tpu"));
        assertTrue(device.getMessage().contains("--device must be auto, cpu, cuda or cuda:N"), device.getMessage());
        Trainer fine = Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, "--dataroot", data.toString(), "--name", "h2z");
        assertThrows(NullPointerException.class, () -> fine.onStep(null));
        assertThrows(NullPointerException.class, () -> Trainer.fromOptions(null, CliHarness.QUIET, "--dataroot", data.toString(), "--name", "x"));
        assertEquals(Outcome.MAX_STEPS, Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs3"), "--max-steps", "1")).run());
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
                () -> Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, tmp.resolve("runs3"))).run());
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
    }
}
