package cyclegan4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads and writes the safetensors format (the format of Hugging Face's {@code safetensors}
 * library, which PyTorch users load with {@code safetensors.torch.load_file}):
 *
 * <pre>
 *   8 bytes   N, unsigned little-endian
 *   N bytes   UTF-8 JSON header, padded with spaces so that N is a multiple of 8:
 *             {"__metadata__": {"key": "value", ...},
 *              "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 *   rest      the data section: each tensor's little-endian bytes at [begin, end) relative to its
 *             start; the tensors tile it exactly (no gaps, no overlap, nothing after the last)
 * </pre>
 *
 * <p>Writing produces F32 tensors, in the given order, atomically (see {@link AtomicFiles}).
 * Reading accepts F32 tensors and fails with a {@link CheckpointFormatException} naming the file
 * and the problem for anything else: a truncated or garbage file, a header length out of range, a
 * malformed header, offsets outside the data section or not matching the shape, overlapping
 * tensors, another dtype. Nothing is allocated from a size the file claims before that size has
 * been checked against the file's real length, so a corrupt file cannot cause an
 * {@link OutOfMemoryError} or a hang.
 */
public final class SafeTensors {

    /** Largest header accepted (the reference implementation's limit too). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The header key holding string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    public static final String F32 = "F32";

    /** Largest Java array we ask for. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {
    }

    /** One tensor of a header: where its bytes lie in the data section, {@code [begin, end)}. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        public long elementCount() {
            return TensorData.elementCount(shape);
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
        }
    }

    /**
     * A validated header: its tensors in header order, its metadata, and the file offset where the
     * data section starts ({@code 8 + N}).
     */
    public record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file} as F32
     * safetensors, atomically: until the new file is complete and flushed, an existing file stays as
     * it was. Each source's values are requested once, in order, while writing.
     *
     * @throws IllegalArgumentException for a name or shape that cannot be written (empty name, the
     *                                  name {@code __metadata__}, a lone UTF-16 surrogate, a tensor
     *                                  too large for a Java array)
     * @throws IOException              from the file system or from a tensor source; the target is
     *                                  then unchanged and no temporary file remains
     */
    public static void write(Path file, Map<String, ? extends TensorSource> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = encodeHeader(tensors, metadata);
        AtomicFiles.write(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, ? extends TensorSource> e : tensors.entrySet()) {
                long n = TensorData.elementCount(e.getValue().shape());
                float[] values = e.getValue().values();
                if (values == null || values.length != n) {
                    throw new IOException("tensor '" + e.getKey() + "': its source gave "
                            + (values == null ? "null" : values.length + " values") + " for shape "
                            + Arrays.toString(e.getValue().shape()) + " (" + n + " elements)");
                }
                writeFloats(ch, chunk, values);
            }
        });
    }

    /** The header bytes (JSON, space-padded to a multiple of 8), without the length prefix. */
    static byte[] encodeHeader(Map<String, ? extends TensorSource> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder(64 + 96 * tensors.size());
        json.append('{');
        boolean first = true;
        if (!metadata.isEmpty()) {
            Json.appendString(json, METADATA_KEY);
            json.append(":{");
            boolean firstKey = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (m.getKey() == null || m.getValue() == null) {
                    throw new IllegalArgumentException("metadata: null key or value (" + m.getKey() + ")");
                }
                if (!firstKey) {
                    json.append(',');
                }
                firstKey = false;
                Json.appendString(json, m.getKey());
                json.append(':');
                Json.appendString(json, m.getValue());
            }
            json.append('}');
            first = false;
        }
        long offset = 0;
        for (Map.Entry<String, ? extends TensorSource> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "'");
            }
            int[] shape = e.getValue().shape();
            long n;
            try {
                n = TensorData.elementCount(shape);
            } catch (ArithmeticException ex) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " overflows");
            }
            if (n > MAX_ARRAY) {
                throw new IllegalArgumentException("tensor '" + name + "': " + n + " elements do not fit a Java array");
            }
            long end = offset + 4 * n;
            if (!first) {
                json.append(',');
            }
            first = false;
            Json.appendString(json, name);
            json.append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] utf8;
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(json));
            utf8 = Arrays.copyOf(b.array(), b.limit());
        } catch (CharacterCodingException ex) {
            throw new IllegalArgumentException("a tensor name or metadata string is not valid Unicode (lone surrogate?)", ex);
        }
        int padded = (utf8.length + 7) & ~7;
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header of " + padded + " bytes exceeds " + MAX_HEADER_BYTES);
        }
        byte[] out = Arrays.copyOf(utf8, padded);
        Arrays.fill(out, utf8.length, padded, (byte) ' ');
        return out;
    }

    private static void writeFloats(FileChannel ch, ByteBuffer chunk, float[] values) throws IOException {
        int perChunk = chunk.capacity() / 4;
        for (int off = 0; off < values.length; off += perChunk) {
            int len = Math.min(perChunk, values.length - off);
            chunk.clear();
            chunk.asFloatBuffer().put(values, off, len);
            chunk.limit(4 * len);
            writeFully(ch, chunk);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /** Reads every tensor (F32 only) and the metadata. */
    public static Checkpoint read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /**
     * Reads the metadata and the tensors whose names {@code keep} accepts (F32 only); the others are
     * not read. A file of one network's names alone ({@code save_file(G.state_dict(), f)}: no
     * "G_AB." before them) is read whole, as {@link TorchFile} reads one: which network it is, the
     * caller says.
     */
    public static Checkpoint read(Path file, Predicate<String> keep) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(file, ch);
            Checkpoint out = new Checkpoint(file);
            out.metadata().putAll(h.metadata());
            boolean oneNetwork = Checkpoint.isOneNetwork(h.entries().stream().map(Entry::name).toList());
            List<Entry> kept = h.entries().stream().filter(e -> oneNetwork || keep.test(e.name())).toList();
            for (Entry e : kept) {
                if (!F32.equals(e.dtype())) {
                    throw new CheckpointFormatException(file, "tensor '" + e.name() + "' has dtype " + e.dtype()
                            + "; only F32 is supported (convert with tensor.float() before saving)");
                }
            }
            for (Entry e : kept) {
                long n = e.elementCount();
                if (n > MAX_ARRAY) {
                    throw new CheckpointFormatException(file, "tensor '" + e.name() + "' has " + n
                            + " elements, more than a Java array holds");
                }
                float[] values = new float[(int) n];
                readFloats(file, ch, h.dataStart() + e.begin(), values);
                out.put(e.name(), new TensorData(e.shape(), values));
            }
            return out;
        }
    }

    /** Reads and validates only the header (names, dtypes, shapes, offsets, metadata). */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch);
        }
    }

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            throw new CheckpointFormatException(file, "file is " + size + " bytes, " + (name.endsWith(".pth") || name.endsWith(".pt")
                    || name.endsWith(".ckpt") ? "too short for a PyTorch file (empty or truncated: a failed copy or download?)"
                    : "too short for the 8-byte header length (truncated, or not a safetensors file)"));
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, 0, lenBuf);
        long n = lenBuf.flip().getLong();
        String kind = n < 2 || n > size - 8 ? otherFormat(file, lenBuf.array()) : null;
        if (kind != null) {
            throw new CheckpointFormatException(file, kind);
        }
        if (n < 2 || n > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(file, "header length " + Long.toUnsignedString(n)
                    + " is out of range (2.." + MAX_HEADER_BYTES + "): not a safetensors file, or corrupted");
        }
        if (n > size - 8) {
            throw new CheckpointFormatException(file, "header length " + n + " exceeds the " + (size - 8)
                    + " bytes that follow it (truncated file?)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(file, ch, 8, headerBytes);
        headerBytes.flip();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(file, "header is not valid UTF-8 (garbage, or not a safetensors file)");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.SyntaxException e) {
            throw new CheckpointFormatException(file, "malformed header: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new CheckpointFormatException(file, "header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> kv : top.entrySet()) {
            String name = (String) kv.getKey();
            if (name.equals(METADATA_KEY)) {
                parseMetadata(file, kv.getValue(), metadata);
            } else {
                entries.add(parseEntry(file, name, kv.getValue(), dataLength));
            }
        }
        checkTiling(file, entries, dataLength);
        return new Header(Collections.unmodifiableList(entries), Collections.unmodifiableMap(metadata), dataStart);
    }

    /**
     * What a file that is no safetensors file looks like, when it is one of the formats users mix up
     * with it (from its name or its first bytes), or null: an ONNX model (which `export` writes), a
     * PyTorch {@code .pth} (a zip archive), a PNG or JPEG image.
     */
    private static String otherFormat(Path file, byte[] first8) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".onnx")) {
            return "an ONNX model, not a safetensors file: cyclegan4j reads checkpoints and exports (.safetensors);"
                    + " ONNX files are for ONNX Runtime and other ONNX engines";
        }
        if (startsWith(first8, 'P', 'K', 3, 4)) {
            return "a zip archive (a PyTorch .pth?), not a safetensors file";
        }
        if (name.endsWith(".pth") || name.endsWith(".pt")) {
            return "named as a PyTorch file, but it is neither a zip archive nor a pickle (damaged, or another format)";
        }
        if (startsWith(first8, 0x89, 'P', 'N', 'G') || startsWith(first8, 0xff, 0xd8, 0xff)) {
            return "an image, not a safetensors checkpoint";
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static void parseMetadata(Path file, Object value, Map<String, String> out) throws CheckpointFormatException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointFormatException(file, METADATA_KEY + " is not a JSON object");
        }
        for (Map.Entry<?, ?> kv : m.entrySet()) {
            if (!(kv.getValue() instanceof String s)) {
                throw new CheckpointFormatException(file, METADATA_KEY + " value of '" + kv.getKey()
                        + "' is not a string");
            }
            out.put((String) kv.getKey(), s);
        }
    }

    /** Bytes per element of the safetensors dtypes (to validate headers of any file). */
    private static int dtypeSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    private static Entry parseEntry(Path file, String name, Object value, long dataLength) throws CheckpointFormatException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointFormatException(file, where + ": entry is not a JSON object");
        }
        for (Object k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new CheckpointFormatException(file, where + ": unknown field '" + k + "'");
            }
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw new CheckpointFormatException(file, where + ": missing or non-string dtype");
        }
        int elementSize = dtypeSize(dtype);
        if (elementSize < 0) {
            throw new CheckpointFormatException(file, where + ": unknown dtype '" + dtype + "'");
        }
        if (!(m.get("shape") instanceof List<?> dims)) {
            throw new CheckpointFormatException(file, where + ": missing or non-array shape");
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new CheckpointFormatException(file, where + ": shape " + dims
                        + " must hold non-negative integers below 2^31");
            }
            shape[i] = (int) (long) d;
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(TensorData.elementCount(shape), (long) elementSize);
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(file, where + ": shape " + dims + " has too many elements (overflow)");
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw new CheckpointFormatException(file, where + ": data_offsets must be an array of two integers, got "
                    + m.get("data_offsets"));
        }
        if (begin < 0 || end < begin) {
            throw new CheckpointFormatException(file, where + ": invalid data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataLength) {
            throw new CheckpointFormatException(file, where + ": data_offsets [" + begin + ", " + end
                    + "] reach past the " + dataLength + "-byte data section (truncated file?)");
        }
        if (end - begin != bytes) {
            throw new CheckpointFormatException(file, where + ": data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes but shape " + dims + " of " + dtype + " needs " + bytes);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** The tensors must cover the data section exactly: no gap, no overlap, nothing left over. */
    private static void checkTiling(Path file, List<Entry> entries, long dataLength) throws CheckpointFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() != expected) {
                throw new CheckpointFormatException(file, "tensor '" + e.name() + "' starts at byte " + e.begin()
                        + " but " + (previous == null ? "the data section starts at 0"
                        : "'" + previous.name() + "' ends at " + expected)
                        + (e.begin() < expected ? " (overlapping tensors)" : " (gap in the data section)"));
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataLength) {
            throw new CheckpointFormatException(file, "the data section has " + dataLength + " bytes but the tensors cover "
                    + expected + " (" + (dataLength - expected) + " trailing bytes)");
        }
    }

    private static void readFloats(Path file, FileChannel ch, long position, float[] dst) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, 4L * dst.length)).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = Math.max(1, chunk.capacity() / 4);
        for (int off = 0; off < dst.length; off += perChunk) {
            int len = Math.min(perChunk, dst.length - off);
            chunk.clear().limit(4 * len);
            readFully(file, ch, position + 4L * off, chunk);
            chunk.flip();
            chunk.asFloatBuffer().get(dst, off, len);
        }
    }

    /** Fills {@code b} from {@code position}; a file that ends first is reported as truncated. */
    private static void readFully(Path file, FileChannel ch, long position, ByteBuffer b) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new CheckpointFormatException(file, "file ends at byte " + p + " while reading (truncated?)");
            }
            p += r;
        }
    }
}
