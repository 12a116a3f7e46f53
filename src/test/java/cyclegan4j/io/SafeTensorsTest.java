package cyclegan4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Round trips and the exact bytes of a small file, checked against the format description. */
class SafeTensorsTest {

    @TempDir
    Path dir;

    @Test
    void aPrefixReadsThoseTensorsAloneWithAllTheMetadata() throws Exception {
        Checkpoint ck = new Checkpoint();
        ck.put("G_AB.w", new TensorData(new int[]{2}, new float[]{1f, 2f}));
        ck.put("D_A.w", new TensorData(new int[]{3}, new float[]{3f, 4f, 5f}));
        ck.put("G_BA.w", new TensorData(new int[]{1}, new float[]{6f}));
        ck.setString("step", "7");
        Path f = dir.resolve("g.safetensors");
        ck.save(f);
        Checkpoint g = Checkpoint.load(f, "G_");
        assertEquals(List.of("G_AB.w", "G_BA.w"), List.copyOf(g.tensors().keySet()));
        assertArrayEquals(new float[]{6f}, g.tensor("G_BA.w").values());
        assertEquals("7", g.metadata().get("step"));
    }

    @Test
    void handBuiltFileMatchesTheSpecByteForByte() throws Exception {
        Checkpoint ck = new Checkpoint();
        ck.put("a", new TensorData(new int[]{2}, new float[]{1f, -2f}));
        ck.put("b", new TensorData(new int[]{}, new float[]{0.5f}));
        ck.setString("epoch", "31");
        Path f = dir.resolve("x.safetensors");
        ck.save(f);

        String json = "{\"__metadata__\":{\"epoch\":\"31\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
        int padded = (jsonBytes.length + 7) / 8 * 8;
        assertEquals(137, jsonBytes.length, "chosen so that 7 spaces of padding are needed");
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.write(new byte[]{(byte) padded, (byte) (padded >>> 8), 0, 0, 0, 0, 0, 0}); // u64 little-endian
        want.write(jsonBytes);
        for (int i = jsonBytes.length; i < padded; i++) {
            want.write(' ');
        }
        want.write(new byte[]{0x00, 0x00, (byte) 0x80, 0x3F});        // 1.0f  = 0x3F800000
        want.write(new byte[]{0x00, 0x00, 0x00, (byte) 0xC0});        // -2.0f = 0xC0000000
        want.write(new byte[]{0x00, 0x00, 0x00, 0x3F});               // 0.5f  = 0x3F000000

        byte[] got = Files.readAllBytes(f);
        assertEquals(0, padded % 8);
        assertEquals(8 + padded + 12, got.length);
        assertArrayEquals(want.toByteArray(), got);

        SafeTensors.Header h = SafeTensors.readHeader(f);
        assertEquals(8 + padded, h.dataStart());
        assertEquals(2, h.entries().size());
        assertEquals(8, h.entries().get(0).end());
        assertEquals(Map.of("epoch", "31"), h.metadata());
    }

    @Test
    void roundTripIsBitExact() throws Exception {
        SplittableRandom rng = new SplittableRandom(42);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                Float.intBitsToFloat(0x7fc12345), Float.intBitsToFloat(0xff800001), 1e-40f};
        tensors.put("special", new TensorData(new int[]{special.length}, special));
        tensors.put("scalar", new TensorData(new int[]{}, new float[]{3.25f}));
        tensors.put("empty", new TensorData(new int[]{0, 3}, new float[0]));
        int big = 300_000; // spans more than one 1 MiB write/read chunk
        float[] r = new float[big];
        for (int i = 0; i < big; i++) {
            r[i] = Float.intBitsToFloat(rng.nextInt());
        }
        tensors.put("G_AB.model.1.weight", new TensorData(new int[]{3, 100, 1000}, r));
        tensors.put("name with \"quotes\", \\ é 漢字 \n", new TensorData(new int[]{1, 1, 1, 2}, new float[]{7f, 8f}));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", "12");
        meta.put("rng_state", Long.toString(Long.MIN_VALUE));
        meta.put("option.dataroot", "/data/horse2zebra \"x\" \\ ü");
        meta.put("empty", "");
        Path f = dir.resolve("rt.safetensors");
        SafeTensors.write(f, tensors, meta);

        Checkpoint back = Checkpoint.load(f);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()), "order kept");
        assertEquals(tensors, back.tensors()); // TensorData.equals compares raw bits
        assertEquals(meta, back.metadata());
        assertEquals(f, back.source());
        for (String k : tensors.keySet()) {
            assertArrayEquals(tensors.get(k).shape(), back.tensor(k).shape(), k);
        }
    }

    @Test
    void noTensorsAndNoMetadata() throws Exception {
        Path f = dir.resolve("empty.safetensors");
        new Checkpoint().save(f);
        byte[] b = Files.readAllBytes(f);
        assertEquals(16, b.length);
        assertEquals(8, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals("{}      ", new String(b, 8, 8, StandardCharsets.UTF_8));
        Checkpoint back = Checkpoint.load(f);
        assertEquals(0, back.tensors().size());
        assertEquals(0, back.metadata().size());
    }

    @Test
    void overwritesAnExistingFile() throws Exception {
        Path f = dir.resolve("over.safetensors");
        Checkpoint one = new Checkpoint().setLong("epoch", 1);
        one.put("w", new TensorData(new int[]{1}, new float[]{1f}));
        one.save(f);
        Checkpoint two = new Checkpoint().setLong("epoch", 2);
        two.put("w", new TensorData(new int[]{2}, new float[]{2f, 3f}));
        two.save(f);
        Checkpoint back = Checkpoint.load(f);
        assertEquals(2, back.getLong("epoch"));
        assertEquals(two.tensors(), back.tensors());
    }

    @Test
    void refusesNamesAndShapesThatCannotBeWritten() {
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint().put("", new TensorData(new int[]{1}, new float[1])));
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint().put("__metadata__", new TensorData(new int[]{1}, new float[1])));
        Checkpoint dup = new Checkpoint();
        dup.put("w", new TensorData(new int[]{1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> dup.put("w", new TensorData(new int[]{1}, new float[1])));
        assertThrows(IllegalArgumentException.class, () -> new TensorData(new int[]{2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new TensorData(new int[]{-1}, new float[0]));
        Checkpoint lone = new Checkpoint();
        lone.put("bad \uD800 name", new TensorData(new int[]{1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> lone.save(dir.resolve("lone.safetensors")));
    }

    @Test
    void metadataHelpers() throws Exception {
        Checkpoint ck = new Checkpoint();
        ck.setLong("iteration", 1L << 40).setString("x", "y");
        ck.putMetadata(Checkpoints.OPTION_PREFIX, Map.of("lr", "0.0002", "n_epochs", "200"));
        Path f = dir.resolve("meta.safetensors");
        ck.save(f);
        Checkpoint back = Checkpoint.load(f);
        assertEquals(1L << 40, back.getLong("iteration"));
        assertEquals(Map.of("lr", "0.0002", "n_epochs", "200"), back.metadataWithPrefix(Checkpoints.OPTION_PREFIX));
        CheckpointFormatException missing = assertThrows(CheckpointFormatException.class, () -> back.getLong("epoch"));
        org.junit.jupiter.api.Assertions.assertTrue(missing.getMessage().contains(f.toString()) && missing.getMessage().contains("epoch"));
        assertThrows(CheckpointFormatException.class, () -> back.getLong("x"));
        assertThrows(CheckpointFormatException.class, () -> back.getInt("iteration"));
    }
}
