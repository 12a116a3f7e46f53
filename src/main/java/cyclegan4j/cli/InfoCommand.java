package cyclegan4j.cli;

import cyclegan4j.backend.cpu.CpuBackend;

import java.io.PrintStream;

/** `cyclegan4j info`: what this machine offers the trainer. */
final class InfoCommand {

    private InfoCommand() {
    }

    static int run(PrintStream out) {
        Runtime rt = Runtime.getRuntime();
        out.println("cyclegan4j " + Main.version());
        out.println("java:    " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        out.println("cpu:     " + rt.availableProcessors() + " cores, max heap " + (rt.maxMemory() >> 20) + " MiB");
        out.println("cpu gemm: " + CpuBackend.get().gemmName()
                + (System.getenv("OPENBLAS_CORETYPE") != null ? ", OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE") : ""));
        for (String line : Devices.describeGpu()) {
            out.println(line);
        }
        return 0;
    }
}
