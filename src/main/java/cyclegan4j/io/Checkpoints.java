package cyclegan4j.io;

import cyclegan4j.backend.Backend;
import cyclegan4j.nn.Adam;
import cyclegan4j.nn.Module;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Moves model and optimizer state in and out of a {@link Checkpoint}.
 *
 * <p>Key names follow PyTorch. A module's parameters are stored under {@code prefix +} their
 * {@code state_dict} names, so with the prefixes {@code G_AB.}, {@code G_BA.}, {@code D_A.},
 * {@code D_B.} the reference PyTorch networks load them with
 * <pre>{@code
 * sd = load_file(path)
 * G_AB.load_state_dict({k[len('G_AB.'):]: v for k, v in sd.items() if k.startswith('G_AB.')})
 * }</pre>
 * An Adam optimizer called {@code name} is stored like its {@code state_dict()}, flattened:
 * tensors {@code name.state.<i>.exp_avg} and {@code name.state.<i>.exp_avg_sq} for its i-th
 * parameter, and metadata {@code name.step}, {@code name.lr}, {@code name.num_params}.
 *
 * <p>Loading is all or nothing: every name and shape is checked before anything is copied, so a
 * checkpoint for another architecture fails with a {@link CheckpointFormatException} naming the
 * first mismatched tensor and both shapes, and leaves the model as it was.
 */
public final class Checkpoints {

    /** Metadata keys the trainer uses. */
    public static final String EPOCH = "epoch";
    public static final String ITERATION = "iteration";
    public static final String RNG_STATE = "rng_state";
    /** Prefix of the training options in the metadata ({@code option.lr = 0.0002}). */
    public static final String OPTION_PREFIX = "option.";

    private Checkpoints() {
    }

    // ---- modules ------------------------------------------------------------------------------

    /** Copies every parameter of {@code module} (downloaded now) into {@code ck} as {@code prefix + name}. */
    public static void putModule(String prefix, Module module, Checkpoint ck) {
        for (Map.Entry<String, Tensor> e : module.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            ck.put(prefix + e.getKey(), new TensorData(p.shape(), p.toArray()));
        }
    }

    /**
     * Loads {@code prefix + name} into each parameter of {@code module}. Every parameter must be
     * present with its exact shape, and no other tensor may start with {@code prefix} (as PyTorch's
     * strict {@code load_state_dict}); otherwise nothing is loaded.
     */
    public static void loadModule(String prefix, Module module, Checkpoint ck) throws CheckpointFormatException {
        Map<String, Tensor> params = module.namedParameters();
        List<TensorData> values = new ArrayList<>(params.size());
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            values.add(expect(ck, prefix + e.getKey(), e.getValue().shape(), "the model"));
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : ck.tensors().keySet()) {
            if (name.startsWith(prefix) && !params.containsKey(name.substring(prefix.length()))) {
                unexpected.add(name);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new CheckpointFormatException(ck.describe() + ": checkpoint for another architecture: "
                    + unexpected.size() + " tensor(s)" + (prefix.isEmpty() ? "" : " under '" + prefix + "'")
                    + " that the model does not have, first '"
                    + unexpected.get(0) + "'");
        }
        int i = 0;
        for (Tensor p : params.values()) {
            p.backend().upload(p.data(), values.get(i++).values());
        }
    }

    // ---- Adam ---------------------------------------------------------------------------------

    /** Copies the moments (downloaded now), step count and learning rate of {@code adam}. */
    public static void putAdam(String name, Adam adam, Checkpoint ck) {
        List<Tensor> params = adam.params();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            Backend be = p.backend();
            ck.put(stateKey(name, i, "exp_avg"), new TensorData(p.shape(), be.download(adam.expAvg(i))));
            ck.put(stateKey(name, i, "exp_avg_sq"), new TensorData(p.shape(), be.download(adam.expAvgSq(i))));
        }
        ck.setLong(name + ".step", adam.stepCount());
        ck.setString(name + ".lr", Float.toString(adam.lr()));
        ck.setLong(name + ".num_params", params.size());
    }

    /**
     * Restores the moments, step count and learning rate of {@code adam}, which must have the same
     * parameters (count, order, shapes) as the one saved; otherwise nothing is changed.
     */
    public static void loadAdam(String name, Adam adam, Checkpoint ck) throws CheckpointFormatException {
        List<Tensor> params = adam.params();
        long saved = ck.getLong(name + ".num_params");
        if (saved != params.size()) {
            throw new CheckpointFormatException(ck.describe() + ": checkpoint for another architecture: optimizer '"
                    + name + "' has " + saved + " parameters in the checkpoint but " + params.size() + " here");
        }
        long step = ck.getLong(name + ".step");
        if (step < 0 || step > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(ck.describe() + ": optimizer '" + name + "' has step " + step);
        }
        String lrText = ck.getString(name + ".lr");
        float lr;
        try {
            lr = Float.parseFloat(lrText);
        } catch (NumberFormatException e) {
            lr = Float.NaN;
        }
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new CheckpointFormatException(ck.describe() + ": optimizer '" + name + "' has lr '" + lrText + "'");
        }
        List<TensorData> m = new ArrayList<>(), v = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            int[] shape = params.get(i).shape();
            String what = "parameter " + i + " of optimizer '" + name + "'";
            m.add(expect(ck, stateKey(name, i, "exp_avg"), shape, what));
            v.add(expect(ck, stateKey(name, i, "exp_avg_sq"), shape, what));
        }
        for (int i = 0; i < params.size(); i++) {
            Backend be = params.get(i).backend();
            be.upload(adam.expAvg(i), m.get(i).values());
            be.upload(adam.expAvgSq(i), v.get(i).values());
        }
        adam.setStepCount((int) step);
        adam.setLr(lr);
    }

    /** Whether {@code ck} holds the state of an optimizer called {@code name}. */
    public static boolean hasAdam(String name, Checkpoint ck) {
        return ck.hasMetadata(name + ".num_params");
    }

    static String stateKey(String optimizer, int index, String field) {
        return optimizer + ".state." + index + "." + field;
    }

    /** The tensor {@code key}, which must exist with exactly {@code shape}. */
    private static TensorData expect(Checkpoint ck, String key, int[] shape, String owner) throws CheckpointFormatException {
        TensorData t = ck.tensors().get(key);
        if (t == null) {
            throw new CheckpointFormatException(ck.describe() + ": checkpoint for another architecture: tensor '"
                    + key + "' (shape " + Arrays.toString(shape) + " in " + owner + ") is missing");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new CheckpointFormatException(ck.describe() + ": checkpoint for another architecture: tensor '"
                    + key + "' has shape " + Arrays.toString(t.shape()) + " in the checkpoint but "
                    + Arrays.toString(shape) + " in " + owner);
        }
        return t;
    }
}
