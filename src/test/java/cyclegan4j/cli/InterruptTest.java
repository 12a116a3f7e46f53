package cyclegan4j.cli;

import cyclegan4j.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C (SIGINT) during training saves a checkpoint that --resume continues; after a crash, the last autosave does. */
class InterruptTest {

    @TempDir
    Path tmp;

    private Process startTraining(Path data, Path out, int steps, String... extra) throws Exception {
        return CliHarness.startTraining(tmp, data, out, steps, extra);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aCrashLosesOnlyTheStepsSinceTheLastAutosave() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 40);
        Path out = tmp.resolve("runs");
        Process p = startTraining(data, out, 4, "--autosave-minutes", "0.0001"); // after every step
        p.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));

        long saved = Checkpoint.load(out.resolve("t/checkpoints/latest.safetensors")).getLong("step");
        assertTrue(saved >= 3, "an autosave from the last steps, got step " + saved);
        CliHarness.Result resumed = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--max-steps", Long.toString(saved + 2)));
        assertEquals(0, resumed.code(), resumed.toString());
        assertTrue(resumed.out().contains("step " + saved), resumed.toString());
        assertEquals(saved + 2, Files.readAllLines(out.resolve("t/loss.csv")).size() - 1, "one log line per step, none twice");
    }

    /**
     * Sends {@code signal} to a training process: it must say at once that it stops after the current
     * step, exit with {@code exitCode} and leave a checkpoint that holds every logged step; returns that step.
     */
    private long signalSavesACheckpoint(Path data, Path out, String signal, int exitCode) throws Exception {
        Process p = startTraining(data, out, 2);
        Path log = tmp.resolve("stderr.txt"), csv = out.resolve("t/loss.csv");
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the trainer stops after SIG" + signal);
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(exitCode, p.exitValue(), err);
        assertTrue(err.contains("stopping: finishing the current step, then saving a checkpoint (waiting at most 120 s)"),
                "said at once: " + err);
        assertTrue(err.contains("interrupted: checkpoint saved"), err);
        long saved = Checkpoint.load(out.resolve("t/checkpoints/latest.safetensors")).getLong("step");
        assertEquals(Files.readAllLines(csv).size() - 1, saved, "the checkpoint holds every logged step");
        return saved;
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void ctrlCSavesACheckpointAndResumeContinues() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 40);
        Path out = tmp.resolve("runs");
        long saved = signalSavesACheckpoint(data, out, "INT", Trainer.INTERRUPTED);
        CliHarness.Result resumed = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--max-steps", Long.toString(saved + 1)));
        assertEquals(0, resumed.code(), resumed.toString());
        assertTrue(resumed.out().contains("step " + saved), resumed.toString());
    }

    /** SIGTERM, what `timeout`, SLURM, Kubernetes and systemd send before SIGKILL: as Ctrl-C, exit 143 (128 + 15). */
    @Test
    @EnabledOnOs(OS.LINUX)
    void sigtermSavesACheckpointAsCtrlCDoes() throws Exception {
        signalSavesACheckpoint(CliHarness.dataset(tmp.resolve("data"), 40), tmp.resolve("runs"), "TERM", 143);
    }
}
