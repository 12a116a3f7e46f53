package cyclegan4j.cli;

import cyclegan4j.backend.Backend;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** `--device auto|cpu|cuda|cuda:N` for the commands, on top of {@link cyclegan4j.backend.Devices}. */
final class Devices {

    private Devices() {
    }

    /** The backend for {@code device}; says in one line on {@code log} (standard output) which device is used and why. */
    static Backend select(String device, PrintStream log) {
        if (!cyclegan4j.backend.Devices.isValid(device)) {
            throw new UsageException("--device must be auto, cpu, cuda or cuda:N (N: the GPU's number), got '" + device + "'");
        }
        cyclegan4j.backend.Devices.Selection s = cyclegan4j.backend.Devices.select(device);
        log.println("device: " + s.reason());
        return s.backend();
    }

    /** What `info` reports about the GPU: the CUDA backend's description, or why it cannot be used. */
    static List<String> describeGpu() {
        try {
            List<String> lines = new ArrayList<>();
            lines.add("cuda:    " + cyclegan4j.backend.Devices.select("cuda").reason().replace(" (as requested)", ""));
            for (String gpu : cyclegan4j.backend.Devices.cudaDevices()) {
                lines.add("gpu:     " + gpu + " (--device " + gpu.substring(0, gpu.indexOf(' ')) + ")");
            }
            return lines;
        } catch (RuntimeException e) {
            return List.of("cuda:    not available: " + Main.oneLine(e).replaceFirst("^--device cuda: ", ""));
        }
    }
}
