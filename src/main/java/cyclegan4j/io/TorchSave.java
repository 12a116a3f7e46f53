package cyclegan4j.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state_dict as {@code torch.save(model.state_dict(), f)} does in PyTorch's zip format
 * (1.6 and later), so that {@code torch.load} (also with {@code weights_only=True}) and
 * {@code load_state_dict} take it: a zip archive, every entry stored, of
 * <ul>
 *   <li>{@code archive/data.pkl}: a protocol-2 pickle of a {@code collections.OrderedDict} from
 *       each name to {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False,
 *       OrderedDict())}, where each storage is the persistent id
 *       {@code ('storage', torch.FloatStorage, key, 'cpu', numel)};</li>
 *   <li>{@code archive/byteorder}: "little";</li>
 *   <li>{@code archive/data/KEY}: each tensor's float32 values, little-endian, starting at a
 *       multiple of 64 bytes in the file as PyTorch aligns them (a padding extra field, "FB");</li>
 *   <li>{@code archive/version}: "3".</li>
 * </ul>
 * The pickle uses only the operations and globals PyTorch's {@code weights_only} reader accepts.
 */
public final class TorchSave {

    /** The alignment PyTorch gives each record's data in the archive. */
    static final int ALIGNMENT = 64;
    private static final String PREFIX = "archive/";
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 2, 0, 0);

    private TorchSave() {
    }

    /** Writes {@code stateDict} (in its iteration order) to {@code file}, all at once ({@link AtomicFiles}). */
    public static void write(Path file, Map<String, TensorData> stateDict) throws IOException {
        List<TensorData> tensors = new ArrayList<>(stateDict.values());
        byte[] pickle = pickle(stateDict);
        AtomicFiles.write(file, ch -> {
            CountingStream counted = new CountingStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
            ZipOutputStream zip = new ZipOutputStream(counted);
            put(zip, counted, "data.pkl", pickle);
            put(zip, counted, "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < tensors.size(); i++) {
                put(zip, counted, "data/" + i, littleEndian(tensors.get(i).values()));
            }
            put(zip, counted, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            zip.finish(); // not close(): the channel stays open to be forced to the disk
            counted.flush();
        });
    }

    /** One stored entry, its data aligned to {@link #ALIGNMENT} bytes in the file. */
    private static void put(ZipOutputStream zip, CountingStream counted, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(PREFIX + name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTimeLocal(FIXED_TIME); // the same weights give the same file
        int header = 30 + e.getName().getBytes(StandardCharsets.UTF_8).length + 4; // the local header, with the extra field's own 4 bytes
        int pad = (int) ((ALIGNMENT - (counted.count + header) % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >> 8);
        e.setExtra(extra);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    // pickle opcodes (protocol 2)
    private static final int PROTO = 0x80, GLOBAL = 'c', EMPTY_TUPLE = ')', REDUCE = 'R', MARK = '(', TUPLE = 't', BINPERSID = 'Q',
            BININT = 'J', BININT1 = 'K', BININT2 = 'M', BINUNICODE = 'X', NEWFALSE = 0x89, SETITEMS = 'u', STOP = '.';

    /** data.pkl: the OrderedDict of tensors, storage i for the i-th. */
    static byte[] pickle(Map<String, TensorData> stateDict) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(PROTO);
        p.write(2);
        orderedDict(p);
        p.write(MARK);
        int key = 0;
        for (Map.Entry<String, TensorData> e : stateDict.entrySet()) {
            unicode(p, e.getKey());
            global(p, "torch._utils", "_rebuild_tensor_v2");
            p.write(MARK);
            p.write(MARK); // the persistent id of the storage
            unicode(p, "storage");
            global(p, "torch", "FloatStorage");
            unicode(p, Integer.toString(key++));
            unicode(p, "cpu");
            integer(p, e.getValue().values().length);
            p.write(TUPLE);
            p.write(BINPERSID);
            integer(p, 0); // storage offset
            int[] shape = e.getValue().shape();
            ints(p, shape);
            ints(p, contiguousStrides(shape));
            p.write(NEWFALSE); // requires_grad
            orderedDict(p); // backward hooks
            p.write(TUPLE);
            p.write(REDUCE);
        }
        p.write(SETITEMS);
        p.write(STOP);
        return p.toByteArray();
    }

    static int[] contiguousStrides(int[] shape) {
        int[] stride = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= Math.max(shape[d], 1); // as PyTorch: a zero-size dimension does not zero the strides before it
        }
        return stride;
    }

    private static void orderedDict(ByteArrayOutputStream p) {
        global(p, "collections", "OrderedDict");
        p.write(EMPTY_TUPLE);
        p.write(REDUCE);
    }

    private static void global(ByteArrayOutputStream p, String module, String name) {
        p.write(GLOBAL);
        p.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(BINUNICODE);
        le32(p, b.length);
        p.writeBytes(b);
    }

    private static void ints(ByteArrayOutputStream p, int[] values) {
        p.write(MARK);
        for (int v : values) {
            integer(p, v);
        }
        p.write(TUPLE);
    }

    private static void integer(ByteArrayOutputStream p, int v) {
        if (v >= 0 && v < 0x100) {
            p.write(BININT1);
            p.write(v);
        } else if (v >= 0 && v < 0x10000) {
            p.write(BININT2);
            p.write(v);
            p.write(v >> 8);
        } else {
            p.write(BININT);
            le32(p, v);
        }
    }

    private static void le32(ByteArrayOutputStream p, int v) {
        p.write(v);
        p.write(v >> 8);
        p.write(v >> 16);
        p.write(v >> 24);
    }

    /** Counts the bytes written, so that each entry's data can be aligned. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
