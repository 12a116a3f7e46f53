package cyclegan4j.cyclegan;

import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.CheckpointFormatException;
import cyclegan4j.io.Checkpoints;
import cyclegan4j.io.TensorData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a run needs to continue exactly where it stopped, in one safetensors file: the four
 * networks under {@code G_AB.}, {@code G_BA.}, {@code D_A.}, {@code D_B.} (PyTorch state_dict names,
 * so the reference modules load them), the three Adam optimizers, both image pools and their
 * random state, the position in the data (next epoch and batch), the global step and the options.
 */
public final class TrainingCheckpoint {

    public static final String[] PREFIXES = {"G_AB.", "G_BA.", "D_A.", "D_B."};
    public static final String STEP = "step";
    private static final String POOL_RNG = "pool_rng";

    /** Where training stands: the next batch to train is {@code iteration} of {@code epoch}. */
    public record Position(int epoch, int iteration, long step) {
    }

    private TrainingCheckpoint() {
    }

    public static void save(Path file, CycleGan gan, Position at, Map<String, String> options) throws IOException {
        Checkpoint ck = new Checkpoint();
        for (int i = 0; i < PREFIXES.length; i++) {
            Checkpoints.putModule(PREFIXES[i], gan.networks().get(i), ck);
        }
        Checkpoints.putAdam("optimizer_G", gan.optG, ck);
        Checkpoints.putAdam("optimizer_D_A", gan.optDA, ck);
        Checkpoints.putAdam("optimizer_D_B", gan.optDB, ck);
        putPool("pool_A", gan.poolA, gan, ck);
        putPool("pool_B", gan.poolB, gan, ck);
        ck.setLong(POOL_RNG, gan.poolRng.state());
        ck.setLong(Checkpoints.EPOCH, at.epoch());
        ck.setLong(Checkpoints.ITERATION, at.iteration());
        ck.setLong(STEP, at.step());
        ck.putMetadata(Checkpoints.OPTION_PREFIX, options);
        ck.save(file);
    }

    /** Whether {@code ck} is a whole training state (what --resume needs), not networks alone (an export). */
    public static boolean isTrainingState(Checkpoint ck) {
        return ck.hasMetadata(POOL_RNG);
    }

    /** The options a checkpoint was trained with (architecture included). */
    public static Map<String, String> options(Checkpoint ck) {
        return ck.metadataWithPrefix(Checkpoints.OPTION_PREFIX);
    }

    /** Restores every piece of state into {@code gan} (built with the checkpoint's architecture). */
    public static Position restore(Checkpoint ck, CycleGan gan) throws CheckpointFormatException {
        for (int i = 0; i < PREFIXES.length; i++) {
            Checkpoints.loadModule(PREFIXES[i], gan.networks().get(i), ck);
        }
        Checkpoints.loadAdam("optimizer_G", gan.optG, ck);
        Checkpoints.loadAdam("optimizer_D_A", gan.optDA, ck);
        Checkpoints.loadAdam("optimizer_D_B", gan.optDB, ck);
        gan.poolA.restore(gan.backend(), pool("pool_A", ck));
        gan.poolB.restore(gan.backend(), pool("pool_B", ck));
        gan.poolRng.setState(ck.getLong(POOL_RNG));
        return new Position(ck.getInt(Checkpoints.EPOCH), ck.getInt(Checkpoints.ITERATION), ck.getLong(STEP));
    }

    private static void putPool(String name, ImagePool pool, CycleGan gan, Checkpoint ck) {
        ck.setLong(name + ".size", pool.size());
        for (int i = 0; i < pool.size(); i++) {
            ck.put(name + "." + i, new TensorData(pool.shape(i), gan.backend().download(pool.image(i))));
        }
    }

    /**
     * A pool's images, each [C, H, W]. Checkpoints written before images could differ in size
     * (2026-11-28) kept them flat: those were crops, [channels, crop_size, crop_size] by the options.
     */
    private static List<TensorData> pool(String name, Checkpoint ck) throws CheckpointFormatException {
        long n = ck.getLong(name + ".size");
        if (n < 0 || n > 1_000_000) {
            throw new CheckpointFormatException("checkpoint: image pool '" + name + "' claims " + n + " images");
        }
        List<TensorData> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TensorData t = ck.tensor(name + "." + i);
            if (t.shape().length == 1) {
                Map<String, String> o = options(ck);
                int c = Integer.parseInt(o.getOrDefault("channels", "3")), crop = Integer.parseInt(o.getOrDefault("crop_size", "0"));
                if ((long) c * crop * crop != t.values().length) {
                    throw new CheckpointFormatException("checkpoint: image " + i + " of pool '" + name + "' has " + t.values().length
                            + " values, not the " + c + "x" + crop + "x" + crop + " of its options");
                }
                t = new TensorData(new int[]{c, crop, crop}, t.values());
            } else if (t.shape().length != 3) {
                throw new CheckpointFormatException("checkpoint: image " + i + " of pool '" + name + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", not [C, H, W]");
            }
            images.add(t);
        }
        return images;
    }
}
