package cyclegan4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Corrupt, truncated and hostile files: each must fail with a {@link CheckpointFormatException}
 * naming the file and the problem, never another exception, an OutOfMemoryError or a hang.
 */
class SafeTensorsErrorTest {

    @TempDir
    Path dir;

    private int counter;

    /** A file of an 8-byte little-endian length, then the header as given, then {@code data}. */
    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return rawBytes(h.length, h, data);
    }

    private Path rawBytes(long declaredLength, byte[] header, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
        b.write(header);
        b.write(data);
        return write(b.toByteArray());
    }

    private Path write(byte[] bytes) throws IOException {
        Path f = dir.resolve("bad" + (counter++) + ".safetensors");
        Files.write(f, bytes);
        return f;
    }

    /** Reading {@code f} fails with a format error that names the file and contains every fragment. */
    private static CheckpointFormatException fails(Path f, String... fragments) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), "message names the file: " + e.getMessage());
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "message should mention '" + s + "': " + e.getMessage());
        }
        return e;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private byte[] validFile() throws IOException {
        Checkpoint ck = new Checkpoint().setLong("epoch", 5);
        ck.put("a", new TensorData(new int[]{2, 3}, new float[]{1, 2, 3, 4, 5, 6}));
        ck.put("b", new TensorData(new int[]{4}, new float[]{7, 8, 9, 10}));
        Path f = dir.resolve("valid" + (counter++) + ".safetensors");
        ck.save(f);
        return Files.readAllBytes(f);
    }

    @Test
    void truncatedAtEveryCutPoint() throws Exception {
        byte[] full = validFile();
        long n = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int headerEnd = (int) (8 + n);
        int[] cuts = {0, 1, 4, 7, 8, 9, 20, headerEnd - 1, headerEnd, headerEnd + 1, headerEnd + 24, full.length - 4, full.length - 1};
        for (int cut : cuts) {
            Path f = write(Arrays.copyOf(full, cut));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f), "cut " + cut);
            assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        }
        fails(write(Arrays.copyOf(full, 5)), "too short");
        fails(write(Arrays.copyOf(full, headerEnd - 1)), "exceeds", "truncated");
        fails(write(Arrays.copyOf(full, full.length - 1)), "reach past", "truncated");
        // every cut point, to be thorough (the file is small)
        for (int cut = 0; cut < full.length; cut++) {
            Path f = write(Arrays.copyOf(full, cut));
            assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f), "cut " + cut);
            Files.delete(f);
        }
    }

    @Test
    void randomGarbage() throws Exception {
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[rng.nextInt(0, 200)];
            rng.nextBytes(b);
            if (i % 3 == 0 && b.length >= 10) { // plausible length field followed by garbage
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(rng.nextInt(2, b.length - 7));
            }
            Path f = write(b);
            assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f), "garbage " + i);
            Files.delete(f);
        }
        fails(write("PK\u0003\u0004 this is a zip file, not safetensors".getBytes(StandardCharsets.ISO_8859_1)), "a zip archive");
    }

    @Test
    void corruptedHeaderBytesNeverEscapeAsAnotherException() throws Exception {
        byte[] full = validFile();
        int headerEnd = (int) (8 + ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getLong());
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 1000; i++) {
            byte[] b = full.clone();
            int flips = 1 + rng.nextInt(3);
            for (int k = 0; k < flips; k++) {
                b[rng.nextInt(headerEnd)] = (byte) rng.nextInt(256);
            }
            Path f = write(b);
            try {
                SafeTensors.read(f); // some corruptions are harmless (inside a metadata string)
            } catch (CheckpointFormatException expected) {
                assertTrue(expected.getMessage().startsWith(f.toString()));
            } catch (Throwable t) {
                fail("corruption " + i + " escaped as " + t, t);
            }
            Files.delete(f);
        }
    }

    @Test
    void headerLengthLargerThanTheFile() throws Exception {
        fails(rawBytes(1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "header length 1000 exceeds the 2 bytes");
    }

    @Test
    void absurdHeaderLengths() throws Exception {
        fails(rawBytes(1L << 62, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "4611686018427387904", "out of range");
        fails(rawBytes(-1L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "18446744073709551615", "out of range");
        fails(rawBytes(SafeTensors.MAX_HEADER_BYTES + 1, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "out of range");
        fails(rawBytes(0, new byte[0], new byte[0]), "out of range");
    }

    @Test
    void headerThatIsNotJsonOrNotAnObject() throws Exception {
        fails(raw("[1,2]", new byte[0]), "not a JSON object");
        fails(raw("{\"a\":", new byte[0]), "malformed header");
        fails(raw("{}\0\0\0\0\0\0", new byte[0]), "malformed header", "trailing");
        fails(rawBytes(4, new byte[]{'{', (byte) 0xC3, 0x28, '}'}, new byte[0]), "not valid UTF-8");
        fails(raw("[".repeat(100_000), new byte[0]), "nested deeper");
        fails(raw("{\"__metadata__\":{\"epoch\":5}}", new byte[0]), "'epoch'", "not a string");
        fails(raw("{\"__metadata__\":[]}", new byte[0]), "__metadata__ is not a JSON object");
    }

    @Test
    void headerIsAcceptedWithoutPaddingAndWithWhitespace() throws Exception {
        Path f = raw(" { " + entry("w", "F32", "[ 1 ]", 0, 4) + " }\n\t", new byte[]{0, 0, (byte) 0x80, 0x3f});
        assertEquals(1f, SafeTensors.read(f).tensor("w").values()[0]);
    }

    @Test
    void dataOffsetsOutOfRange() throws Exception {
        fails(raw("{" + entry("w", "F32", "[250]", 0, 1000) + "}", new byte[8]), "'w'", "reach past the 8-byte data section");
        fails(raw("{" + entry("w", "F32", "[1]", -4, 0) + "}", new byte[4]), "'w'", "invalid data_offsets");
        fails(raw("{" + entry("w", "F32", "[1]", 8, 4) + "}", new byte[8]), "'w'", "invalid data_offsets");
        fails(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", new byte[4]),
                "overflows 64 bits");
        fails(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]), "two integers");
        fails(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}", new byte[4]), "non-integer");
    }

    @Test
    void shapeAndOffsetsDisagree() throws Exception {
        fails(raw("{" + entry("w", "F32", "[3]", 0, 8) + "}", new byte[8]), "'w'", "span 8 bytes", "[3]", "needs 12");
        fails(raw("{" + entry("w", "F32", "[2.5]", 0, 8) + "}", new byte[8]), "non-integer");
        fails(raw("{" + entry("w", "F32", "[-2]", 0, 8) + "}", new byte[8]), "'w'", "non-negative");
        fails(raw("{" + entry("w", "F32", "[\"2\"]", 0, 8) + "}", new byte[8]), "'w'", "non-negative");
        fails(raw("{" + entry("w", "F32", "[2147483648]", 0, 8) + "}", new byte[8]), "'w'", "below 2^31");
        fails(raw("{" + entry("w", "F32", "[2147483647,2147483647,2147483647]", 0, 8) + "}", new byte[8]), "'w'", "overflow");
        fails(raw("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]), "'w'", "shape");
        fails(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", new byte[4]), "unknown field 'extra'");
        fails(raw("{\"w\":[1]}", new byte[4]), "'w'", "not a JSON object");
    }

    @Test
    void tensorsMustTileTheDataSection() throws Exception {
        fails(raw("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", new byte[12]),
                "'b' starts at byte 4", "'a' ends at 8", "overlapping");
        fails(raw("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", new byte[12]),
                "'b'", "gap");
        fails(raw("{" + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]), "'a' starts at byte 4", "gap");
        fails(raw("{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[12]), "8 trailing bytes");
        fails(raw("{\"__metadata__\":{}}", new byte[3]), "3 trailing bytes");
        // order in the JSON object does not have to follow the data order (the spec allows any)
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).array();
        Checkpoint ck = SafeTensors.read(raw("{" + entry("second", "F32", "[1]", 4, 8) + "," + entry("first", "F32", "[1]", 0, 4) + "}", data));
        assertEquals(2f, ck.tensor("second").values()[0]);
        assertEquals(1f, ck.tensor("first").values()[0]);
    }

    @Test
    void duplicateNames() throws Exception {
        fails(raw("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}", new byte[8]),
                "duplicate key \"w\"");
    }

    @Test
    void unsupportedDtypes() throws Exception {
        fails(raw("{" + entry("h", "F16", "[2]", 0, 4) + "}", new byte[4]), "'h'", "dtype F16", "only F32");
        fails(raw("{" + entry("i", "I64", "[]", 0, 8) + "}", new byte[8]), "'i'", "dtype I64", "only F32");
        fails(raw("{" + entry("x", "F33", "[1]", 0, 4) + "}", new byte[4]), "'x'", "unknown dtype 'F33'");
        // the header alone of a valid non-F32 file can still be inspected
        SafeTensors.Header h = SafeTensors.readHeader(raw("{" + entry("h", "BF16", "[2]", 0, 4) + "}", new byte[4]));
        assertEquals("BF16", h.entries().get(0).dtype());
    }

    @Test
    void missingFileIsAnIOException() {
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("nope.safetensors"), e.getMessage());
    }
}
