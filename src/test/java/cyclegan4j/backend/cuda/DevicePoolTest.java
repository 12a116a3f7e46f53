package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's bucket arithmetic (the allocator itself needs a GPU: see CudaLeakTest). */
class DevicePoolTest {

    @Test
    void bucketsRoundUpAndAreStable() {
        assertEquals(512, DevicePool.bucket(0));
        assertEquals(512, DevicePool.bucket(4));
        assertEquals(512, DevicePool.bucket(512));
        assertEquals(1024, DevicePool.bucket(513));
        assertEquals(1L << 20, DevicePool.bucket(1L << 20));
        assertEquals((1L << 20) + (64 << 10), DevicePool.bucket((1L << 20) + 1));
        assertEquals(16L << 20, DevicePool.bucket(64L * 256 * 256 * 4)); // one generator activation
        assertEquals(17L << 20, DevicePool.bucket((16L << 20) + 1));
        assertEquals(4608L << 10, DevicePool.bucket(256L * 66 * 66 * 4)); // a residual block's padded input: 4.5 MiB
        for (long b = 1; b < (1L << 34); b = b * 3 + 7) {
            long k = DevicePool.bucket(b);
            assertEquals(k, DevicePool.bucket(k), "a bucket size is its own bucket");
            assertTrue(k >= b && (k - b < 512 || k - b <= b / 16), b + " -> " + k);
            assertEquals(0, k % 512, "512-byte aligned sizes");
        }
    }
}
