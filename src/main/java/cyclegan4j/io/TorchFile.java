package cyclegan4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the state_dicts that PyTorch's {@code torch.save} writes ({@code .pth}, {@code .pt}): the
 * zip format of PyTorch 1.6 and later and the older "legacy" format (a run of pickles followed by
 * the raw storages), as the CycleGAN authors' released generators and PyTorch-GAN's
 * {@code G_AB_N.pth} files are. Nothing in the file is executed ({@link Pickle} refuses every
 * Python object but dicts, lists, tuples, numbers, strings and tensors).
 *
 * <p>What it gives: a {@link Checkpoint} of the file's floating-point tensors (float32, float64,
 * float16 and bfloat16, all converted to float32), named by their dict keys joined with "." (a
 * state_dict's own names; {@code {"G_AB": G_AB.state_dict(), ...}} gives cyclegan4j's
 * {@code G_AB.model.1.weight}). Integer tensors ({@code num_batches_tracked}) and non-tensor
 * values are left out, a {@code module.} component (DataParallel's) or {@code _orig_mod.}
 * (torch.compile's) is dropped, and so are the running statistics an affine-free instance norm
 * carried in PyTorch before 0.4 (the authors' released models have them; their test code deletes
 * them the same way).
 */
public final class TorchFile {

    /** Metadata key of a checkpoint read from a PyTorch file: the file's name. */
    public static final String SOURCE_KEY = "pytorch_file";
    /**
     * Metadata key of a PyTorch file that is no lone network: where its generators are, the
     * prefixes of every "model.1.weight" among all its tensors (before the caller's filter), e.g.
     * "G_AB., G_BA." or "state_dict.G_AB., ..."; empty when there is none.
     */
    static final String GENERATORS_KEY = "pytorch_generators";

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int LEGACY_PROTOCOL = 1001;

    private TorchFile() {
    }

    /** An element type of torch's storages, by the storage class's name. */
    enum Dtype {
        FLOAT("FloatStorage", 4), DOUBLE("DoubleStorage", 8), HALF("HalfStorage", 2), BFLOAT16("BFloat16Storage", 2),
        LONG("LongStorage", 8), INT("IntStorage", 4), SHORT("ShortStorage", 2), CHAR("CharStorage", 1),
        BYTE("ByteStorage", 1), BOOL("BoolStorage", 1);

        final String storageClass;
        final int size;

        Dtype(String storageClass, int size) {
            this.storageClass = storageClass;
            this.size = size;
        }

        boolean isFloat() {
            return this == FLOAT || this == DOUBLE || this == HALF || this == BFLOAT16;
        }

        static Dtype ofStorage(String name) {
            for (Dtype d : values()) {
                if (d.storageClass.equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** A storage the pickle names: {@code numel} elements at {@code offset} elements into the stored {@code key}. */
    record Storage(String key, Dtype dtype, long offset, long numel) {
    }

    /** A tensor the pickle rebuilds: a strided view of a storage (torch's _rebuild_tensor_v2 arguments). */
    record TensorRef(Storage storage, long offset, int[] size, long[] stride) {
    }

    /**
     * Whether {@code first} (a file's first 9 bytes, fewer for a shorter file) starts as a file of
     * torch.save does: a zip, or a pickle (PROTO 2-5). A safetensors file starts with its header's
     * length, whose low bytes can read as PROTO too; its ninth byte, the header's '{', tells it apart.
     */
    static boolean looksLike(byte[] first) {
        boolean safetensors = first.length >= 9 && first[8] == '{';
        return !safetensors && first.length >= 4 && (first[0] == 'P' && first[1] == 'K' && first[2] == 3 && first[3] == 4
                || (first[0] & 0xff) == 0x80 && first[1] >= 2 && first[1] <= 5);
    }

    /**
     * Reads {@code file}'s tensors whose names {@code keep} accepts; a file that holds one network's
     * state_dict (every name starts with "model.", the networks' top module) is read whole, since
     * which network it is (G_AB or G_BA) only the caller knows.
     */
    public static Checkpoint read(Path file, Predicate<String> keep) throws IOException {
        byte[] first = new byte[9];
        try (InputStream s = Files.newInputStream(file)) {
            int n = s.readNBytes(first, 0, first.length);
            if (n < 4 || !looksLike(java.util.Arrays.copyOf(first, n))) {
                throw new CheckpointFormatException(file + ": not a PyTorch file (neither a zip archive nor a pickle)");
            }
        }
        try {
            return first[0] == 'P' ? readZip(file, keep) : readLegacy(file, keep);
        } catch (java.util.zip.ZipException | java.io.EOFException e) { // EOF: a compressed entry that ends early
            throw new CheckpointFormatException(file + ": a damaged zip archive (" + e.getMessage() + "), not a readable PyTorch file");
        } catch (RuntimeException | StackOverflowError e) { // a value of the wrong type where torch puts another, or a cycle
            throw new CheckpointFormatException(file + ": a damaged PyTorch file or one of an unexpected shape ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    // ---- the two containers -------------------------------------------------------------------

    private static Checkpoint readZip(Path file, Predicate<String> keep) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = null;
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                    break;
                }
            }
            if (prefix == null) {
                throw new CheckpointFormatException(file + ": a zip archive without a data.pkl: not a file of torch.save");
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null && new String(read(zip, byteorder, 16), java.nio.charset.StandardCharsets.US_ASCII).trim().equals("big")) {
                order = ByteOrder.BIG_ENDIAN;
            }
            Object root = Pickle.load(ByteBuffer.wrap(read(zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE_BYTES)),
                    new TorchCalls(file, false), file + " (data.pkl)");
            String dataPrefix = prefix + "data/";
            ByteOrder o = order;
            // each tensor reads its storage when its turn comes (not all of them at once); the last one read is kept, so that
            // views of one storage that follow each other (parameters flattened into one buffer) read it once, not once each
            String[] lastKey = {null};
            ByteBuffer[] last = {null};
            return toCheckpoint(file, root, keep, storage -> {
                if (storage.key().equals(lastKey[0])) {
                    return last[0];
                }
                ZipEntry e = zip.getEntry(dataPrefix + storage.key());
                if (e == null) {
                    throw new CheckpointFormatException(file + ": the storage " + dataPrefix + storage.key() + " is missing");
                }
                last[0] = null; // the previous storage can go before the next is read
                last[0] = ByteBuffer.wrap(read(zip, e, storageBytes(file, storage))).order(o);
                lastKey[0] = storage.key();
                return last[0];
            });
        }
    }

    /** A state_dict's pickle is kilobytes: data.pkl is read up to this many bytes. */
    private static final int MAX_PICKLE_BYTES = 64 << 20;

    /** The bytes a storage's elements take: what is read of its entry (overflow and 2 GB checked). */
    private static int storageBytes(Path file, Storage s) throws CheckpointFormatException {
        long bytes = s.numel() < 0 ? -1 : s.numel() * s.dtype().size;
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 16) {
            throw new CheckpointFormatException(file + ": storage " + s.key() + " of " + s.numel() + " elements (more than 2 GB)");
        }
        return (int) bytes;
    }

    /**
     * At most {@code max} bytes of an entry. torch.save stores its entries uncompressed; a
     * compressed one (a .pth zipped again) is read too, unless it inflates more than real weights
     * do, as a zip bomb would.
     */
    private static byte[] read(ZipFile zip, ZipEntry e, int max) throws IOException {
        if (e.getMethod() != ZipEntry.STORED && e.getSize() > (1 << 20) && e.getSize() > 100 * Math.max(1, e.getCompressedSize())) {
            throw new CheckpointFormatException(zip.getName() + ": " + e.getName() + " inflates " + e.getCompressedSize() + " bytes to "
                    + e.getSize() + ", as no weights do: a damaged or hostile file");
        }
        try (InputStream s = zip.getInputStream(e)) {
            return s.readNBytes(max);
        }
    }

    /**
     * The format PyTorch wrote before 1.6 (and with {@code _use_new_zipfile_serialization=False}):
     * pickles of the magic number, the protocol version, the system's byte order and the object,
     * then the list of storage keys, then each storage as an int64 element count and its bytes.
     */
    private static Checkpoint readLegacy(Path file, Predicate<String> keep) throws IOException {
        ByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new CheckpointFormatException(file + ": a PyTorch file in the legacy format over 2 GB");
            }
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        TorchCalls calls = new TorchCalls(file, true);
        Object magic = Pickle.load(buf, calls, file.toString());
        if (!LEGACY_MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic)) {
            throw new CheckpointFormatException(file + ": a pickle, but not one torch.save wrote (no magic number)");
        }
        Object protocol = Pickle.load(buf, calls, file.toString());
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol)) {
            throw new CheckpointFormatException(file + ": PyTorch's legacy format version " + protocol + ", not " + LEGACY_PROTOCOL);
        }
        ByteOrder order = Pickle.load(buf, calls, file.toString()) instanceof Map<?, ?> info
                && Boolean.FALSE.equals(info.get("little_endian")) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Object root = Pickle.load(buf, calls, file.toString());
        if (!(Pickle.load(buf, calls, file.toString()) instanceof List<?> keys)) {
            throw new CheckpointFormatException(file + ": the list of storages is missing");
        }
        Map<String, ByteBuffer> storages = new HashMap<>();
        for (Object key : keys) {
            Dtype dtype = calls.rootTypes.get(String.valueOf(key));
            if (dtype == null) {
                throw new CheckpointFormatException(file + ": storage " + key + " is listed but no tensor uses it");
            }
            long numel = buf.order(order).getLong();
            if (numel < 0 || numel > buf.remaining() / dtype.size) {
                throw new CheckpointFormatException(file + ": storage " + key + " (" + numel + " elements) runs past the end of the file");
            }
            int bytes = (int) numel * dtype.size;
            ByteBuffer data = buf.slice(buf.position(), bytes).order(order);
            buf.position(buf.position() + bytes);
            storages.put(String.valueOf(key), data);
        }
        return toCheckpoint(file, root, keep, storage -> {
            ByteBuffer b = storages.get(storage.key());
            if (b == null) {
                throw new CheckpointFormatException(file + ": storage " + storage.key() + " is missing from the list of storages");
            }
            return b;
        });
    }

    // ---- from the unpickled object to a Checkpoint --------------------------------------------

    private interface StorageBytes {
        ByteBuffer of(Storage storage) throws IOException;
    }

    private static Checkpoint toCheckpoint(Path file, Object root, Predicate<String> keep, StorageBytes bytes) throws IOException {
        if (!(root instanceof Map<?, ?> map)) {
            throw new CheckpointFormatException(file + ": holds " + (root instanceof TensorRef ? "one tensor" : "no dict")
                    + ", not a state_dict (save one with torch.save(model.state_dict(), f))");
        }
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        flatten(file, "", map, tensors, Collections.newSetFromMap(new IdentityHashMap<>()), new int[]{MAX_ENTRIES}, 0);
        dropInstanceNormStatistics(tensors);
        boolean oneNetwork = Checkpoint.isOneNetwork(tensors.keySet());
        // Views may repeat their storage's elements (tied weights, expand()'s stride 0): a few times
        // over is real, millions of times over is a small hostile file asking for gigabytes.
        long elements = 0, allowed = 4 * Files.size(file) + (1L << 24);
        for (Map.Entry<String, TensorRef> e : tensors.entrySet()) {
            if (oneNetwork || keep.test(e.getKey())) {
                elements = Math.addExact(elements, TensorData.elementCount(e.getValue().size()));
            }
        }
        if (elements > allowed) {
            throw new CheckpointFormatException(file + ": its tensors would hold " + elements + " values, far more than a file of "
                    + Files.size(file) + " bytes stores: a damaged or hostile file");
        }
        Checkpoint ck = new Checkpoint(file);
        for (Map.Entry<String, TensorRef> e : tensors.entrySet()) {
            if (oneNetwork || keep.test(e.getKey())) {
                ck.put(e.getKey(), new TensorData(e.getValue().size(), values(file, e.getKey(), e.getValue(), bytes)));
            }
        }
        ck.setString(SOURCE_KEY, file.getFileName().toString());
        if (!oneNetwork) {
            StringJoiner prefixes = new StringJoiner(", ");
            tensors.keySet().stream().filter(n -> n.endsWith(".model.1.weight") || n.equals("model.1.weight"))
                    .forEach(n -> prefixes.add(n.equals("model.1.weight") ? "the top level (model., beside tensors of other names)"
                            : n.substring(0, n.length() - "model.1.weight".length())));
            ck.setString(GENERATORS_KEY, prefixes.toString());
        }
        return ck;
    }

    /**
     * For an error about a PyTorch file without the generator asked for ("no tensor G_AB.model.1.weight"):
     * where the file's generator-like weights are instead, or that it has none; "" for other files.
     */
    public static String whereGenerators(Checkpoint ck) {
        String found = ck.getString(GENERATORS_KEY, null);
        if (found == null) {
            return "";
        }
        return found.isEmpty() ? "; the file holds no generator (no tensor named ...model.1.weight)"
                : "; the file's generators are under " + found + " where cyclegan4j reads G_AB. and G_BA.: re-save them as"
                + " torch.save({'G_AB': G_AB.state_dict(), 'G_BA': G_BA.state_dict()}, f), or save one alone";
    }

    /** How many dict entries a file may hold in all: a 9-block generator's state_dict has 48, a run's four networks and optimizers a few hundred. */
    private static final int MAX_ENTRIES = 1_000_000;

    /**
     * The floating-point tensors under {@code map}, named by their keys joined with "." ("module"
     * components dropped). The pickle's memo lets a file repeat one dict many times over, or put
     * one inside itself: a dict inside itself ({@code path}: the dicts being walked) is refused, and
     * so are a walk of more than {@link #MAX_ENTRIES} entries ({@code budget}), which nesting
     * repeated dicts reaches from a file of a few hundred bytes, and dicts 64 deep.
     */
    private static void flatten(Path file, String prefix, Map<?, ?> map, Map<String, TensorRef> out, Set<Object> path, int[] budget,
                                int depth) throws CheckpointFormatException {
        budget[0] -= map.size();
        if (!path.add(map) || budget[0] < 0 || depth > 64) {
            throw new CheckpointFormatException(file + ": dicts that contain themselves, nest or repeat more than a state_dict's"
                    + " (under '" + (prefix.length() > 80 ? prefix.substring(0, 80) + "..." : prefix) + "'): not a state_dict");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String) && !(e.getKey() instanceof Long)) {
                continue;
            }
            String key = String.valueOf(e.getKey());
            String name = key.equals("module") ? prefix : prefix + key + ".";
            if (e.getValue() instanceof Map<?, ?> inner) {
                flatten(file, name, inner, out, path, budget, depth + 1);
            } else if (e.getValue() instanceof TensorRef t && t.storage().dtype().isFloat()) {
                out.put(stripModule(prefix + key), t);
            }
        }
        path.remove(map);
    }

    /**
     * "module.model.1.weight" -> "model.1.weight": nn.DataParallel's (and DistributedDataParallel's)
     * wrapper, anywhere in the name; likewise "_orig_mod.", the wrapper of a torch.compile'd model.
     */
    private static String stripModule(String name) {
        return ("." + name).replace(".module.", ".").replace("._orig_mod.", ".").substring(1);
    }

    /** Removes X.running_mean / X.running_var where X has no weight: PyTorch &lt; 0.4's instance norms kept them unused. */
    private static void dropInstanceNormStatistics(Map<String, TensorRef> tensors) {
        tensors.keySet().removeIf(n -> {
            for (String stat : List.of(".running_mean", ".running_var")) {
                if (n.endsWith(stat) && !tensors.containsKey(n.substring(0, n.length() - stat.length()) + ".weight")) {
                    return true;
                }
            }
            return false;
        });
    }

    /** The tensor's elements in row-major order, as float32. */
    private static float[] values(Path file, String name, TensorRef t, StorageBytes bytes) throws IOException {
        Storage s = t.storage();
        ByteBuffer data = bytes.of(s);
        long count = TensorData.elementCount(t.size());
        if (count > Integer.MAX_VALUE - 16) {
            throw new CheckpointFormatException(file + ": tensor '" + name + "' has " + count + " elements");
        }
        // the largest element index the view reaches must lie inside the storage
        long last = s.offset() + t.offset();
        for (int d = 0; d < t.size().length; d++) {
            if (t.size()[d] == 0) {
                return new float[0];
            }
            last = Math.addExact(last, Math.multiplyExact((long) (t.size()[d] - 1), t.stride()[d]));
        }
        long stored = data.capacity() / s.dtype().size;
        if (s.offset() + t.offset() < 0 || last >= Math.min(stored, s.offset() + s.numel()) && count > 0) {
            throw new CheckpointFormatException(file + ": tensor '" + name + "' reaches past its storage " + s.key());
        }
        float[] out = new float[(int) count];
        int rank = t.size().length;
        int[] index = new int[rank];
        long at = s.offset() + t.offset();
        for (int i = 0; i < out.length; i++) {
            out[i] = element(data, s.dtype(), at);
            for (int d = rank - 1; d >= 0; d--) { // next index, row-major
                at += t.stride()[d];
                if (++index[d] < t.size()[d]) {
                    break;
                }
                at -= (long) index[d] * t.stride()[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static float element(ByteBuffer data, Dtype dtype, long index) {
        int at = (int) (index * dtype.size);
        return switch (dtype) {
            case FLOAT -> data.getFloat(at);
            case DOUBLE -> (float) data.getDouble(at);
            case HALF -> halfToFloat(data.getShort(at));
            case BFLOAT16 -> Float.intBitsToFloat((data.getShort(at) & 0xffff) << 16);
            default -> throw new IllegalStateException("not a floating-point storage: " + dtype);
        };
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h >>> 15) & 1, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f; // subnormal (or zero)
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat((exp + 112) << 23 | mant << 13);
        }
        return sign == 0 ? v : -v;
    }

    // ---- what the pickle may name and call ----------------------------------------------------

    /** The globals and calls a state_dict's pickle uses; all else is refused. */
    private static final class TorchCalls implements Pickle.Calls {

        private static final Set<String> FUNCTIONS = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
                "torch._tensor._rebuild_from_type_v2", "_codecs.encode");
        /** Classes that appear as arguments only (the type in _rebuild_from_type_v2). */
        private static final Set<String> TYPES = Set.of("torch.Tensor", "torch.nn.parameter.Parameter");

        private final Path file;
        private final boolean legacy;
        /** Legacy format: each root storage's element type, by key (its data follows the pickles). */
        final Map<String, Dtype> rootTypes = new HashMap<>();

        TorchCalls(Path file, boolean legacy) {
            this.file = file;
            this.legacy = legacy;
        }

        @Override
        public Pickle.Global global(String module, String name) throws CheckpointFormatException {
            Pickle.Global g = new Pickle.Global(module, name);
            String full = g.toString();
            if (FUNCTIONS.contains(full) || TYPES.contains(full) || module.equals("torch") && Dtype.ofStorage(name) != null) {
                return g;
            }
            if (module.equals("torch") && name.endsWith("Storage")) {
                throw new CheckpointFormatException(file + ": holds a tensor of type " + name + ", which cyclegan4j does not read");
            }
            if (module.equals("__torch__") || module.startsWith("__torch__.")) {
                throw new CheckpointFormatException(file + ": a TorchScript module (torch.jit.save: " + full + "), not a state_dict;"
                        + " save its state_dict for cyclegan4j: torch.save(torch.jit.load(f).state_dict(), 'G.pth')");
            }
            throw new CheckpointFormatException(file + ": pickles the Python object " + full + ", which cyclegan4j does not read"
                    + " (it reads state_dicts: dicts of tensors, numbers and strings, and runs no code from the file): a whole"
                    + " model (torch.save(model)), or an object saved beside the state_dicts; re-save the state_dicts alone,"
                    + " e.g. torch.save(model.state_dict(), f)");
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object call(Pickle.Global f, List<Object> args) throws CheckpointFormatException {
            switch (f.toString()) {
                case "collections.OrderedDict" -> {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    if (!args.isEmpty()) {
                        for (Object pair : (List<?>) args.get(0)) {
                            m.put(Pickle.key(((List<?>) pair).get(0), file.toString()), ((List<?>) pair).get(1));
                        }
                    }
                    return m;
                }
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                    if (!(args.get(0) instanceof Storage s)) {
                        throw new CheckpointFormatException(file + ": a tensor without a storage");
                    }
                    List<?> size = (List<?>) args.get(2), stride = (List<?>) args.get(3);
                    int[] shape = new int[size.size()];
                    long[] strides = new long[stride.size()];
                    for (int i = 0; i < shape.length; i++) {
                        long n = (Long) size.get(i);
                        if (n < 0 || n > Integer.MAX_VALUE) {
                            throw new CheckpointFormatException(file + ": a tensor dimension of " + n);
                        }
                        shape[i] = (int) n;
                        strides[i] = (Long) stride.get(i);
                        if (strides[i] < 0) {
                            throw new CheckpointFormatException(file + ": a tensor with a negative stride");
                        }
                    }
                    if (shape.length != strides.length) {
                        throw new CheckpointFormatException(file + ": a tensor with " + shape.length + " sizes but " + strides.length + " strides");
                    }
                    return new TensorRef(s, (Long) args.get(1), shape, strides);
                }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                    return args.get(0);
                }
                case "torch._tensor._rebuild_from_type_v2" -> { // (func, type, args, state): func rebuilds, once
                    if (!(args.get(0) instanceof Pickle.Global inner) || !FUNCTIONS.contains(inner.toString())
                            || inner.equals(f)) {
                        throw new CheckpointFormatException(file + ": a tensor rebuilt by an unknown function");
                    }
                    return call(inner, (List<Object>) args.get(2));
                }
                case "_codecs.encode" -> {
                    return ((String) args.get(0)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                }
                default -> throw new CheckpointFormatException(file + ": calls " + f + ", which a state_dict does not need");
            }
        }

        /**
         * ('storage', type, key, location, numel) in the zip format; the legacy format adds a view:
         * ('storage', type, root key, location, root numel, None or (view key, offset, view numel)).
         */
        @Override
        public Object persistent(Object id) throws CheckpointFormatException {
            if (!(id instanceof List<?> t) || t.size() < 5 || !"storage".equals(t.get(0)) || !(t.get(1) instanceof Pickle.Global type)) {
                throw new CheckpointFormatException(file + ": a persistent id that is no storage ("
                        + (id == null ? "None" : id.getClass().getSimpleName()) + ")");
            }
            Dtype dtype = Dtype.ofStorage(type.name());
            String key = String.valueOf(t.get(2));
            long numel = (Long) t.get(4);
            if (!legacy) {
                return new Storage(key, dtype, 0, numel);
            }
            Dtype before = rootTypes.putIfAbsent(key, dtype);
            if (before != null && before != dtype) {
                throw new CheckpointFormatException(file + ": storage " + key + " is used as both " + before + " and " + dtype);
            }
            if (t.size() > 5 && t.get(5) instanceof List<?> view) { // a view into the root storage (PyTorch < 0.4)
                return new Storage(key, dtype, (Long) view.get(1), (Long) view.get(2));
            }
            return new Storage(key, dtype, 0, numel);
        }
    }
}
