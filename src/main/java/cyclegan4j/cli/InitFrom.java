package cyclegan4j.cli;

import cyclegan4j.cyclegan.CycleGan;
import cyclegan4j.cyclegan.CycleGanConfig;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.cyclegan.TrainingCheckpoint;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.TorchRuns;
import cyclegan4j.io.Checkpoints;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * `train --init-from FILE`: a new run whose networks start from those a checkpoint or export holds
 * (fine-tuning); the networks it lacks keep their fresh initialisation, and the optimizers and
 * pools start empty.
 */
final class InitFrom {

    private InitFrom() {
    }

    /**
     * Loads every network {@code file} holds into {@code gan}; returns their names. A PyTorch run's
     * file brings the files beside it (TorchRuns): which were read goes to {@code out}.
     *
     * @throws UsageException when the file holds none, or one whose shape is not the run's (saying which options to pass)
     */
    static List<String> load(Path file, CycleGan gan, PrintStream out) throws IOException {
        Checkpoint ck = TorchRuns.withSiblings(Checkpoint.load(file), n -> true);
        CheckpointInfo.sayWhichFiles(ck, out);
        if (ck.isOneNetwork()) {
            throw new UsageException("--init-from " + file + ": holds one network alone (a PyTorch state_dict), without the name"
                    + " that says which it is: name it first, e.g. cyclegan4j export --checkpoint " + file
                    + " --direction AtoB --output G_AB.safetensors (with --checkpoint-ba OTHER.pth and no --direction: both"
                    + " generators)");
        }
        CycleGanConfig cfg = gan.config();
        List<String> loaded = new ArrayList<>();
        for (int i = 0; i < TrainingCheckpoint.PREFIXES.length; i++) {
            String prefix = TrainingCheckpoint.PREFIXES[i], name = prefix.substring(0, prefix.length() - 1);
            if (ck.tensorsWithPrefix(prefix).isEmpty()) {
                continue;
            }
            String mismatch = prefix.startsWith("G") ? generatorMismatch(GeneratorResNet.stored(ck, prefix), cfg)
                    : discriminatorMismatch(Discriminator.stored(ck, prefix), cfg);
            if (mismatch != null) {
                throw new UsageException("--init-from " + file + ": its " + name + " has " + mismatch + " (pass the same to train it)");
            }
            Checkpoints.loadModule(prefix, gan.networks().get(i), ck);
            loaded.add(name);
        }
        if (loaded.isEmpty()) {
            throw new UsageException("--init-from " + file + ": holds none of G_AB, G_BA, D_A, D_B");
        }
        return loaded;
    }

    /** What differs between a stored generator and the run's options, in the options' words; null when nothing does. */
    private static String generatorMismatch(GeneratorResNet.Stored g, CycleGanConfig cfg) {
        List<String> d = new ArrayList<>();
        differs(d, "--channels", g.channels(), cfg.channels());
        differs(d, "--n-residual-blocks", g.residualBlocks(), cfg.residualBlocks());
        differs(d, "--ngf", g.ngf(), cfg.ngf());
        differs(d, "--upsampling", g.upsampling().label(), cfg.upsampling().label());
        return d.isEmpty() ? null : String.join(", ", d);
    }

    private static String discriminatorMismatch(Discriminator.Stored s, CycleGanConfig cfg) {
        List<String> d = new ArrayList<>();
        differs(d, "--channels", s.channels(), cfg.channels());
        differs(d, "--ndf", s.ndf(), cfg.ndf());
        differs(d, "--discriminator", s.layout().label(), cfg.discriminator().label());
        return d.isEmpty() ? null : String.join(", ", d);
    }

    private static void differs(List<String> out, String option, Object stored, Object asked) {
        if (!stored.equals(asked)) {
            out.add(option + " " + stored + " where this run asks for " + asked);
        }
    }
}
