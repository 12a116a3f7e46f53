package cyclegan4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch files read without PyTorch: the fixtures under src/test/resources/cyclegan4j/io/torch are
 * written by its make_fixtures.py with PyTorch 1.13, in the zip format (pickle protocols 2 and 4)
 * and the legacy one; the expected values are the formulas that script uses.
 */
public class TorchFileTest {

    @TempDir
    Path dir;

    /** Copies the fixture {@code name} into {@code dir}. */
    public static Path fixture(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = TorchFileTest.class.getResourceAsStream("/cyclegan4j/io/torch/" + name)) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    @Test
    void readsEveryFloatTensorOfAStateDictInAllThreeFormats() throws IOException {
        for (String name : List.of("state_zip.pth", "state_zip_p4.pth", "state_legacy.pth")) {
            Checkpoint ck = Checkpoint.load(fixture(dir, name));
            Map<String, TensorData> t = ck.tensors();
            assertEquals(List.of("a", "t", "h", "bf", "d", "v1", "v2", "bn.weight", "bn.running_mean", "opt.state.0.exp_avg", "p",
                    "scalar"), List.copyOf(t.keySet()), name + ": module. dropped, ints, strings and unused norm statistics left out");
            float[] a = new float[24];
            for (int i = 0; i < a.length; i++) {
                a[i] = i * 0.5f - 3;
            }
            check(t.get("a"), new int[]{2, 3, 4}, a, name);
            check(t.get("t"), new int[]{3, 2}, new float[]{0, 3, 1, 4, 2, 5}, name);
            check(t.get("h"), new int[]{6}, new float[]{0.5f, -2, 65504, 0x1p-24f, 0.333251953125f, -0.0f}, name);
            check(t.get("bf"), new int[]{4}, new float[]{1.5f, -3, 0x1p100f, 0.15625f}, name);
            check(t.get("d"), new int[]{2}, new float[]{(float) (1 / 3.0), Float.NEGATIVE_INFINITY}, name);
            check(t.get("v1"), new int[]{3}, new float[]{2, 3, 4}, name);
            check(t.get("v2"), new int[]{5}, new float[]{5, 6, 7, 8, 9}, name);
            check(t.get("bn.running_mean"), new int[]{2}, new float[]{0.25f, 0.25f}, name);
            check(t.get("opt.state.0.exp_avg"), new int[]{2}, new float[]{1, 2}, name);
            check(t.get("p"), new int[]{2}, new float[]{4, 5}, name);
            check(t.get("scalar"), new int[]{}, new float[]{2.5f}, name);
            assertEquals(name, ck.getString(TorchFile.SOURCE_KEY, null));
            assertFalse(ck.isOneNetwork());
        }
    }

    private static void check(TensorData t, int[] shape, float[] values, String file) {
        assertArrayEquals(shape, t.shape(), file);
        assertEquals(values.length, t.values().length, file);
        for (int i = 0; i < values.length; i++) { // bit for bit, so that -0.0 and the half's subnormal count
            assertEquals(Float.floatToIntBits(values[i]), Float.floatToIntBits(t.values()[i]),
                    file + " [" + i + "]: " + values[i] + " vs " + t.values()[i]);
        }
    }

    @Test
    void keepsOnlyWhatTheCallerAsksForUnlessTheFileIsOneNetwork() throws IOException {
        Checkpoint some = Checkpoint.load(fixture(dir, "state_zip.pth"), n -> n.startsWith("v"));
        assertEquals(List.of("v1", "v2"), List.copyOf(some.tensors().keySet()));
        // one network's state_dict: which network it is the caller decides, so all of it is read
        Checkpoint g = Checkpoint.load(fixture(dir, "pytorchgan_G.pth"), n -> n.startsWith("G_AB."));
        assertTrue(g.isOneNetwork());
        assertTrue(g.hasTensor("model.1.weight"), "DataParallel's module. removed: " + g.tensors().keySet());
        assertEquals(16, g.tensors().size());
        Checkpoint legacy = Checkpoint.load(fixture(dir, "authors_G.pth"));
        assertTrue(legacy.tensors().keySet().stream().noneMatch(n -> n.contains("running")), "pre-0.4 instance norm statistics dropped");
        assertEquals(Checkpoint.load(fixture(dir, "authors_G.pth")).withPrefix("G_BA.").tensors().keySet().iterator().next(),
                "G_BA.model.1.weight");
    }

