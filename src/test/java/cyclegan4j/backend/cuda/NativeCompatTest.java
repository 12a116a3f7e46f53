package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the forwarders are used: only when the old library is absent and the new one present. */
class NativeCompatTest {

    @Test
    void decidesFromWhatIsInstalled(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        List<Path> dirs = List.of(a, b);
        assertEquals(NativeCompat.Decision.MISSING, NativeCompat.decide("libcudnn.so.8", "libcudnn.so.9", dirs));
        Files.createFile(b.resolve("libcudnn.so.9"));
        assertEquals(NativeCompat.Decision.FORWARD, NativeCompat.decide("libcudnn.so.8", "libcudnn.so.9", dirs));
        Files.createFile(a.resolve("libcudnn.so.8"));
        assertEquals(NativeCompat.Decision.NATIVE, NativeCompat.decide("libcudnn.so.8", "libcudnn.so.9", dirs));
    }

    @Test
    void compatDirsHonourTheSystemProperty(@TempDir Path tmp) {
        String old = System.getProperty("cyclegan4j.compatDir");
        System.setProperty("cyclegan4j.compatDir", tmp.toString());
        try {
            assertEquals(tmp, NativeCompat.compatDirs().get(0));
            assertTrue(NativeCompat.compatDirs().contains(Path.of("target", "compat").toAbsolutePath()));
        } finally {
            if (old == null) {
                System.clearProperty("cyclegan4j.compatDir");
            } else {
                System.setProperty("cyclegan4j.compatDir", old);
            }
        }
    }

    @Test
    void reasonsAreOneLineAndNameTheMissingLibrary() {
        String jcudaStyle = "Error while loading native library \"JCudnn-12.6.0-linux-x86_64\"\nOperating system name: Linux\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudnn-12.6.0-linux-x86_64.so: libcudnn.so.8: cannot open shared object file: No such file or directory\n"
                + "\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)";
        String r = CudaBackend.reason(new UnsatisfiedLinkError(jcudaStyle));
        assertEquals("cuDNN could not be loaded (/tmp/libJCudnn-12.6.0-linux-x86_64.so: libcudnn.so.8: cannot open shared object file: "
                + "No such file or directory)", r);
        assertEquals("no CUDA driver (libcuda.so.1 could not be loaded)",
                CudaBackend.reason(new IllegalStateException("x", new UnsatisfiedLinkError("... libcuda.so.1: cannot open shared object file"))));
        assertEquals("no CUDA device is visible (CUDA_ERROR_NO_DEVICE)",
                CudaBackend.reason(new jcuda.CudaException("CUDA_ERROR_NO_DEVICE")));
        assertEquals("neither libcudnn.so.8 nor libcudnn.so.9 was found",
                CudaBackend.reason(new IllegalStateException("neither libcudnn.so.8 nor libcudnn.so.9 was found")));
    }
}
