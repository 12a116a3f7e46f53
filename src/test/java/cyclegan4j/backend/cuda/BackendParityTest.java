package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every Backend primitive on the GPU against the CPU reference (see ParityCases for the shapes). */
@Tag("gpu")
class BackendParityTest {

    static List<ParityCases.Case> cases() {
        return ParityCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesCpu(ParityCases.Case c) {
        CudaBackend gpu = GpuSupport.cuda();
        long live = gpu.liveBuffers();
        try (Parity p = new Parity(gpu, c.label(), c.label().hashCode())) {
            c.body().run(p);
        }
        assertEquals(live, gpu.liveBuffers(), "buffers leaked by case " + c.label());
    }
}