    @Test
    void refusesWholePickledModelsNamingTheClass() throws IOException {
        Path file = fixture(dir, "whole_model.pth");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("torch.nn.modules.conv.Conv2d") && e.getMessage().contains("state_dict"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void refusesTorchScriptAsSuch() throws IOException {
        Path file = fixture(dir, "script_conv.pt");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().startsWith(file + ": a TorchScript module (torch.jit.save") && e.getMessage().contains("state_dict()"),
                e.getMessage());
    }

    /** 300 views of one 1 MB storage (flattened parameters) read it once: before, each view read all of it again (300 MB). */
    @Test
    void viewsOfOneStorageReadItOnce() throws IOException {
        Path file = fixture(dir, "flat_views.pth");
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Checkpoint ck = Checkpoint.load(file);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(300, ck.tensors().size());
        for (int i = 0; i < 300; i++) {
            check(ck.tensors().get("w" + i), new int[]{1}, new float[]{i}, "flat_views.pth (torch.compile's _orig_mod. dropped)");
        }
        assertTrue(allocated < 100_000_000L, "reading 300 views of one 1 MB storage allocated " + allocated / 1_000_000 + " MB");
    }

    @Test
    void emptyFilesNamedAsPyTorchFilesSaySo() throws IOException {
        for (int n : new int[]{0, 3}) {
            Path file = dir.resolve("G_AB_" + n + ".pth");
            Files.write(file, java.util.Arrays.copyOf(new byte[]{'P', 'K', 3}, n));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.load(file));
            assertTrue(e.getMessage().contains(file + ": file is " + n + " bytes, too short for a PyTorch file"), e.getMessage());
        }
    }

