package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The GPU parity cases, run without a GPU: the CUDA backend's kernels (kernels/*.cu, compiled as
 * host C++ by kernels/emu/) with the backend's own launch shapes and argument lists (KernelOps),
 * against the CPU reference. Checks the kernels' index arithmetic, ragged tails, reductions and
 * arithmetic order; not cuDNN, not the JCuda calls, not real-GPU rounding or speed (those need the
 * GPU tests). The heaviest cases (big convolutions, 5M-element reductions) are left to the GPU.
 * Skipped where g++ is missing.
 */
class KernelEmulationTest {

    private static Path work;
    private static EmulatedBackend emu;

    private static boolean have(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @BeforeAll
    static void buildEmulator() throws Exception {
        if (!have("g++")) {
            return;
        }
        work = Files.createTempDirectory("cyclegan4j-emu");
        Path exe = work.resolve("emulator");
        Process p = new ProcessBuilder("g++", "-std=c++20", "-O2", "-pthread", "-ffp-contract=off", "-fno-strict-aliasing", "-o", exe.toString(),
                Paths.get("kernels", "emu", "emulator.cpp").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("building the kernel emulator failed:\n" + out);
        }
        emu = new EmulatedBackend(exe, work);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (emu != null && emu.launches > 100) { // the whole class ran, not a single case
            assertEquals(EnumSet.allOf(KernelSpec.class), emu.launched, "kernels never exercised by the emulated cases");
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static List<ParityCases.Case> cases() {
        return ParityCases.all().stream().filter(c -> !c.heavy()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void emulatedKernelsMatchCpu(ParityCases.Case c) {
        assumeTrue(emu != null, "g++ not installed");
        long live = emu.liveBuffers();
        try (Parity p = new Parity(emu, "emulated " + c.label(), c.label().hashCode())) {
            c.body().run(p);
        }
        assertEquals(live, emu.liveBuffers());
    }
}
