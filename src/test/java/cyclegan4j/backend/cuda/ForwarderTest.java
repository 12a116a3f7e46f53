package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The forwarding libraries (trap 2) and the renamed JCudnn native (trap 1), without a GPU: on fake
 * libraries first, then with JCuda's real JNI natives against fake libcudnn.so.9 / libcublas.so.13.
 * Skipped where gcc or readelf is missing.
 */
class ForwarderTest {

    private static final Path COMPAT = Paths.get("kernels", "compat");

    private static boolean have(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> cmd, Path dir, String ldLibraryPath) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (ldLibraryPath != null) {
            pb.environment().put("LD_LIBRARY_PATH", ldLibraryPath);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), "command " + cmd + " failed:\n" + out);
        return out;
    }

    @Test
    void forwarderMechanismOnFakeLibraries(@TempDir Path tmp) throws Exception {
        assumeTrue(have("gcc") && have("readelf"), "gcc/readelf not installed");
        String out = run(List.of("bash", COMPAT.resolve("test-forwarder.sh").toString(), tmp.toString()), null, null);
        assertTrue(out.contains("forwarder test: OK"), out);
    }

    private static void gcc(Path dir, String soname, String source) throws Exception {
        Path c = dir.resolve(soname + ".c");
        Files.writeString(c, source);
        run(List.of("gcc", "-shared", "-fPIC", "-o", dir.resolve(soname).toString(), c.toString(), "-Wl,-soname," + soname), null, null);
    }

    private static void forwarder(Path out, String old, String modern) throws Exception {
        Path src = out.resolve("src");
        run(List.of("bash", COMPAT.resolve("gen-forwarder.sh").toString(), old, modern,
                COMPAT.resolve(old + ".symbols").toString(), src.toString()), null, null);
        run(List.of("gcc", "-O2", "-shared", "-fPIC", "-o", out.resolve(old).toString(), src.resolve(old + ".c").toString(),
                "-Wl,-soname," + old, "-Wl,--version-script=" + src.resolve(old + ".map"), "-ldl"), null, null);
    }

    @Test
    void realJCudaNativesLoadThroughForwarders(@TempDir Path tmp) throws Exception {
        assumeTrue(have("gcc") && have("readelf"), "gcc/readelf not installed");
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "JCuda natives are x86-64");
        Path fake = Files.createDirectories(tmp.resolve("fake"));
        Path compat = Files.createDirectories(tmp.resolve("compat"));
        gcc(fake, "libcudnn.so.9", "unsigned long cudnnGetVersion(void) { return 91400; }\n"
                + "const char *cudnnGetErrorString(int s) { return \"fake\"; }\n");
        gcc(fake, "libcublasLt.so.13", "int cublasLtFake(void) { return 0; }\n");
        gcc(fake, "libcublas.so.13", "int cublasCreate_v2(void **h) { *h = (void *) 0x1234; return 0; }\n"
                + "int cublasGetVersion_v2(void *h, int *v) { *v = 130100; return 0; }\n");
        forwarder(compat, "libcudnn.so.8", "libcudnn.so.9");
        forwarder(compat, "libcublas.so.12", "libcublas.so.13");

        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dcyclegan4j.compatDir=" + compat);
        cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jni"))); // JCuda extracts its natives here
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FakeCudaLibsMain.class.getName());
        String out = run(cmd, null, fake.toString());
        assertTrue(out.contains("cudnn note: libcudnn.so.8 forwarded to " + fake.resolve("libcudnn.so.9")), out);
        assertTrue(out.contains("cudnn version 91400"), out);
        assertTrue(out.contains("cublas create 0 version 130100"), out);
    }
}
