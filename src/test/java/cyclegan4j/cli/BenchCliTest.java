package cyclegan4j.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCliTest {

    private static CliHarness.Result bench(String... extra) {
        String[] base = {"bench", "--device", "cpu", "--size", "32", "--n-residual-blocks", "1", "--channels", "1",
                "--warmup", "1", "--steps", "2"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliHarness.run(args);
    }

    @Test
    void timesTheStepWithAndWithoutGradientNorms() {
        CliHarness.Result plain = bench();
        assertEquals(0, plain.code(), plain.toString());
        assertTrue(plain.out().contains("training step: median"), plain.toString());
        assertTrue(plain.out().contains("generator inference"), plain.toString());
        assertFalse(plain.out().contains("gradient norms"), plain.toString());
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"))) { // Linux
            assertTrue(plain.out().matches("(?s).*process peak resident memory: [1-9][0-9]*\\.[0-9] MiB.*"), plain.toString());
        }

        CliHarness.Result norms = bench("--grad-norms");
        assertEquals(0, norms.code(), norms.toString());
        assertTrue(norms.out().contains("with gradient norms"), norms.toString());

        CliHarness.Result photo = bench("--size", "48x32"); // a non-square step, as --preprocess none trains
        assertEquals(0, photo.code(), photo.toString());
        assertTrue(photo.out().contains("device cpu, 48x32, batch 1"), photo.toString());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(2, bench("--size", "30").code());
        CliHarness.Result side = bench("--size", "48x30");
        assertEquals(2, side.code(), side.toString());
        assertTrue(side.err().contains("--size: each side must be a multiple of 4 and at least 32, got 48x30"), side.toString());
        CliHarness.Result word = bench("--size", "big");
        assertEquals(2, word.code(), word.toString());
        assertTrue(word.err().contains("--size must be a number of pixels or WxH"), word.toString());
        assertEquals(2, bench("--steps", "0").code());
        CliHarness.Result device = bench("--device", "cuda:x");
        assertEquals(2, device.code(), device.toString());
        assertTrue(device.err().contains("cuda:N"), device.toString());
        CliHarness.Result profile = bench("--profile"); // the CPU has no profiler to start
        assertEquals(2, profile.code(), profile.toString());
        assertTrue(profile.err().contains("--profile needs the CUDA backend"), profile.toString());
        CliHarness.Result huge = bench("--size", "100000"); // 3e10 values: the array's size wrapped to -64771072
        assertEquals(2, huge.code(), huge.toString());
        assertTrue(huge.err().contains("--batch-size 1 of 100000x100000 images holds more values than a Java array"), huge.toString());
    }
}
