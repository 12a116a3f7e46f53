package cyclegan4j.cli;

import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.cyclegan.TrainingCheckpoint;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.Checkpoints;
import cyclegan4j.io.TensorData;
import cyclegan4j.io.TorchFile;
import cyclegan4j.io.TorchRuns;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** `cyclegan4j info --checkpoint FILE`: what a checkpoint or export holds, read off its tensors and metadata. */
final class CheckpointInfo {

    private CheckpointInfo() {
    }

    static void print(Path file, PrintStream out) throws IOException {
        Checkpoint ck = Checkpoint.load(file);
        out.printf(Locale.ROOT, "file:      %s (%.1f MB, %d tensors)%n", file, Files.size(file) / 1e6, ck.tensors().size());
        out.println("contents:  " + contents(ck));
        if (ck.hasMetadata(TrainingCheckpoint.STEP)) {
            String next = !ck.hasMetadata(Checkpoints.ITERATION) ? "" : "; next: epoch " + (ck.getInt(Checkpoints.EPOCH) + 1)
                    + ", iteration " + (ck.getInt(Checkpoints.ITERATION) + 1) + " (counted from 1, as in loss.csv)";
            out.println("position:  after step " + ck.getString(TrainingCheckpoint.STEP) + next);
        }
        if (ck.isOneNetwork()) {
            printNetwork(ck, "", "network:", ck.tensors(), out);
            String run = TorchRuns.describe(file);
            if (run != null) {
                out.println("run:       " + run);
            }
        }
        for (String prefix : TrainingCheckpoint.PREFIXES) {
            String name = prefix.substring(0, prefix.length() - 1);
            Map<String, TensorData> network = ck.tensorsWithPrefix(prefix);
            if (network.isEmpty()) {
                continue;
            }
            printNetwork(ck, prefix, name + ":", network, out);
        }
        StringJoiner options = new StringJoiner(" ");
        ck.metadataWithPrefix(Checkpoints.OPTION_PREFIX).forEach((k, v) -> options.add(k + "=" + v));
        if (options.length() > 0) {
            out.println("options:   " + options);
        }
    }

    /** One network's line; {@code prefix} "" is a {@link Checkpoint#isOneNetwork} file, a generator or a discriminator. */
    private static void printNetwork(Checkpoint ck, String prefix, String label, Map<String, TensorData> network, PrintStream out)
            throws IOException {
        long parameters = network.values().stream().mapToLong(t -> TensorData.elementCount(t.shape())).sum();
        // a network without a name is told by its first convolution: a generator's is 7x7, a discriminator's 4x4
        boolean generator = prefix.isEmpty() ? firstConv(ck, "model.1.weight", 7) : prefix.startsWith("G");
        if (prefix.isEmpty() && !generator && !firstConv(ck, "model.0.weight", 4)) {
            out.printf(Locale.ROOT, "%-10s neither a CycleGAN generator nor a discriminator (no 7x7 model.1 or 4x4 model.0"
                    + " convolution); %,d parameters%n", label, parameters);
        } else if (generator) {
            GeneratorResNet.Stored g = GeneratorResNet.stored(ck, prefix);
            out.printf(Locale.ROOT, "%-10s %s%d channel(s), %d residual blocks, ngf %d, %s upsampling; %,d parameters%n", label,
                    prefix.isEmpty() ? "a generator, " : "", g.channels(), g.residualBlocks(), g.ngf(), g.upsampling().label(), parameters);
        } else {
            Discriminator.Stored d = Discriminator.stored(ck, prefix);
            out.printf(Locale.ROOT, "%-10s %s%d channel(s), ndf %d, %s layout; %,d parameters%n", label,
                    prefix.isEmpty() ? "a discriminator, " : "", d.channels(), d.ndf(), d.layout().label(), parameters);
        }
    }

    /** When {@code ck} was put together from a PyTorch run's files ({@link TorchRuns}), which: the user gave one. */
    static void sayWhichFiles(Checkpoint ck, PrintStream out) {
        if (ck.hasMetadata(TorchRuns.FILES_KEY)) {
            out.println("read " + ck.getString(TorchRuns.FILES_KEY, "") + ": a PyTorch run's networks, by their file names");
        }
    }

    /** Whether {@code name} is a convolution weight [out, in, k, k]. */
    private static boolean firstConv(Checkpoint ck, String name, int k) {
        int[] s = ck.hasTensor(name) ? ck.tensors().get(name).shape() : new int[0];
        return s.length == 4 && s[2] == k && s[3] == k;
    }

    private static String contents(Checkpoint ck) {
        if (ck.isOneNetwork()) {
            String byName = ck.source() == null ? null : TorchRuns.networkByName(ck.source());
            boolean generator = firstConv(ck, "model.1.weight", 7);
            if (byName != null) {
                // a run's file: translate takes the other direction's generator from the file beside it, or refuses
                return "one network alone (a PyTorch state_dict), named by its file (run, below)" + (!generator || !byName.startsWith("G_")
                        ? "" : ": translate uses it for --direction " + (byName.equals("G_AB") ? "AtoB" : "BtoA")
                        + ", and the run's " + (byName.equals("G_AB") ? "G_BA" : "G_AB") + " file for the other");
            }
            return "one network alone, without a name (a PyTorch state_dict)"
                    + (generator ? ": translate uses this generator for either --direction" : "");
        }
        if (ck.hasMetadata(TorchFile.SOURCE_KEY)) {
            return "a PyTorch file, read as it is (translate, evaluate and export read its G_AB. and G_BA. tensors)";
        }
        if (TrainingCheckpoint.isTrainingState(ck)) {
            return "a training checkpoint: the four networks, their Adam moments and the image pools (train --resume continues it)";
        }
        String from = ck.hasMetadata("converted_from") ? ", converted from " + ck.getString("converted_from", "")
                : ck.hasMetadata("exported_from") ? ", exported from " + ck.getString("exported_from", "") : "";
        return "generators only (translate, evaluate and export read it" + from + ")";
    }
}
