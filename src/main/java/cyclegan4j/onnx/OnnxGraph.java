package cyclegan4j.onnx;

import cyclegan4j.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An ONNX model (opset {@value #OPSET}) being built from a network: modules add their nodes and
 * weights ({@code Module.toOnnx}), then {@link #toModel} encodes it. One float32 NCHW input whose
 * batch, height and width stay symbolic, so the file serves any image size the network does. The
 * builder follows each value's channel count, which InstanceNormalization's scale and bias need.
 *
 * <p>Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, ...), cited where
 * they are written.
 */
public final class OnnxGraph {

    public static final int OPSET = 13;
    /** IR version 7 is the first that opset 13 may use. */
    static final int IR_VERSION = 7;

    private static final int FLOAT = 1, INT64 = 7; // TensorProto.DataType
    private static final int ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_INTS = 7; // AttributeProto.AttributeType

    private final String input;
    private final int inputChannels;
    private final List<Protobuf> nodes = new ArrayList<>();
    private final Map<String, Protobuf> initializers = new LinkedHashMap<>();
    private final Map<String, Integer> channels = new HashMap<>();

    /** A graph whose input is named {@code input}: [N, channels, H, W] floats. */
    public OnnxGraph(String input, int channels) {
        this.input = input;
        this.inputChannels = channels;
        this.channels.put(input, channels);
    }

    public String input() {
        return input;
    }

    /**
     * Adds a node whose one output is named {@code name} (also the node's name) and returns that name.
     * The output has its first input's channel count unless {@link #setChannels} says otherwise.
     * Attribute values: Integer or Long (INT), Float (FLOAT), String (STRING), long[] (INTS).
     */
    public String node(String name, String opType, List<String> inputs, Map<String, Object> attributes) {
        if (channels.containsKey(name)) {
            throw new IllegalArgumentException("ONNX value " + name + " is defined twice");
        }
        Protobuf n = new Protobuf(); // NodeProto
        for (String in : inputs) {
            n.string(1, in); // input ("" = an optional input left out)
        }
        n.string(2, name).string(3, name).string(4, opType); // output, name, op_type
        new TreeMap<>(attributes).forEach((key, value) -> n.message(5, attribute(key, value))); // sorted: the same bytes every run
        nodes.add(n);
        channels.put(name, channels(inputs.get(0)));
        return name;
    }

    public String node(String name, String opType, List<String> inputs) {
        return node(name, opType, inputs, Map.of());
    }

    /** A module's parameter as a float initializer named {@code name} (its state_dict name), with its shape. */
    public String weights(String name, Tensor t) {
        long[] dims = new long[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.dim(i);
        }
        return floats(name, t.toArray(), dims);
    }

    /** A float initializer (kept once per name: constants such as a norm's unit scale are shared). */
    public String floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return initializer(name, FLOAT, dims, raw.array());
    }

    /** A 1-D int64 initializer (kept once per name). */
    public String int64s(String name, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer(name, INT64, new long[]{values.length}, raw.array());
    }

    private String initializer(String name, int type, long[] dims, byte[] raw) {
        if (!initializers.containsKey(name)) {
            Protobuf t = new Protobuf(); // TensorProto
            for (long d : dims) {
                t.varint(1, d); // dims
            }
            t.varint(2, type).string(8, name).bytes(9, raw); // data_type, name, raw_data (little-endian)
            initializers.put(name, t);
        }
        return name;
    }

    /** Channels of a value in the graph. */
    public int channels(String value) {
        Integer c = channels.get(value);
        if (c == null) {
            throw new IllegalArgumentException("no ONNX value " + value + " in the graph yet");
        }
        return c;
    }

    public void setChannels(String value, int c) {
        channels.put(value, c);
    }

    /**
     * The model file: the graph with {@code output} as its result, named {@code graphName}, with
     * {@code metadata} as the model's metadata_props.
     */
    public byte[] toModel(String graphName, String output, String doc, Map<String, String> metadata) {
        Protobuf g = new Protobuf(); // GraphProto
        nodes.forEach(n -> g.message(1, n)); // node, in topological order: modules add them in order
        g.string(2, graphName);
        initializers.values().forEach(t -> g.message(5, t)); // initializer
        g.string(10, doc);
        g.message(11, valueInfo(input, inputChannels)); // input
        g.message(12, valueInfo(output, channels(output))); // output
        Protobuf m = new Protobuf(); // ModelProto
        m.varint(1, IR_VERSION);
        m.string(2, "cyclegan4j");
        String version = OnnxGraph.class.getPackage().getImplementationVersion();
        m.string(3, version == null ? "dev" : version);
        m.message(7, g);
        m.message(8, new Protobuf().string(1, "").varint(2, OPSET)); // opset_import: the default domain
        metadata.forEach((k, v) -> m.message(14, new Protobuf().string(1, k).string(2, v))); // metadata_props
        return m.toByteArray();
    }

    /** A float tensor [N, C, H, W] with N, H and W symbolic. */
    private static Protobuf valueInfo(String name, int c) {
        Protobuf shape = new Protobuf(); // TensorShapeProto: dim = Dimension{dim_param = 2 | dim_value = 1}
        shape.message(1, new Protobuf().string(2, "N"));
        shape.message(1, new Protobuf().varint(1, c));
        shape.message(1, new Protobuf().string(2, "H"));
        shape.message(1, new Protobuf().string(2, "W"));
        Protobuf tensor = new Protobuf().varint(1, FLOAT).message(2, shape); // TypeProto.Tensor: elem_type, shape
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensor)); // ValueInfoProto{name, type}
    }

    private static Protobuf attribute(String name, Object value) {
        Protobuf a = new Protobuf().string(1, name); // AttributeProto.name; type = 20
        if (value instanceof Integer || value instanceof Long) {
            return a.varint(20, ATTR_INT).varint(3, ((Number) value).longValue());
        }
        if (value instanceof Float f) {
            return a.varint(20, ATTR_FLOAT).float32(2, f);
        }
        if (value instanceof String s) {
            return a.varint(20, ATTR_STRING).string(4, s);
        }
        if (value instanceof long[] ints) {
            a.varint(20, ATTR_INTS);
            for (long i : ints) {
                a.varint(8, i);
            }
            return a;
        }
        throw new IllegalArgumentException("attribute " + name + ": no ONNX form for " + value.getClass().getSimpleName());
    }
}
