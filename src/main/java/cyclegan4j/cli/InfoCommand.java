package cyclegan4j.cli;

import cyclegan4j.backend.cpu.CpuBackend;

import java.io.IOException;
import java.io.PrintStream;

/** `cyclegan4j info`: what this machine offers the trainer, or what a checkpoint holds. */
final class InfoCommand {

    private InfoCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        CommandLineSpec c = new CommandLineSpec("info", "Show Java, CPU and GPU support on this machine, what a checkpoint holds, or"
                + " what a dataset holds.")
                .value("checkpoint", "FILE", "describe a checkpoint or export instead: its networks' shapes, position in "
                        + "training and options")
                .value("dataroot", "DIR", "describe a dataset instead: its domain folders' images and sizes (from the files'"
                        + " headers), what train skips, and what the sizes mean for --crop-size and --preprocess");
        if (!c.parse(args, out)) {
            return Main.OK;
        }
        if (c.has("dataroot")) {
            DatasetInfo.print(c.path("dataroot"), out);
            return Main.OK;
        }
        if (c.has("checkpoint")) {
            CheckpointInfo.print(c.existingFile("checkpoint"), out);
            return Main.OK;
        }
        Runtime rt = Runtime.getRuntime();
        out.println("cyclegan4j " + Main.version());
        out.println("java:    " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        out.println("cpu:     " + rt.availableProcessors() + " cores (the CPU backend uses " + CpuBackend.get().threads()
                + " thread(s); CYCLEGAN4J_THREADS=N sets it), max heap " + (rt.maxMemory() >> 20) + " MiB");
        String gemm = CpuBackend.get().gemmName();
        out.println("cpu gemm: " + gemm
                + (gemm.equals("Java GEMM") && System.getProperty("cyclegan4j.gemm") == null
                        ? " (no native BLAS found; installing OpenBLAS, e.g. Debian's libopenblas0-pthread, makes CPU training faster)" : "")
                + (System.getenv("OPENBLAS_CORETYPE") != null ? ", OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE") : ""));
        for (String line : Devices.describeGpu()) {
            out.println(line);
        }
        return 0;
    }
}
