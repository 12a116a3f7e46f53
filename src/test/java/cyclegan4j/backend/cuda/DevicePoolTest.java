package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pool's bucket arithmetic (the allocator itself needs a GPU: see CudaLeakTest). */
class DevicePoolTest {

    @Test
    void bucketsRoundUpAndAreStable() {
        assertEquals(512, DevicePool.bucket(0));
        assertEquals(512, DevicePool.bucket(4));
        assertEquals(512, DevicePool.bucket(512));
        assertEquals(1024, DevicePool.bucket(513));
        assertEquals(2L << 20, DevicePool.bucket(1L << 20));
        assertEquals(16L << 20, DevicePool.bucket(64L * 256 * 256 * 4)); // one generator activation
        assertEquals(18L << 20, DevicePool.bucket((16L << 20) + 1));
        for (long b = 1; b < (64L << 20); b = b * 3 + 7) {
            long k = DevicePool.bucket(b);
            assertEquals(k, DevicePool.bucket(k), "a bucket size is its own bucket");
            assertEquals(true, k >= b && k - b < (2L << 20));
        }
    }
}
