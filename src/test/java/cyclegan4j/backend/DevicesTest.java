package cyclegan4j.backend;

import cyclegan4j.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Device selection; the fallback half runs on machines without a CUDA driver (CI, developers). */
class DevicesTest {

    private static boolean driverInstalled() {
        for (String d : new String[]{"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu"}) {
            if (Files.exists(Path.of(d, "libcuda.so.1"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void cpuIsAlwaysAvailable() {
        Devices.Selection s = Devices.select("cpu");
        assertSame(CpuBackend.get(), s.backend());
        assertEquals("cpu (as requested)", s.reason());
    }

    @Test
    void autoFallsBackToCpuWithOneLineReasonWithoutDriver() {
        assumeFalse(driverInstalled(), "this machine has a CUDA driver");
        Devices.Selection s = Devices.select("auto");
        assertSame(CpuBackend.get(), s.backend());
        assertTrue(s.reason().startsWith("cpu: CUDA not used: "), s.reason());
        assertTrue(s.reason().contains("no CUDA driver"), s.reason());
        assertTrue(!s.reason().contains("\n"), "one line: " + s.reason());
        // asking again gives the same answer (the failure is remembered, not retried)
        assertEquals(s.reason(), Devices.select("AUTO").reason());
    }

    @Test
    void explicitCudaFailsWithTheReason() {
        assumeFalse(driverInstalled(), "this machine has a CUDA driver");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.select("cuda"));
        assertTrue(e.getMessage().startsWith("--device cuda: "), e.getMessage());
        assertTrue(e.getMessage().contains("no CUDA driver"), e.getMessage());
    }

    @Test
    void aNumberedGpuFailsWithTheReasonWithoutDriver() {
        assumeFalse(driverInstalled(), "this machine has a CUDA driver");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.select("CUDA:1"));
        assertTrue(e.getMessage().startsWith("--device cuda:1: "), e.getMessage());
        assertTrue(e.getMessage().contains("no CUDA driver"), e.getMessage());
    }

    @Test
    void unknownDeviceIsRejected() {
        for (String bad : new String[]{"tpu", "cuda:", "cuda:-1", "cuda:x", "cuda1", "cpu:0", "cuda:0:1"}) {
            assertTrue(!Devices.isValid(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> Devices.select(bad), bad);
        }
        for (String good : new String[]{"auto", "cpu", "cuda", "gpu", "cuda:0", "Cuda:12", "gpu:3"}) {
            assertTrue(Devices.isValid(good), good);
        }
    }
}
