package cyclegan4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyTorch training run's networks, saved one per file, read together. The two CycleGAN codes
 * users come from name their files so:
 * <ul>
 *   <li>PyTorch-GAN: {@code G_AB_199.pth}, {@code G_BA_199.pth}, {@code D_A_199.pth},
 *       {@code D_B_199.pth}: cyclegan4j's names (its D_A judges domain A);</li>
 *   <li>the paper's authors: {@code latest_net_G_A.pth} (A to B: our G_AB), {@code _G_B} (our
 *       G_BA), {@code _D_A} (which judges domain B: our D_B) and {@code _D_B} (our D_A);</li>
 *   <li>aitorzip's PyTorch-CycleGAN: {@code netG_A2B.pth}, {@code netG_B2A.pth}, {@code netD_A.pth}
 *       (which judges domain A, as ours) and {@code netD_B.pth}, with the authors' layout.</li>
 * </ul>
 * A file holding one network alone whose name follows one of these schemes says which network it is, and
 * where the others are. Other names (the authors' released {@code horse2zebra.pth}) say nothing.
 */
public final class TorchRuns {

    /** Metadata key of a checkpoint put together from such files: their names. */
    public static final String FILES_KEY = "pytorch_run_files";

    private static final Pattern PYTORCH_GAN = Pattern.compile("(G_AB|G_BA|D_A|D_B)_(\\d+)\\.pth");
    private static final Pattern AUTHORS = Pattern.compile("(.+)_net_(G_A|G_B|D_A|D_B)\\.pth");
    /** The authors' network names in cyclegan4j's. */
    private static final Map<String, String> AUTHORS_NAMES = Map.of("G_A", "G_AB", "G_B", "G_BA", "D_A", "D_B", "D_B", "D_A");
    private static final Pattern AITORZIP = Pattern.compile("net(G_A2B|G_B2A|D_A|D_B)\\.pth");
    private static final Map<String, String> AITORZIP_NAMES = Map.of("G_A2B", "G_AB", "G_B2A", "G_BA", "D_A", "D_A", "D_B", "D_B");

    private TorchRuns() {
    }

    /**
     * The files of the run {@code file} belongs to, by cyclegan4j's network names (the file itself
     * included; its siblings whether or not they exist), or an empty map when its name follows
     * none of the schemes.
     */
    static Map<String, Path> siblings(Path file) {
        Map<String, Path> run = new LinkedHashMap<>();
        String name = file.getFileName().toString();
        Matcher m = PYTORCH_GAN.matcher(name);
        if (m.matches()) {
            for (String network : List.of("G_AB", "G_BA", "D_A", "D_B")) {
                run.put(network, file.resolveSibling(network + "_" + m.group(2) + ".pth"));
            }
            return run;
        }
        m = AUTHORS.matcher(name);
        if (m.matches()) {
            for (String theirs : List.of("G_A", "G_B", "D_A", "D_B")) {
                run.put(AUTHORS_NAMES.get(theirs), file.resolveSibling(m.group(1) + "_net_" + theirs + ".pth"));
            }
            return run;
        }
        if (AITORZIP.matcher(name).matches()) {
            for (String theirs : List.of("G_A2B", "G_B2A", "D_A", "D_B")) {
                run.put(AITORZIP_NAMES.get(theirs), file.resolveSibling("net" + theirs + ".pth"));
            }
        }
        return run;
    }

    /** The network (cyclegan4j's name: "G_AB", "D_A", ...) that {@code file}'s name makes it, or null. */
    public static String networkByName(Path file) {
        for (Map.Entry<String, Path> e : siblings(file).entrySet()) {
            if (e.getValue().getFileName().equals(file.getFileName())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The file of {@code network} ("G_AB", ...) in the run {@code file}'s name belongs to, or null when it follows no scheme. */
    public static Path sibling(Path file, String network) {
        return siblings(file).get(network);
    }

    /**
     * For {@code info}: which network {@code file}'s name makes it, and which of its run's other
     * files lie beside it; null when its name follows none of the schemes.
     */
    public static String describe(Path file) {
        Map<String, Path> run = siblings(file);
        if (run.isEmpty()) {
            return null;
        }
        String self = null;
        List<String> beside = new ArrayList<>(), missing = new ArrayList<>();
        for (Map.Entry<String, Path> e : run.entrySet()) {
            if (e.getValue().getFileName().equals(file.getFileName())) {
                self = e.getKey();
            } else {
                (Files.isRegularFile(e.getValue()) ? beside : missing).add(e.getValue().getFileName() + " (" + e.getKey() + ")");
            }
        }
        return self + " by its name" + (beside.isEmpty() ? "" : "; beside it: " + String.join(", ", beside))
                + (missing.isEmpty() ? "" : "; missing: " + String.join(", ", missing));
    }

    /**
     * {@code ck}, a file that holds one network alone, read with the sibling files of the networks
     * {@code wanted} accepts ("G_AB", "D_A", ...) that exist, each under its cyclegan4j name (the
     * file's own network always). {@code ck} itself when it is no such file or its name follows
     * none of the schemes.
     *
     * @throws CheckpointFormatException when a sibling is not one network alone
     */
    public static Checkpoint withSiblings(Checkpoint ck, Predicate<String> wanted) throws IOException {
        Map<String, Path> run = ck.source() == null || !ck.isOneNetwork() ? Map.of() : siblings(ck.source());
        if (run.isEmpty()) {
            return ck;
        }
        Checkpoint merged = new Checkpoint(ck.source());
        List<String> read = new ArrayList<>();
        for (Map.Entry<String, Path> e : run.entrySet()) {
            boolean self = e.getValue().getFileName().equals(ck.source().getFileName());
            if (!self && (!wanted.test(e.getKey()) || !Files.isRegularFile(e.getValue()))) {
                continue;
            }
            Checkpoint one = self ? ck : Checkpoint.load(e.getValue());
            if (!one.isOneNetwork()) {
                throw new CheckpointFormatException(e.getValue() + ": named as " + e.getKey() + " of the run of " + ck.source()
                        + ", but it does not hold one network alone");
            }
            one.withPrefix(e.getKey() + ".").tensors().forEach(merged::put);
            read.add(e.getValue().getFileName() + " (" + e.getKey() + ")");
        }
        merged.metadata().putAll(ck.metadata());
        merged.setString(FILES_KEY, String.join(", ", read));
        return merged;
    }
}
