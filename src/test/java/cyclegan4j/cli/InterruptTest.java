package cyclegan4j.cli;

import cyclegan4j.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C (SIGINT) during training saves a checkpoint that --resume continues. */
class InterruptTest {

    @TempDir
    Path tmp;

    @Test
    @EnabledOnOs(OS.LINUX)
    void ctrlCSavesACheckpointAndResumeContinues() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 40);
        Path out = tmp.resolve("runs");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(CliHarness.tinyTrain(data, out)));
        Path log = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
        Path csv = out.resolve("t/loss.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((!Files.exists(csv) || Files.readAllLines(csv).size() < 3) && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(100);
        }
        assertTrue(p.isAlive(), "training ended early: " + Files.readString(log));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the trainer stops after Ctrl-C");
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(err.contains("interrupted: checkpoint saved"), err);

        Checkpoint ck = Checkpoint.load(out.resolve("t/checkpoints/latest.safetensors"));
        long saved = ck.getLong("step");
        assertEquals(Files.readAllLines(csv).size() - 1, saved, "the checkpoint holds every logged step");
        CliHarness.Result resumed = CliHarness.run(CliHarness.tinyTrain(data, out, "--resume", "--max-steps", Long.toString(saved + 1)));
        assertEquals(0, resumed.code(), resumed.toString());
        assertTrue(resumed.out().contains("step " + saved), resumed.toString());
    }
}
