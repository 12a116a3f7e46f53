package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend end to end on a fake GPU, without one: fake libcuda.so.1 / libcudnn.so.9 /
 * libcublas.so.13 (from kernels/emu/) and the forwarders (kernels/compat/) are built by
 * kernels/emu/build-fake-gpu.sh, which {@code make bench-fake-gpu} also uses, and a child JVM
 * runs the GPU parity cases, the leak / out-of-memory tests, the count of host waits in a training
 * step (HostWaitCheck) and the three-step model test (FakeGpuMain; -Dcyclegan4j.fakeGpu.model=false
 * skips the model test), then the convolution cases with cudnnFind algorithms, then `info` and a
 * `bench --device cuda:1` step on a fake host with two GPUs, and `translate` on a GPU too small for one image, through JCuda's real JNI natives. Checks every JCuda, JCudnn and JCublas2 call the backend makes (argument
 * marshalling, kernel parameter slots, descriptors, workspaces, streams, pool), but not the real
 * driver, cuDNN or GPU (the gpu-tagged tests on a GPU host do). Skipped without gcc/g++.
 */
class FakeGpuTest {

    private static boolean have(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> cmd, Map<String, String> env, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), "failed: " + cmd + "\n" + out);
        return out;
    }

    @Test
    void backendRunsOnFakeDriverCudnnAndCublas(@TempDir Path tmp) throws Exception {
        assumeTrue(have("gcc") && have("g++") && have("readelf"), "gcc/g++/readelf not installed");
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "JCuda natives are x86-64");
        run(List.of("bash", Paths.get("kernels", "emu", "build-fake-gpu.sh").toString(), tmp.toString()), Map.of(), 600);
        List<String> args = System.getProperty("cyclegan4j.fakeGpu.model", "true").equals("false")
                ? List.of("--no-model") : List.of(); // the model test on host-loop convolutions takes a minute or two
        String out = runFakeGpu(tmp, List.of(), args, "host-waits.log", 900);
        assertTrue(out.contains("Fake GPU (host emulation)") && out.contains("libcudnn.so.8 forwarded to"), out);
        assertTrue(out.contains(" passed, 0 failed"), out);

        // the convolutions again, with algorithms from cuDNN's timed search (cudnnFind...), and the chunk-table
        // cases, heavy ones included
        out = runFakeGpu(tmp, List.of("-Dcyclegan4j.cudnn.find=true"), List.of("--find"), "host-waits-find.log", 300);
        assertTrue(out.contains(" passed, 0 failed"), out);

        // a host with two GPUs: info lists both, and --device cuda:1 trains on the second
        Map<String, String> twoGpus = Map.of("FAKE_CUDA_DEVICES", "2", "FAKE_CUDA_SKIP_WORK", "1");
        out = runCli(tmp, twoGpus, "info");
        assertTrue(out.contains("gpu:     cuda:0 Fake GPU (host emulation), 4.0 GiB (--device cuda:0)")
                && out.contains("gpu:     cuda:1 Fake GPU 1 (host emulation), 4.0 GiB (--device cuda:1)"), out);
        out = runCli(tmp, twoGpus, "bench", "--device", "cuda:1", "--size", "32", "--n-residual-blocks", "0",
                "--warmup", "0", "--steps", "1");
        assertTrue(out.contains("device: cuda:1 Fake GPU 1 (host emulation)") && out.contains("training step"), out);

        // translate on a GPU too small for one of the images: that one is skipped with a hint, the other translated
        Path data = tmp.resolve("data");
        for (String d : List.of("trainA", "trainB")) {
            writeImage(data.resolve(d).resolve("x.png"), 32);
        }
        runCli(tmp, Map.of(), "train", "--dataroot", data.toString(), "--name", "t", "--out", tmp.resolve("runs").toString(),
                "--device", "cpu", "--channels", "1", "--n-residual-blocks", "0", "--crop-size", "32", "--load-size", "32",
                "--max-steps", "1", "--sample-every", "0");
        writeImage(tmp.resolve("in/a_small.png"), 16);
        writeImage(tmp.resolve("in/b_large.png"), 600); // 64 x 600 x 600 floats: 88 MiB per activation
        out = runCli(tmp, Map.of("FAKE_CUDA_MEMORY", Long.toString(64L << 20), "FAKE_CUDA_SKIP_WORK", "1"), "translate",
                "--checkpoint", tmp.resolve("runs/t/checkpoints/latest.safetensors").toString(), "--input", tmp.resolve("in").toString(),
                "--output", tmp.resolve("out").toString(), "--device", "cuda");
        assertTrue(out.contains("translated 1 image(s)") && out.contains("b_large.png (600x600: out of memory)")
                && out.contains("pass --max-size 300"), out);
        assertTrue(Files.exists(tmp.resolve("out/a_small.png")), out);
    }

    private static void writeImage(Path file, int size) throws java.io.IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(size, size, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.getRaster().setSample(x, y, 0, (x * 7 + y * 3) % 256);
            }
        }
        Files.createDirectories(file.getParent());
        javax.imageio.ImageIO.write(img, "png", file.toFile());
    }

    /** `cyclegan4j ARGS` in a child JVM on the fakes built under {@code tmp}, with extra environment. */
    private static String runCli(Path tmp, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-Dcyclegan4j.compatDir=" + tmp.resolve("compat"), "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jni")),
                "-cp", System.getProperty("java.class.path"), cyclegan4j.cli.Main.class.getName()));
        cmd.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("LD_LIBRARY_PATH", tmp.resolve("fake").toString());
        return run(cmd, all, 300);
    }

    /** FakeGpuMain in a child JVM on the fakes built under {@code tmp}, with its own host-wait log. */
    private static String runFakeGpu(Path tmp, List<String> jvmFlags, List<String> args, String waitLog, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-Dcyclegan4j.compatDir=" + tmp.resolve("compat"), "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jni"))));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FakeGpuMain.class.getName()));
        cmd.addAll(args);
        return run(cmd, Map.of("LD_LIBRARY_PATH", tmp.resolve("fake").toString(),
                "FAKE_CUDA_WAIT_LOG", tmp.resolve(waitLog).toString()), seconds);
    }
}
