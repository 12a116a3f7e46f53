package cyclegan4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * State_dicts written as torch.save writes them ({@link TorchSave}). That PyTorch 1.13 loads them
 * (weights_only too) into its generators exactly is checked by `make parity-authors`; here, that
 * the file reads back as written, and is laid out as PyTorch lays its files out.
 */
class TorchSaveTest {

    @TempDir
    Path dir;

    @Test
    void aStateDictReadsBackExactly() throws IOException {
        SplittableRandom rng = new SplittableRandom(3);
        Map<String, TensorData> sd = new LinkedHashMap<>();
        // shapes whose sizes and element counts take each integer encoding (1, 2 and 4 bytes), a scalar, and names in any order
        for (int[] shape : new int[][]{{64, 3, 7, 7}, {64}, {300}, {70000}, {}, {2, 1, 1, 3}}) {
            float[] v = new float[(int) TensorData.elementCount(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            v[0] = -v.length; // tells the tensors apart
            sd.put("model." + (sd.size() * 7 % 5) + "." + sd.size() + ".weight", new TensorData(shape, v));
        }
        Path file = dir.resolve("g.pth");
        TorchSave.write(file, sd);
        Checkpoint back = Checkpoint.load(file);
        assertEquals(List.copyOf(sd.keySet()), List.copyOf(back.tensors().keySet()));
        sd.forEach((name, t) -> assertEquals(t, back.tensors().get(name), name));
        byte[] first = Files.readAllBytes(file);
        TorchSave.write(file, sd);
        assertArrayEquals(first, Files.readAllBytes(file), "the same weights give the same file");
    }

    /** Strides as PyTorch gives a contiguous tensor's: a zero-size dimension does not zero those before it. */
    @Test
    void stridesAreContiguous() {
        assertArrayEquals(new int[]{21, 7, 1}, TorchSave.contiguousStrides(new int[]{2, 3, 7}));
        assertArrayEquals(new int[]{1, 1}, TorchSave.contiguousStrides(new int[]{3, 0}));
        assertArrayEquals(new int[0], TorchSave.contiguousStrides(new int[0]));
    }

    /** Entries in torch.save's order, stored, their data at multiples of 64 bytes, as PyTorch writes them. */
    @Test
    void theArchiveIsLaidOutAsPyTorchLaysItOut() throws IOException {
        Map<String, TensorData> sd = new LinkedHashMap<>();
        sd.put("a", new TensorData(new int[]{3}, new float[]{1, 2, 3}));
        sd.put("bb", new TensorData(new int[]{1, 2}, new float[]{4, 5}));
        Path file = dir.resolve("x.pth");
        TorchSave.write(file, sd);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> names = new ArrayList<>();
        int at = 0;
        while (b.getInt(at) == 0x04034b50) { // local file headers, one after another
            assertEquals(0, b.getShort(at + 8), "stored, not deflated");
            int size = b.getInt(at + 18), nameLength = b.getShort(at + 26), extraLength = b.getShort(at + 28);
            String name = new String(b.array(), at + 30, nameLength, StandardCharsets.UTF_8);
            int data = at + 30 + nameLength + extraLength;
            assertEquals(0, data % TorchSave.ALIGNMENT, name + " starts at " + data);
            if (name.equals("archive/data/1")) {
                assertEquals(5f, b.getFloat(data + 4));
            }
            if (name.equals("archive/version")) {
                assertEquals("3\n", new String(b.array(), data, size, StandardCharsets.US_ASCII));
            }
            names.add(name);
            at = data + size;
        }
        assertEquals(List.of("archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1", "archive/version"), names);
    }
}
