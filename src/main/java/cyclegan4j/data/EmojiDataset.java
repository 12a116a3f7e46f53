package cyclegan4j.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds the Google &lt;-&gt; Twitter emoji benchmark (`make data-emoji`) from two folders of
 * same-named emoji PNGs (the 64x64 images of the npm packages emoji-datasource-google and
 * emoji-datasource-twitter):
 *
 * <ul>
 *   <li>alpha is composited onto white (the loader would otherwise drop it and show whatever
 *       colour transparent pixels happen to store);</li>
 *   <li>emoji are grouped by their file name without the skin-tone modifiers 1f3fb..1f3ff, so all
 *       tones of one emoji land in the same split and no near-duplicate crosses splits;</li>
 *   <li>each group goes to a split by a hash of its name (deterministic, independent of the file
 *       order): 10% to test (testA = Google, testB = Twitter, same file names), the rest halved
 *       between trainA (Google only) and trainB (Twitter only), so training never sees one emoji
 *       in both styles;</li>
 *   <li>images that are missing, fail to decode or are not {@code size x size} are skipped and
 *       counted (a test pair with one bad half is left out whole).</li>
 * </ul>
 *
 * <p>Run as {@code CYCLEGAN4J_MAIN=cyclegan4j.data.EmojiDataset target/cyclegan4j GOOGLE TWITTER OUT}.
 * It replaces OUT's trainA, trainB, testA and testB and touches nothing else there.
 */
public final class EmojiDataset {

    /** Where a group of emoji goes. */
    enum Split { TEST, TRAIN_A, TRAIN_B }

    static final List<String> FOLDERS = List.of("trainA", "trainB", "testA", "testB");

    private EmojiDataset() {
    }

    /** What {@link #build} wrote and skipped. */
    record Summary(Map<Split, Integer> groups, int trainA, int trainB, int test, List<String> skipped) {
    }

    /**
     * The group of an emoji file: its name without extension and without the skin-tone modifier
     * code points (dash-separated hex, as the packages name their files). The five modifiers'
     * own swatches (1f3fb.png ...) form one group, "skin-tones".
     */
    static String group(String fileName) {
        String base = fileName.endsWith(".png") ? fileName.substring(0, fileName.length() - 4) : fileName;
        List<String> kept = new ArrayList<>();
        for (String cp : base.toLowerCase(Locale.ROOT).split("-")) {
            if (!cp.matches("1f3f[b-f]")) {
                kept.add(cp);
            }
        }
        return kept.isEmpty() ? "skin-tones" : String.join("-", kept);
    }

    /** The group's split: h = first 4 bytes of SHA-256(name) as an unsigned number; h % 10 == 0 test, else (h / 10) % 2 picks A or B. */
    static Split split(String group) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(group.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        long h = ((d[0] & 0xFFL) << 24) | ((d[1] & 0xFFL) << 16) | ((d[2] & 0xFFL) << 8) | (d[3] & 0xFFL);
        if (h % 10 == 0) {
            return Split.TEST;
        }
        return (h / 10) % 2 == 0 ? Split.TRAIN_A : Split.TRAIN_B;
    }

