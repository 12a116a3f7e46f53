package cyclegan4j.backend.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuBufferTest {

    /**
     * A buffer past a Java array's limit is out of memory, as a heap too small is: translate skips
     * the image that needs it (ngf 64 at 48 MP: 3.1e9 floats) with a --max-size hint, and the
     * translator stays usable, instead of an IllegalArgumentException that ends the whole run.
     */
    @Test
    void aBufferPastTheArrayLimitIsOutOfMemory() {
        CpuBackend backend = CpuBackend.get();
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> backend.allocate(64L * 8064 * 6048));
        assertTrue(e.getMessage().contains("limited to 2^31 floats"), e.getMessage());
    }
}
