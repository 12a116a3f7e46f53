package cyclegan4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The contents of one checkpoint file: named float32 tensors (in insertion order) and string
 * metadata. {@link Checkpoints} fills it from modules and optimizers and loads it back;
 * {@link #save} and {@link #load} go through {@link SafeTensors}.
 *
 * <pre>{@code
 * Checkpoint ck = new Checkpoint();
 * Checkpoints.putModule("G_AB.", gAB, ck);           // also G_BA., D_A., D_B.
 * Checkpoints.putAdam("optimizer_G", optG, ck);      // any number of named optimizers
 * ck.setLong(Checkpoints.EPOCH, epoch);
 * ck.setLong(Checkpoints.ITERATION, iteration);
 * ck.setString(Checkpoints.RNG_STATE, rngState);
 * ck.putMetadata(Checkpoints.OPTION_PREFIX, options);
 * ck.save(path);                                     // atomic
 * }</pre>
 */
public final class Checkpoint {

    private final Map<String, TensorData> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Path source;

    public Checkpoint() {
        this(null);
    }

    /** A checkpoint read from {@code source} (named in error messages). */
    Checkpoint(Path source) {
        this.source = source;
    }

    /**
     * Reads a safetensors file (F32 tensors only), or a PyTorch state_dict ({@code .pth}: see
     * {@link TorchFile}), told apart by their first bytes.
     */
    public static Checkpoint load(Path file) throws IOException {
        return load(file, name -> true);
    }

    /** Reads the metadata and the tensors whose names start with {@code prefix} (e.g. "G_": the generators alone). */
    public static Checkpoint load(Path file, String prefix) throws IOException {
        return load(file, name -> name.startsWith(prefix));
    }

    /**
     * Reads the metadata and the tensors whose names {@code keep} accepts; the others are not read.
     * A PyTorch file that holds one network's state_dict (names without a network prefix, such as
     * "model.1.weight") is read whole: which network it is, the caller says.
     */
    public static Checkpoint load(Path file, Predicate<String> keep) throws IOException {
        if (Files.isDirectory(file)) { // else the message is the bare "Is a directory", naming no file
            throw new IOException(file + ": a folder, not a checkpoint file");
        }
        byte[] first = new byte[9];
        try (InputStream in = Files.newInputStream(file)) {
            in.readNBytes(first, 0, first.length);
        }
        return TorchFile.looksLike(first) ? TorchFile.read(file, keep) : SafeTensors.read(file, keep);
    }

    /**
     * Whether this holds one network's parameters without a network prefix ("model.1.weight"), as a
     * PyTorch {@code G_AB.state_dict()} saved alone does, rather than cyclegan4j's "G_AB.model.1.weight".
     */
    public boolean isOneNetwork() {
        return isOneNetwork(tensors.keySet());
    }

    /** Whether these tensor names are one network's: all under "model.", the networks' top module. */
    static boolean isOneNetwork(Collection<String> names) {
        return !names.isEmpty() && names.stream().allMatch(name -> name.startsWith("model."));
    }

    /** Writes this checkpoint atomically: an existing file is replaced only by a complete new one. */
    public void save(Path file) throws IOException {
        SafeTensors.write(file, tensors, metadata);
    }

    /** The file this checkpoint was read from, or null. */
    public Path source() {
        return source;
    }

    /** "the file name" or "checkpoint", for messages. */
    String describe() {
        return source == null ? "checkpoint" : source.toString();
    }

    // ---- tensors ------------------------------------------------------------------------------

    /** The tensors by name (live and modifiable; insertion order is file order). */
    public Map<String, TensorData> tensors() {
        return tensors;
    }

    /** Adds a tensor; a name used twice is a bug (two networks under one prefix) and is refused. */
    public Checkpoint put(String name, TensorData tensor) {
        if (name == null || name.isEmpty() || name.equals(SafeTensors.METADATA_KEY)) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        if (tensors.putIfAbsent(name, tensor) != null) {
            throw new IllegalArgumentException("checkpoint already has a tensor '" + name + "'");
        }
        return this;
    }

    /**
     * A copy with {@code prefix} before every tensor name, e.g. a {@link #isOneNetwork} file named as
     * the network it is ("G_AB."); the tensors are shared, the metadata copied.
     */
    public Checkpoint withPrefix(String prefix) {
        Checkpoint named = new Checkpoint(source);
        tensors.forEach((name, t) -> named.put(prefix + name, t));
        named.metadata.putAll(metadata);
        return named;
    }

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    /** The tensors whose name starts with {@code prefix} (e.g. one network's, "G_AB."), names kept whole. */
    public Map<String, TensorData> tensorsWithPrefix(String prefix) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The tensor called {@code name}; a missing one is a format error naming the file. */
    public TensorData tensor(String name) throws CheckpointFormatException {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new CheckpointFormatException(describe() + ": no tensor '" + name + "'");
        }
        return t;
    }

    // ---- metadata -----------------------------------------------------------------------------

    /** The metadata (live and modifiable). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Checkpoint setString(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("metadata: null key or value (" + key + ")");
        }
        metadata.put(key, value);
        return this;
    }

    public Checkpoint setLong(String key, long value) {
        return setString(key, Long.toString(value));
    }

    public boolean hasMetadata(String key) {
        return metadata.containsKey(key);
    }

    /** A required metadata value. */
    public String getString(String key) throws CheckpointFormatException {
        String v = metadata.get(key);
        if (v == null) {
            throw new CheckpointFormatException(describe() + ": no metadata '" + key + "'");
        }
        return v;
    }

    public String getString(String key, String fallback) {
        return metadata.getOrDefault(key, fallback);
    }

    /** A required metadata value that must be a decimal long. */
    public long getLong(String key) throws CheckpointFormatException {
        String v = getString(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CheckpointFormatException(describe() + ": metadata '" + key + "' = '" + v + "' is not an integer");
        }
    }

    /** A required metadata value that must be a decimal int. */
    public int getInt(String key) throws CheckpointFormatException {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(describe() + ": metadata '" + key + "' = " + v + " does not fit an int");
        }
        return (int) v;
    }

    /** Stores every entry of {@code values} under {@code prefix + key} (e.g. the options). */
    public Checkpoint putMetadata(String prefix, Map<String, String> values) {
        values.forEach((k, v) -> setString(prefix + k, v));
        return this;
    }

    /** The metadata entries whose key starts with {@code prefix}, with the prefix removed. */
    public Map<String, String> metadataWithPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