    /**
     * The image composited onto white, as 8-bit RGB: {@code round((c * a + 255 * (255 - a)) / 255)}
     * per channel, with the colours the loader would read ({@link ImageCodec#toRgb8}).
     */
    static BufferedImage onWhite(BufferedImage img) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] rgb = ImageCodec.toRgb8(img);
        int[] alpha = ImageCodec.alpha8(img);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < w * h; i++) {
            int a = alpha[i];
            int p = 0;
            for (int c = 0; c < 3; c++) {
                int v = (rgb[3 * i + c] * a + 255 * (255 - a) + 127) / 255;
                p = (p << 8) | v;
            }
            out.setRGB(i % w, i / w, p);
        }
        return out;
    }

    /**
     * Writes OUT/trainA, trainB, testA, testB (emptied first) from the same-named PNGs of
     * {@code google} and {@code twitter}; {@code log} gets one line per skipped image.
     */
    static Summary build(Path google, Path twitter, Path out, int size, Consumer<String> log) throws IOException {
        Set<String> inGoogle = pngNames(google);
        Set<String> inTwitter = pngNames(twitter);
        TreeSet<String> all = new TreeSet<>(inGoogle);
        all.addAll(inTwitter);
        for (String f : FOLDERS) {
            deleteTree(out.resolve(f));
            Files.createDirectories(out.resolve(f));
        }
        Map<Split, Set<String>> groups = new EnumMap<>(Split.class);
        int trainA = 0, trainB = 0, test = 0;
        List<String> skipped = new ArrayList<>();
        for (String name : all) {
            String g = group(name);
            Split s = split(g);
            groups.computeIfAbsent(s, k -> new HashSet<>()).add(g);
            // Train images need one style; test pairs need both.
            BufferedImage a = s == Split.TRAIN_B ? null : load(google, inGoogle, name, size, skipped);
            BufferedImage b = s == Split.TRAIN_A ? null : load(twitter, inTwitter, name, size, skipped);
            switch (s) {
                case TRAIN_A -> trainA += write(a, out.resolve("trainA").resolve(name));
                case TRAIN_B -> trainB += write(b, out.resolve("trainB").resolve(name));
                case TEST -> {
                    if (a != null && b != null) {
                        write(a, out.resolve("testA").resolve(name));
                        test += write(b, out.resolve("testB").resolve(name));
                    }
                }
            }
        }
        skipped.forEach(line -> log.accept("skipped " + line));
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            counts.put(s, groups.getOrDefault(s, Set.of()).size());
        }
        return new Summary(counts, trainA, trainB, test, skipped);
    }

    /** Decodes {@code dir/name}; null (and a note in {@code skipped}) when it is missing, fails to decode or has the wrong size. */
    private static BufferedImage load(Path dir, Set<String> names, String name, int size, List<String> skipped) {
        String label = dir.getFileName() + "/" + name;
        if (!names.contains(name)) {
            skipped.add(label + " (missing)");
            return null;
        }
        try {
            BufferedImage img = ImageIO.read(dir.resolve(name).toFile());
            if (img == null) {
                skipped.add(label + " (not a readable image)");
                return null;
            }
            if (img.getWidth() != size || img.getHeight() != size) {
                skipped.add(label + " (" + img.getWidth() + "x" + img.getHeight() + ", not " + size + "x" + size + ")");
                return null;
            }
            return onWhite(img);
        } catch (IOException | RuntimeException e) {
            skipped.add(label + " (" + ImageCodec.describe(e) + ")");
            return null;
        }
    }

    private static int write(BufferedImage img, Path file) throws IOException {
        if (img == null) {
            return 0;
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
        return 1;
    }

    private static Set<String> pngNames(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataException("emoji folder " + dir + " does not exist or is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            Set<String> names = new TreeSet<>();
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".png")).forEach(names::add);
            return names;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: EmojiDataset GOOGLE_PNG_DIR TWITTER_PNG_DIR OUT_DIR");
            System.exit(2);
        }
        try {
            Path out = Path.of(args[2]);
            Summary s = build(Path.of(args[0]), Path.of(args[1]), out, 64, System.err::println);
            System.out.printf(Locale.ROOT, "%s: trainA %d Google images (%d groups), trainB %d Twitter images (%d groups), "
                            + "testA/testB %d pairs (%d groups); skipped %d image(s)%n",
                    out, s.trainA(), s.groups().get(Split.TRAIN_A), s.trainB(), s.groups().get(Split.TRAIN_B),
                    s.test(), s.groups().get(Split.TEST), s.skipped().size());
        } catch (IOException | RuntimeException e) {
            System.err.println("EmojiDataset: error: " + ImageCodec.describe(e));
            System.exit(1);
        }
    }
}
