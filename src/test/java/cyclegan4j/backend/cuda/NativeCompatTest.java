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
}