    @Test
    void halfPrecisionConvertsExactly() {
        for (int bits = 0; bits < 0x10000; bits++) { // every binary16 value against the definition
            short h = (short) bits;
            int sign = bits >>> 15, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
            double expected = exp == 0 ? mant * Math.pow(2, -24) : exp == 31 ? (mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
            float got = TorchFile.halfToFloat(h);
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(got), Integer.toHexString(bits));
            } else {
                assertEquals((float) (sign == 1 ? -expected : expected), got, 0, Integer.toHexString(bits));
                assertEquals(sign == 1, Float.floatToIntBits(got) < 0, "sign of " + Integer.toHexString(bits));
            }
        }
    }

    /** Truncated and corrupted files fail with a CheckpointFormatException naming the file, never another exception. */
    @Test
    void damagedFilesFailWithAFormatError() throws IOException {
        SplittableRandom rng = new SplittableRandom(5);
        for (String name : List.of("state_zip.pth", "state_legacy.pth", "authors_G.pth", "flat_views.pth")) { // the last one deflated
            byte[] good = Files.readAllBytes(fixture(dir, name));
            for (int i = 0; i < 300; i++) {
                byte[] bad = i % 3 == 0 ? java.util.Arrays.copyOf(good, rng.nextInt(4, good.length)) : good.clone();
                if (i % 3 != 0) {
                    for (int k = 0; k < 1 + i % 4; k++) { // corrupt a few bytes, often inside the pickle
                        bad[rng.nextInt(i % 2 == 0 ? Math.min(bad.length, 700) : bad.length)] = (byte) rng.nextInt(256);
                    }
                }
                Path f = dir.resolve("bad" + i + ".pth");
                Files.write(f, bad);
                try {
                    Checkpoint.load(f); // a corruption inside tensor data reads as other numbers: that is fine
                } catch (CheckpointFormatException e) {
                    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
                } catch (IOException e) {
                    throw new AssertionError(name + " corrupted (" + i + "): " + e, e);
                }
                Files.delete(f);
            }
        }
    }
    // ---- hostile files: small, and each must fail fast with a format error, not hang or take gigabytes ----

    /** A pickle written byte by byte (protocol 2), for files torch would never write. */
    private static final class PickleBytes {
        final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();

        PickleBytes op(int... bytes) {
            for (int x : bytes) {
                b.write(x);
            }
            return this;
        }

        PickleBytes str(String v) { // BINUNICODE
            byte[] u = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            op('X', u.length, 0, 0, 0);
            b.writeBytes(u);
            return this;
        }

        PickleBytes global(String module, String name) {
            b.writeBytes(("c" + module + "\n" + name + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return this;
        }
    }

    /** A zip of torch.save's layout holding only {@code archive/data.pkl}, stored or deflated. */
    private Path zipWithPickle(String name, byte[] pickle, boolean deflate) throws IOException {
        Path file = dir.resolve(name);
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            var e = new java.util.zip.ZipEntry("archive/data.pkl");
            if (!deflate) {
                var crc = new java.util.zip.CRC32();
                crc.update(pickle);
                e.setMethod(java.util.zip.ZipEntry.STORED);
                e.setSize(pickle.length);
                e.setCrc(crc.getValue());
            }
            zip.putNextEntry(e);
            zip.write(pickle);
            zip.closeEntry();
        }
        return file;
    }

    private static void failsFast(Path file, String expected) {
        CheckpointFormatException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> assertThrows(CheckpointFormatException.class, () -> Checkpoint.load(file)));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void hostileFilesFailFast() throws IOException {
        // a dict inside itself
        failsFast(zipWithPickle("self.pth", new PickleBytes().op(0x80, 2, '}', 'q', 0).str("a").op('h', 0, 's', '.').b.toByteArray(),
                false), "contain themselves");
        // {"a": d, "b": d} nested 60 times over through the memo: 2^60 entries to walk from a few hundred bytes
        PickleBytes nested = new PickleBytes().op(0x80, 2, '}', 'q', 0);
        for (int i = 1; i <= 60; i++) {
            nested.op('}', '(').str("a").op('h', i - 1).str("b").op('h', i - 1, 'u', 'q', i);
        }
        failsFast(zipWithPickle("nested.pth", nested.op('.').b.toByteArray(), false), "repeat more than a state_dict's");
        // a key (t, t) nested 60 times: 2^60 steps to hash
        PickleBytes tuple = new PickleBytes().op(0x80, 2, ')', 'q', 0);
        for (int i = 1; i <= 60; i++) {
            tuple.op('h', i - 1, 'h', i - 1, 0x86, 'q', i);
        }
        failsFast(zipWithPickle("key.pth", tuple.op('}', 'h', 60, 'K', 1, 's', '.').b.toByteArray(), false), "a dict key that is a");
        // one float seen through a stride of 0 as 2^31 - 17 of them: 8 GB asked of a 300-byte file
        PickleBytes huge = new PickleBytes().op(0x80, 2, '}').str("w").global("torch._utils", "_rebuild_tensor_v2")
                .op('(', '(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").op('K', 1, 't', 'Q')
                .op('K', 0, 'J', 0xef, 0xff, 0xff, 0x7f, 0x85, 'K', 0, 0x85, 0x89, ')', 't', 'R', 's', '.');
        failsFast(zipWithPickle("stride0.pth", huge.b.toByteArray(), false), "far more than a file of");
        // a deflated data.pkl that inflates 2 MB of zeros from a few kilobytes
        failsFast(zipWithPickle("bomb.pth", new byte[2 << 20], true), "inflates");
    }

    /** A safetensors header whose length's low bytes read as a pickle's PROTO 2 (0x80 0x02): still safetensors. */
    @Test
    void aSafetensorsHeaderOf640BytesIsNotTakenForAPickle() throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"note\":\"x\"}}");
        while (header.length() < 640) {
            header.append(' ');
        }
        Path file = dir.resolve("odd.safetensors");
        byte[] h = header.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] bytes = new byte[8 + h.length];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        Files.write(file, bytes);
        assertEquals(0x80, bytes[0] & 0xff);
        assertEquals(2, bytes[1]);
        assertEquals("x", Checkpoint.load(file).getString("note", null));
    }
    /** The authors' D_A judges domain B: it is our D_B, and their D_B our D_A. */
    @Test
    void runFileNamesMapToOurNetworks() {
        Path dir = Path.of("ck");
        assertEquals(Map.of("G_AB", dir.resolve("G_AB_7.pth"), "G_BA", dir.resolve("G_BA_7.pth"), "D_A", dir.resolve("D_A_7.pth"),
                "D_B", dir.resolve("D_B_7.pth")), TorchRuns.siblings(dir.resolve("D_B_7.pth")));
        assertEquals(Map.of("G_AB", dir.resolve("5_net_G_A.pth"), "G_BA", dir.resolve("5_net_G_B.pth"), "D_A", dir.resolve("5_net_D_B.pth"),
                "D_B", dir.resolve("5_net_D_A.pth")), TorchRuns.siblings(dir.resolve("5_net_G_A.pth")));
        assertEquals(Map.of("G_AB", dir.resolve("netG_A2B.pth"), "G_BA", dir.resolve("netG_B2A.pth"), "D_A", dir.resolve("netD_A.pth"),
                "D_B", dir.resolve("netD_B.pth")), TorchRuns.siblings(dir.resolve("netD_B.pth")));
        assertTrue(TorchRuns.siblings(dir.resolve("horse2zebra.pth")).isEmpty());
        assertTrue(TorchRuns.siblings(dir.resolve("G_AB_final.pth")).isEmpty());
    }
}
