package cyclegan4j.backend.cuda;

import cyclegan4j.cyclegan.CycleGan;
import cyclegan4j.cyclegan.CycleGanConfig;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A warm CycleGAN training step makes the host wait for the device exactly once, when it copies
 * the losses (and the gradient norms) back (the "no host synchronisation inside a step except to read the loss
 * values"). Counted with the fake GPU's wait log (FAKE_CUDA_WAIT_LOG, set by {@link FakeGpuTest}):
 * every explicit synchronisation, synchronous copy and implicitly synchronising free is logged
 * there by name. A real driver offers no such log, so this runs on the fake GPU only.
 */
final class HostWaitCheck {

    private HostWaitCheck() {
    }

    static void warmStepWaitsOnce(CudaBackend gpu) throws IOException {
        String env = System.getenv("FAKE_CUDA_WAIT_LOG");
        if (env == null) {
            throw new IllegalStateException("FAKE_CUDA_WAIT_LOG is not set: run through FakeGpuTest");
        }
        Path log = Path.of(env);
        CycleGanConfig cfg = CycleGanConfig.defaults().withResidualBlocks(1).withSeed(3);
        SplittableRandom rng = new SplittableRandom(5);
        try (CycleGan gan = new CycleGan(gpu, cfg)) {
            gan.trackGradientNorms(true); // as train runs it: the norms come back in the losses' copy
            for (int step = 0; step < 2; step++) { // the first chooses the algorithms and fills the pool
                try (Scope ignored = Scope.open()) {
                    Tensor a = Tensor.randn(gpu, rng, 0.5f, 1, 3, 32, 16); // the discriminator's smallest input
                    Tensor b = Tensor.randn(gpu, rng, 0.5f, 1, 3, 32, 16);
                    int before = waits(log).size();
                    gan.step(a, b);
                    List<String> all = waits(log);
                    List<String> during = all.subList(before, all.size());
                    if (step == 1) {
                        assertEquals(List.of("cuStreamSynchronize", "cuMemcpyDtoH_v2"), during,
                                "host waits in a warm training step");
                    }
                }
            }
        }
    }

    private static List<String> waits(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
