package cyclegan4j.cli;

import cyclegan4j.cli.Trainer.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One train per run folder: a second one is refused instead of interleaving loss.csv and checkpoints; leftovers of a kill go. */
class RunLockTest {

    @TempDir
    Path tmp;

    @Test
    void aSecondTrainOfTheSameRunIsRefusedWhileTheFirstTrains() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 3);
        Path out = tmp.resolve("runs");
        CountDownLatch firstStep = new CountDownLatch(1), release = new CountDownLatch(1);
        Trainer first = Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, out, "--max-steps", "3")).onStep(s -> {
            firstStep.countDown();
            try {
                assertTrue(release.await(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> {
            try {
                return first.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertTrue(firstStep.await(60, TimeUnit.SECONDS), "the first run trains");
            // the same command again (no checkpoint exists yet, so only the lock can tell)
            Trainer second = Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, out, "--max-steps", "3"));
            UsageException e = assertThrows(UsageException.class, second::run);
            assertTrue(e.getMessage().contains("run 't' in ") && e.getMessage().contains(" is in use by another Trainer"), e.getMessage());
        } finally {
            release.countDown();
        }
        assertEquals(Outcome.MAX_STEPS, running.get(60, TimeUnit.SECONDS));
        List<String> log = Files.readAllLines(out.resolve("t/loss.csv"));
        assertEquals(List.of("1", "2", "3"), log.stream().skip(1).map(l -> l.split(",")[2]).toList(), "each step once");

        // once the first has ended, the run is free again
        assertEquals(Outcome.MAX_STEPS, Trainer.fromOptions(CliHarness.QUIET, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, out, "--resume", "--max-steps", "4")).run());
    }

    /** Another process's lock, which the operating system holds (the test above meets this JVM's own bookkeeping first). */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aTrainInAnotherProcessHoldsTheRun() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 40);
        Path out = tmp.resolve("runs");
        Process other = CliHarness.startTraining(tmp, data, out, 2, "--autosave-minutes", "0.0001"); // a checkpoint to resume
        try {
            CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume"));
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("is in use by another train process (pid " + other.pid()), r.toString());
        } finally {
            other.destroyForcibly();
            other.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aResumeRemovesThePartialFilesAKilledRunLeft() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 3);
        Path out = tmp.resolve("runs");
        CliHarness.tinyCheckpoint(data, out, 1);
        Path run = out.resolve("t");
        Path partial = run.resolve("checkpoints/.latest.safetensors.3f2a9c01d4e5b6a7.tmp");
        Files.write(partial, new byte[1_000_000]);
        Files.writeString(run.resolve(".index.html.ab.tmp"), "<html");
        Path keep = run.resolve("checkpoints/notes.tmp"); // not one of ours
        Files.writeString(keep, "mine");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream said = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertEquals(Outcome.MAX_STEPS, Trainer.fromOptions(said, CliHarness.QUIET, CliHarness.tinyTrainOptions(data, out, "--resume", "--max-steps", "2")).run());
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(run.resolve(".index.html.ab.tmp")));
        assertTrue(Files.exists(keep));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("removed 2 unfinished file(s) (1.0 MB)"), bytes.toString());
    }
}
