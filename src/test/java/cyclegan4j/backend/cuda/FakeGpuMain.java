package cyclegan4j.backend.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the GPU test bodies against the real CudaBackend, JCuda's real JNI natives and the real
 * forwarding libraries, on top of fake libcuda.so.1 / libcudnn.so.9 / libcublas.so.13
 * (kernels/emu/fake_*: device memory is host memory, kernels are the .cu files compiled for the
 * host, convolutions are host loops). Started in a child JVM by {@link FakeGpuTest} with
 * LD_LIBRARY_PATH pointing at the fakes. Prints one line per failure and "N passed, M failed".
 * {@code --no-model} skips the model test; {@code --find} (with -Dcyclegan4j.cudnn.find=true) runs
 * only the convolution cases (upsampling + conv included), checking
 * that cuDNN's timed search chose their algorithms, and the chunk-table cases (Adam, sum of
 * squares), heavy ones included.
 */
public final class FakeGpuMain {

    private FakeGpuMain() {
    }

    private interface Check {
        void run() throws Exception;
    }

    public static void main(String[] args) {
        System.setProperty("cyclegan4j.cuda.tf32", "false");
        Throwable missingDevice = startOnMissingDevice(); // before device 0 starts: that failure must not stick
        CudaBackend gpu = CudaBackend.get();
        System.out.println(gpu.describe());
        List<String> failures = new ArrayList<>();
        int passed = 0;
        List<Object[]> checks = new ArrayList<>();
        boolean findOnly = List.of(args).contains("--find");
        checks.add(new Object[]{"--device cuda:7 on a 1-GPU host names the devices, cuda:0 still starts, the device list", (Check) () ->
                checkDeviceChoice(missingDevice, gpu)});
        for (ParityCases.Case c : ParityCases.all()) {
            boolean convolves = c.methods().contains("conv2dForward") || c.methods().contains("upsampleConv2dForward");
            boolean tables = c.methods().contains("adamUpdate") || c.methods().contains("sumOfSquares");
            if (findOnly ? convolves && !c.heavy() || tables : !c.heavy()) {
                checks.add(new Object[]{"parity " + c.label(), (Check) () -> {
                    long live = gpu.liveBuffers();
                    try (Parity p = new Parity(gpu, c.label(), c.label().hashCode())) {
                        c.body().run(p);
                    }
                    if (gpu.liveBuffers() != live) {
                        throw new AssertionError("leaked " + (gpu.liveBuffers() - live) + " buffers");
                    }
                }});
            }
        }
        if (findOnly) {
            checks.add(new Object[]{"cudnnFind chose every direction's algorithm", (Check) FakeGpuMain::findSearchesRan});
        } else {
            addOtherChecks(checks, gpu, !List.of(args).contains("--no-model"));
        }
        for (Object[] c : checks) {
            try {
                ((Check) c[1]).run();
                passed++;
            } catch (Throwable t) {
                failures.add(c[0] + ": " + t);
                System.out.println("FAILED " + c[0] + ": " + t);
            }
        }
        System.out.println("fake GPU: " + passed + " passed, " + failures.size() + " failed");
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /** Leak, out-of-memory, pool and host-wait checks and (unless --no-model) the model test. */
    private static void addOtherChecks(List<Object[]> checks, CudaBackend gpu, boolean model) {
        CudaLeakTest leak = new CudaLeakTest();
        checks.add(new Object[]{"leak: scope returns every buffer", (Check) leak::scopeReturnsEveryBuffer});
        checks.add(new Object[]{"leak: closed buffer rejected", (Check) leak::closedBufferIsRejected});
        checks.add(new Object[]{"out of memory is a clear error", (Check) leak::outOfMemoryIsAClearError});
        checks.add(new Object[]{"pool peaks: in use and held", (Check) leak::poolPeaksCountBlocksInUseAndHeld});
        checks.add(new Object[]{"a warm training step waits for the device once", (Check) () -> HostWaitCheck.warmStepWaitsOnce(gpu)});
        if (model) {
            checks.add(new Object[]{"model parity, 3 training steps", (Check) () -> new ModelParityTest().threeTrainingStepsMatchTheCpu()});
        }
    }

    /** What asking for the fake host's (absent) eighth GPU throws, or null if it started. */
    private static Throwable startOnMissingDevice() {
        try {
            CudaBackend.get(7);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static void checkDeviceChoice(Throwable missingDevice, CudaBackend gpu) {
        if (missingDevice == null || !String.valueOf(missingDevice.getMessage()).contains("there is no cuda:7: this host has 1 CUDA device(s), cuda:0")) {
            throw new AssertionError("cuda:7 should fail naming the host's devices, got " + missingDevice);
        }
        List<String> devices = cyclegan4j.backend.Devices.cudaDevices();
        if (devices.size() != 1 || !devices.get(0).matches("cuda:0 Fake GPU \\(host emulation\\), [0-9.]+ GiB")) {
            throw new AssertionError("the device list should name the fake GPU and its memory, got " + devices);
        }
        if (cyclegan4j.backend.Devices.select("cuda:0").backend() != gpu) {
            throw new AssertionError("--device cuda:0 should give the running backend");
        }
        try {
            cyclegan4j.backend.Devices.select("cuda:1");
            throw new AssertionError("a second GPU in one process should be refused");
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("already in use on cuda:0")) {
                throw new AssertionError("unexpected message: " + e.getMessage());
            }
        }
    }

    /** With -Dcyclegan4j.cudnn.find=true the conv cases chose their algorithms by cuDNN's timed search. */
    private static void findSearchesRan() throws IOException {
        List<String> waits = Files.readAllLines(Path.of(System.getenv("FAKE_CUDA_WAIT_LOG")));
        for (String dir : List.of("Forward", "BackwardData", "BackwardFilter")) {
            if (!waits.contains("cudnnFindConvolution" + dir + "Algorithm")) {
                throw new AssertionError("cudnnFindConvolution" + dir + "Algorithm was never called");
            }
        }
    }
}
