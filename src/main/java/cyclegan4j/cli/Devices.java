package cyclegan4j.cli;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cpu.CpuBackend;

import java.io.PrintStream;
import java.util.List;

/** `--device auto|cpu|cuda` for the commands. */
final class Devices {

    private Devices() {
    }

    static Backend select(String device, PrintStream log) {
        switch (device) {
            case "cpu":
                return CpuBackend.get();
            case "auto":
                log.println("device: cpu (the CUDA backend is not built into this version)");
                return CpuBackend.get();
            case "cuda":
                throw new IllegalStateException("--device cuda: the CUDA backend is not built into this version");
            default:
                throw new UsageException("--device must be auto, cpu or cuda, got '" + device + "'");
        }
    }

    static List<String> describeGpu() {
        return List.of("cuda:    not built into this version");
    }
}
