package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The CUDA backend for GPU tests: skips the test when CUDA is unavailable, or fails it when the
 * run demands a GPU ({@code -Dcyclegan4j.requireGpu=true}, as benchmarks/gpu-check.sh passes).
 * Parity tests compare against the CPU in fp32, so TF32 convolutions are switched off unless the
 * run sets {@code -Dcyclegan4j.cuda.tf32} itself.
 */
final class GpuSupport {

    private GpuSupport() {
    }

    static CudaBackend cuda() {
        if (System.getProperty("cyclegan4j.cuda.tf32") == null) {
            System.setProperty("cyclegan4j.cuda.tf32", "false");
        }
        try {
            return CudaBackend.get();
        } catch (RuntimeException | LinkageError e) {
            String why = CudaBackend.reason(e);
            if (Boolean.getBoolean("cyclegan4j.requireGpu")) {
                Assertions.fail("a GPU is required (-Dcyclegan4j.requireGpu=true) but CUDA is unavailable: " + why, e);
            }
            Assumptions.abort("CUDA unavailable: " + why);
            throw new AssertionError(); // not reached
        }
    }
}
