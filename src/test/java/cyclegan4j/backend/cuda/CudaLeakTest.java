package cyclegan4j.backend.cuda;

import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device memory ownership: scopes give everything back, and closed buffers cannot be used. */
@Tag("gpu")
class CudaLeakTest {

    @Test
    void scopeReturnsEveryBuffer() {
        CudaBackend gpu = GpuSupport.cuda();
        long before = gpu.liveBuffers();
        Tensor w = Tensor.parameter(gpu, new float[8 * 3 * 3 * 3], 8, 3, 3, 3);
        Tensor b = Tensor.parameter(gpu, new float[8], 8);
        long withParams = gpu.liveBuffers();
        for (int i = 0; i < 3; i++) {
            try (Scope ignored = Scope.open()) {
                Tensor x = Tensor.randn(gpu, new SplittableRandom(i), 1f, 2, 3, 17, 19).requiresGrad(true);
                Tensor y = F.tanh(F.instanceNorm2d(F.conv2d(F.reflectionPad2d(x, 1, 1, 1, 1), w, b, 1, 0), 1e-5f));
                F.mean(y).backward();
                assertTrue(gpu.liveBuffers() > withParams);
            }
            assertEquals(withParams, gpu.liveBuffers(), "after step " + i);
        }
        w.close();
        b.close();
        assertEquals(before, gpu.liveBuffers());
    }

    @Test
    void closedBufferIsRejected() {
        CudaBackend gpu = GpuSupport.cuda();
        var buf = gpu.allocate(16);
        buf.close();
        assertTrue(buf.isClosed());
        assertThrows(IllegalStateException.class, () -> gpu.fill(buf, 1f, 16));
    }

    @Test
    void poolPeaksCountBlocksInUseAndHeld() {
        CudaBackend gpu = GpuSupport.cuda();
        DevicePool pool = gpu.pool();
        pool.takePeaks(); // start from what is in use now
        long inUse = pool.inUseBytes(), held = inUse + pool.cachedBytes();
        long block = DevicePool.bucket(4L << 20);
        try (var a = gpu.allocate(1 << 20); var b = gpu.allocate(1 << 20)) { // 4 MiB each
            gpu.fill(a, 1f, 1 << 20);
            gpu.fill(b, 1f, 1 << 20);
        }
        long[] peaks = pool.takePeaks();
        assertEquals(inUse + 2 * block, peaks[0], "peak in use");
        assertTrue(peaks[1] >= peaks[0] && peaks[1] >= held, "peak held");
        assertEquals(inUse, pool.takePeaks()[0], "a new peak starts from what is in use");
        assertTrue(gpu.takeDevicePeaks().contains("MiB in use"));
    }

    @Test
    void outOfMemoryIsAClearError() {
        CudaBackend gpu = GpuSupport.cuda();
        long before = gpu.liveBuffers();
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> gpu.allocate(1L << 40)); // 4 TiB
        assertTrue(e.getMessage().contains("asked for") && e.getMessage().contains("smaller images"), e.getMessage());
        assertEquals(before, gpu.liveBuffers());
        try (var ok = gpu.allocate(1 << 20)) { // the device still works afterwards
            gpu.fill(ok, 2f, 1 << 20);
            assertEquals(2f, gpu.download(ok)[12345]);
        }
    }
}
