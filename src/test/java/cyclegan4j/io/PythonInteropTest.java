package cyclegan4j.io;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cross-checks against an independent reader and writer in Python (json + struct + numpy, see
 * benchmarks/reference/safetensors_numpy.py, which the PyTorch reference scripts use too).
 * Skipped where python3 with numpy is not installed; the byte-level test in
 * {@link SafeTensorsTest} stands in for it there.
 */
class PythonInteropTest {

    @TempDir
    Path dir;

    private static Path script;

    @BeforeAll
    static void needsPythonWithNumpy() throws Exception {
        assumeTrue(run(List.of("python3", "-c", "import numpy")).exitCode == 0, "python3 with numpy not available");
        // Maven runs tests in the project directory.
        script = Path.of("benchmarks", "reference", "safetensors_numpy.py").toAbsolutePath();
        assertTrue(java.nio.file.Files.isRegularFile(script), "no " + script + " (tests run in the project directory)");
    }

    private record Result(int exitCode, String out) {
    }

    private static Result run(List<String> cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timeout");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        }
    }

    @Test
    void pythonReadsWhatJavaWrites() throws Exception {
        Checkpoint ck = new Checkpoint().setLong("epoch", 3).setString("option.name", "h2z \"é\" \\");
        float[] w = {0.25f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 123456.789f};
        ck.put("G_AB.model.1.weight", new TensorData(new int[]{1, 2, 3}, w));
        ck.put("G_AB.model.1.bias", new TensorData(new int[]{}, new float[]{-7f}));
        ck.put("empty", new TensorData(new int[]{0}, new float[0]));
        Path f = dir.resolve("java.safetensors");
        ck.save(f);

        Result r = run(List.of("python3", script.toString(), "read", f.toString()));
        assertEquals(0, r.exitCode, r.out);
        Map<?, ?> got = (Map<?, ?>) Json.parse(r.out.trim());
        assertEquals(ck.metadata(), got.get("metadata"));
        Map<?, ?> tensors = (Map<?, ?>) got.get("tensors");
        assertEquals(List.copyOf(ck.tensors().keySet()), List.copyOf(tensors.keySet()));
        for (Map.Entry<String, TensorData> e : ck.tensors().entrySet()) {
            Map<?, ?> t = (Map<?, ?>) tensors.get(e.getKey());
            List<Long> shape = new ArrayList<>();
            for (int d : e.getValue().shape()) {
                shape.add((long) d);
            }
            assertEquals(shape, t.get("shape"), e.getKey());
            List<Long> bits = new ArrayList<>();
            for (float v : e.getValue().values()) {
                bits.add(Integer.toUnsignedLong(Float.floatToRawIntBits(v)));
            }
            assertEquals(bits, t.get("bits"), e.getKey());
        }
    }

    @Test
    void javaReadsWhatPythonWrites() throws Exception {
        Path f = dir.resolve("numpy.safetensors");
        Result r = run(List.of("python3", script.toString(), "write", f.toString()));
        assertEquals(0, r.exitCode, r.out);
        Checkpoint ck = Checkpoint.load(f);
        assertEquals(Map.of("format", "pt", "epoch", "9", "note", "café \"q\""), ck.metadata());
        assertEquals(3, ck.tensors().size());
        assertArrayEquals(new int[]{2, 2}, ck.tensor("z.weight").shape());
        assertArrayEquals(new float[]{0f, 0.5f, 1f, 1.5f}, ck.tensor("z.weight").values());
        assertArrayEquals(new int[]{}, ck.tensor("a").shape());
        assertArrayEquals(new float[]{-1.5f}, ck.tensor("a").values());
        float[] mw = ck.tensor("m.w").values();
        assertTrue(Float.isNaN(mw[0]));
        assertEquals(Float.POSITIVE_INFINITY, mw[1]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(mw[2]));
    }
}
