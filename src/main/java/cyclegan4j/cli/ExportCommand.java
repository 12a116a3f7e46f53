package cyclegan4j.cli;

import cyclegan4j.ImageTranslator;
import cyclegan4j.ImageTranslator.Direction;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.cyclegan.TrainingCheckpoint;
import cyclegan4j.io.AtomicFiles;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.TorchRuns;
import cyclegan4j.io.Checkpoints;
import cyclegan4j.io.TensorData;
import cyclegan4j.io.TorchFile;
import cyclegan4j.io.TorchSave;
import cyclegan4j.onnx.OnnxGraph;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * `cyclegan4j export`: the generators of a training checkpoint alone, for translate and evaluate
 * (or PyTorch) without the discriminators, optimizer moments and image pools that only resuming
 * needs: a quarter of the file for the seed's model. Tensor names and the run's options stay as they
 * were, so everything that reads generators reads the export too. An output named *.onnx gets one
 * generator as an ONNX model instead ({@link ImageTranslator#toOnnx}), for other runtimes, and one
 * named *.pth (or *.pt) one generator as a PyTorch state_dict ({@link TorchSave}), for PyTorch's
 * CycleGAN codes.
 */
final class ExportCommand {

    /** Metadata kept besides the run's options: where in training the weights come from. */
    private static final List<String> PROVENANCE = List.of(Checkpoints.EPOCH, TrainingCheckpoint.STEP);

    private ExportCommand() {
    }

    static CommandLineSpec spec() {
        return new CommandLineSpec("export", "Write a checkpoint's generators alone (what translate and evaluate need),"
                + " or one generator as an ONNX model or a PyTorch state_dict.")
                .value("checkpoint", "FILE", "a checkpoint written by train, an export, or a PyTorch state_dict (.pth) (required)")
                .value("output", "FILE", "the .safetensors file to write, a .onnx file for one generator as an ONNX model"
                        + " (opset " + OnnxGraph.OPSET + "), or a .pth file for one generator as a PyTorch state_dict"
                        + " (required; not the checkpoint itself)")
                .value("direction", "DIR", "both, AtoB (G_AB only) or BtoA (G_BA only); an ONNX file holds one"
                        + " (default: both)")
                .value("checkpoint-ba", "FILE", "G_BA from this file, G_AB from --checkpoint: two files of one generator each,"
                        + " such as the authors' released horse2zebra.pth and zebra2horse.pth, made one export (for evaluate,"
                        + " --init-from and translate in both directions)");
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        CommandLineSpec c = spec();
        if (!c.parse(args, out)) {
            return Main.OK;
        }
        Path checkpoint = c.existingFile("checkpoint"), output = c.path("output");
        String direction = c.string("direction", "both");
        List<String> prefixes = switch (direction) {
            case "both" -> List.of("G_AB.", "G_BA.");
            case "AtoB" -> List.of("G_AB.");
            case "BtoA" -> List.of("G_BA.");
            default -> throw new UsageException("--direction must be both, AtoB or BtoA, got '" + direction + "'");
        };
        if (Files.exists(output) && Files.isSameFile(checkpoint, output)) {
            throw new UsageException("--output is the checkpoint itself; write the export to another file");
        }
        if (Files.isDirectory(output)) { // else it fails only after the checkpoint is read, as "Is a directory"
            throw new UsageException("--output: " + output + " is a folder: name the file to write in it (a .safetensors, .onnx or .pth file)");
        }
        // the output's format first: its refusals need no file read
        String lower = output.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean onnx = lower.endsWith(".onnx"), torch = lower.endsWith(".pth") || lower.endsWith(".pt");
        if (c.has("checkpoint-ba") && (onnx || torch)) {
            throw new UsageException("--checkpoint-ba makes one export of both generators: write it to a .safetensors file (an"
                    + " ONNX or .pth file holds one generator: export that file alone with --direction)");
        }
        if (prefixes.size() != 1 && (onnx || torch)) {
            throw new UsageException((onnx ? "an ONNX file holds one generator" : "a PyTorch state_dict (.pth) holds one generator,"
                    + " as PyTorch's CycleGAN codes save them") + ": pass --direction AtoB or BtoA");
        }
        if (torch) { // a run-named .pth is read as the generator its name says: not a name for the other one
            String named = TorchRuns.networkByName(output), writes = prefixes.get(0).substring(0, 4);
            if (named != null && !named.equals(writes)) {
                Path right = TorchRuns.sibling(output, writes);
                throw new UsageException(output.getFileName() + ": its name makes it " + named + " in a PyTorch run's files (README,"
                        + " \"A run's files\"), and --direction " + direction + " writes " + writes + ": name it "
                        + (right != null ? right.getFileName() : "otherwise") + (named.startsWith("G_") // a D_ name fits neither direction
                        ? ", or pass --direction " + (writes.equals("G_AB") ? "BtoA" : "AtoB") : " (a generator's name)"));
            }
        }
        Checkpoint from;
        if (c.has("checkpoint-ba")) {
            if (prefixes.size() != 2) {
                throw new UsageException("--checkpoint-ba gives G_BA beside --checkpoint's G_AB: leave --direction out (both)");
            }
            Path checkpointBa = c.existingFile("checkpoint-ba");
            if (Files.exists(output) && Files.isSameFile(checkpointBa, output)) {
                throw new UsageException("--output is the --checkpoint-ba file itself; write the export to another file");
            }
            from = pair(checkpoint, checkpointBa);
        } else {
            from = TorchRuns.withSiblings(Checkpoint.load(checkpoint, "G_"), n -> prefixes.contains(n + "."));
            CheckpointInfo.sayWhichFiles(from, out);
            if (from.isOneNetwork()) {
                from = named(from, checkpoint, prefixes);
            }
        }
        for (String prefix : prefixes) {
            if (!from.hasTensor(prefix + "model.1.weight")) {
                throw new UsageException(checkpoint + " has no " + prefix.substring(0, 4) + " generator (no tensor "
                        + prefix + "model.1.weight)" + TorchFile.whereGenerators(from));
            }
        }
        if (onnx) {
            return writeOnnx(from, Direction.parse(direction), output, out);
        }
        if (torch) {
            return writeTorch(from, prefixes.get(0), output, out);
        }
        Checkpoint to = new Checkpoint();
        from.tensors().forEach((name, t) -> {
            if (prefixes.stream().anyMatch(name::startsWith)) {
                to.put(name, t);
            }
        });
        provenance(from).forEach(to::setString);
        to.save(output);
        out.printf(Locale.ROOT, "wrote %s: %s, %d tensors, %.1f MB (the checkpoint: %.1f MB)%n", output,
                direction.equals("both") ? "G_AB and G_BA" : prefixes.get(0).substring(0, 4), to.tensors().size(),
                Files.size(output) / 1e6, Files.size(checkpoint) / 1e6);
        return Main.OK;
    }

    /**
     * A file that holds one generator alone (a PyTorch state_dict: its names have no "G_AB."),
     * named as the generator --direction says, with the options its shape implies.
     */
    private static Checkpoint named(Checkpoint bare, Path checkpoint, List<String> prefixes) throws IOException {
        if (prefixes.size() != 1) {
            throw new UsageException(checkpoint + " holds one generator alone (a PyTorch state_dict): pass --direction AtoB or"
                    + " BtoA to say which it is");
        }
        if (!bare.hasTensor("model.1.weight")) {
            throw new UsageException(checkpoint + " holds one network alone, and not a generator (no model.1.weight: a discriminator?)");
        }
        GeneratorResNet.Stored shape = GeneratorResNet.stored(bare, "");
        Checkpoint named = bare.withPrefix(prefixes.get(0));
        named.setString(Checkpoints.OPTION_PREFIX + "channels", Integer.toString(shape.channels()));
        named.setString(Checkpoints.OPTION_PREFIX + "n_residual_blocks", Integer.toString(shape.residualBlocks()));
        named.setString(Checkpoints.OPTION_PREFIX + "ngf", Integer.toString(shape.ngf()));
        named.setString(Checkpoints.OPTION_PREFIX + "upsampling", shape.upsampling().label());
        return named;
    }

    /**
     * G_AB from {@code ab} and G_BA from {@code ba}, each a file of one generator alone or one that
     * names it; the two must have one architecture (the run's options are shared).
     */
    private static Checkpoint pair(Path ab, Path ba) throws IOException {
        if (Files.isSameFile(ab, ba)) {
            throw new UsageException("--checkpoint and --checkpoint-ba are the same file (" + ab + "): give G_AB's file and G_BA's"
                    + " (a file that holds both needs no --checkpoint-ba)");
        }
        Checkpoint merged = new Checkpoint();
        GeneratorResNet.Stored shapeAb = null;
        for (Path file : List.of(ab, ba)) {
            String prefix = file == ab ? "G_AB." : "G_BA.";
            Checkpoint one = Checkpoint.load(file, "G_");
            one = one.isOneNetwork() ? named(one, file, List.of(prefix)) : one;
            if (!one.hasTensor(prefix + "model.1.weight")) {
                throw new UsageException(file + " has no " + prefix.substring(0, 4) + " generator (no tensor " + prefix
                        + "model.1.weight)" + TorchFile.whereGenerators(one));
            }
            String generator = prefix.substring(0, 4), byName = TorchRuns.networkByName(file);
            if (byName != null && !byName.equals(generator)) {
                throw new UsageException(file + ": its name makes it " + byName + " in a PyTorch run's files (README, \"A run's"
                        + " files\"), but " + (file == ab ? "--checkpoint" : "--checkpoint-ba") + " takes " + generator
                        + (byName.startsWith("G_") ? ": give it as " + (file == ab ? "--checkpoint-ba" : "--checkpoint") : ""));
            }
            GeneratorResNet.Stored shape = GeneratorResNet.stored(one, prefix);
            if (shapeAb != null && !shape.equals(shapeAb)) {
                throw new UsageException("the two generators differ (" + ab.getFileName() + ": " + describe(shapeAb) + "; "
                        + ba.getFileName() + ": " + describe(shape) + "): a run's generators share one architecture");
            }
            shapeAb = shape;
            one.tensorsWithPrefix(prefix).forEach(merged::put);
            merged.putMetadata(Checkpoints.OPTION_PREFIX, one.metadataWithPrefix(Checkpoints.OPTION_PREFIX));
        }
        merged.setString("exported_from", ab.getFileName() + " (G_AB), " + ba.getFileName() + " (G_BA)");
        return merged;
    }

    private static String describe(GeneratorResNet.Stored g) {
        return g.channels() + " channel(s), " + g.residualBlocks() + " residual blocks, ngf " + g.ngf() + ", " + g.upsampling().label()
                + " upsampling";
    }

    /** The metadata both kinds of export keep: the run's options, where in training, and the file (not the optimizer state). */
    private static Map<String, String> provenance(Checkpoint from) {
        Map<String, String> kept = new LinkedHashMap<>();
        from.metadataWithPrefix(Checkpoints.OPTION_PREFIX).forEach((k, v) -> kept.put(Checkpoints.OPTION_PREFIX + k, v));
        for (String key : PROVENANCE) {
            if (from.hasMetadata(key)) {
                kept.put(key, from.metadata().get(key));
            }
        }
        // a PyTorch run's file brings its siblings: all the files read, not only the one given
        kept.put("exported_from", from.hasMetadata(TorchRuns.FILES_KEY) ? from.getString(TorchRuns.FILES_KEY, "")
                : from.source() != null ? from.source().getFileName().toString() : from.getString("exported_from", ""));
        return kept;
    }

    /** One generator as a PyTorch state_dict: its names without the "G_AB." ({@link TorchSave}). */
    private static int writeTorch(Checkpoint from, String prefix, Path output, PrintStream out) throws IOException {
        Map<String, TensorData> stateDict = new LinkedHashMap<>();
        from.tensorsWithPrefix(prefix).forEach((name, t) -> stateDict.put(name.substring(prefix.length()), t));
        GeneratorResNet.Stored shape = GeneratorResNet.stored(from, prefix);
        String into = shape.upsampling() == GeneratorResNet.Upsampling.TRANSPOSED
                ? "the paper's authors' ResnetGenerator (ngf " + shape.ngf() + ", " + shape.residualBlocks() + " blocks, no dropout)"
                : "PyTorch-GAN's GeneratorResNet (" + shape.residualBlocks() + " residual blocks" + (shape.ngf() == GeneratorResNet.DEFAULT_WIDTH
                ? ")" : "; ngf " + shape.ngf() + ", where its own class has 64 only)");
        TorchSave.write(output, stateDict);
        out.printf(Locale.ROOT, "wrote %s: %s as a PyTorch state_dict, %d tensors, %.1f MB; it loads into %s%n", output,
                prefix.substring(0, 4), stateDict.size(), Files.size(output) / 1e6, into);
        return Main.OK;
    }

    private static int writeOnnx(Checkpoint from, Direction direction, Path output, PrintStream out) throws IOException {
        byte[] model;
        try (ImageTranslator t = ImageTranslator.load(from, direction, CpuBackend.get())) {
            model = t.toOnnx(provenance(from));
        }
        AtomicFiles.writeBytes(output, model);
        out.printf(Locale.ROOT, "wrote %s: %s as ONNX (opset %d), %.1f MB; input '%s' [N, C, H, W] in [-1, 1],"
                        + " H and W multiples of 4 (at least 8), output '%s'%n", output, direction.generator(), OnnxGraph.OPSET,
                model.length / 1e6, ImageTranslator.ONNX_INPUT, ImageTranslator.ONNX_OUTPUT);
        return Main.OK;
    }
}
