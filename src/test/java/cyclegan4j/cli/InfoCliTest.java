package cyclegan4j.cli;

import org.junit.jupiter.api.Test;

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
}
