package cyclegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emoji benchmark's grouping, split and compositing, on small synthetic images. */
class EmojiDatasetTest {

    @TempDir
    Path tmp;

    @Test
    void skinToneVariantsShareTheirEmojisGroup() {
        assertEquals("1f600", EmojiDataset.group("1f600.png"));
        assertEquals("1f44b", EmojiDataset.group("1f44b-1f3fd.png"));
        assertEquals("1f44b", EmojiDataset.group("1f44b-1F3FF.png"));
        assertEquals("1f468-200d-1f91d-200d-1f468", EmojiDataset.group("1f468-1f3fb-200d-1f91d-200d-1f468-1f3fc.png"));
        assertEquals("1f468-200d-1f91d-200d-1f468", EmojiDataset.group("1f468-200d-1f91d-200d-1f468.png"));
        assertEquals("skin-tones", EmojiDataset.group("1f3fb.png"));
        assertEquals("1f3fa", EmojiDataset.group("1f3fa.png")); // the amphora is no skin tone
    }

    @Test
    void splitIsTheDocumentedHash() {
        // Expected values from Python: int.from_bytes(hashlib.sha256(name).digest()[:4], 'big'),
        // % 10 == 0 -> test, else (h // 10) % 2 == 0 -> A, else B.
        assertEquals(EmojiDataset.Split.TRAIN_A, EmojiDataset.split("1f600"));       // h = 814644001
        assertEquals(EmojiDataset.Split.TEST, EmojiDataset.split("1f468-200d-1f91d-200d-1f468")); // 162324050
        assertEquals(EmojiDataset.Split.TRAIN_B, EmojiDataset.split("2764-fe0f"));   // 1406092178
        Map<EmojiDataset.Split, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(EmojiDataset.split(Integer.toHexString(0x1f000 + i)), 1, Integer::sum);
        }
        assertTrue(counts.get(EmojiDataset.Split.TEST) > 320 && counts.get(EmojiDataset.Split.TEST) < 480, counts.toString());
        assertTrue(counts.get(EmojiDataset.Split.TRAIN_A) > 1650 && counts.get(EmojiDataset.Split.TRAIN_B) > 1650, counts.toString());
    }

    @Test
    void rgbaIsCompositedOntoWhiteWithRounding() throws IOException {
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00123456);                     // transparent: white whatever the colour
        img.setRGB(1, 0, 0xFF123456);                     // opaque: the colour
        img.setRGB(2, 0, (128 << 24));                    // half black: (255 * 127 + 127) / 255 = 127
        img.setRGB(3, 0, (100 << 24) | (200 << 16) | (10 << 8) | 255);
        BufferedImage out = EmojiDataset.onWhite(roundTrip(img));
        assertEquals(0xFFFFFF, out.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x123456, out.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(0x7F7F7F, out.getRGB(2, 0) & 0xFFFFFF);
        // (200*100 + 255*155) / 255 = 233.4, (10*100 + 39525) / 255 = 158.9, blue stays 255
        assertEquals((233 << 16) | (159 << 8) | 255, out.getRGB(3, 0) & 0xFFFFFF);
    }

    @Test
    void grayAlphaAndTransparentPalettesAreComposited() throws IOException {
        // 8-bit gray + alpha, as some Google images are: gray values must not go through a colour conversion.
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(3, 1);
        r.setPixel(0, 0, new int[]{100, 255});
        r.setPixel(1, 0, new int[]{100, 0});
        r.setPixel(2, 0, new int[]{0, 51});
        BufferedImage gray = EmojiDataset.onWhite(roundTrip(new BufferedImage(cm, r, false, null)));
        assertEquals(0x646464, gray.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, gray.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(0xCCCCCC, gray.getRGB(2, 0) & 0xFFFFFF); // 255 * 204 / 255 = 204

        // A palette with a transparent entry (PNG tRNS), as some Twitter images are.
        byte[] red = {(byte) 200, 0}, green = {10, 0}, blue = {20, 0}, alpha = {(byte) 255, 0};
        IndexColorModel icm = new IndexColorModel(8, 2, red, green, blue, alpha);
        BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, icm);
        pal.getRaster().setSample(0, 0, 0, 0);
        pal.getRaster().setSample(1, 0, 0, 1);
        BufferedImage out = EmojiDataset.onWhite(roundTrip(pal));
        assertEquals((200 << 16) | (10 << 8) | 20, out.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, out.getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void buildSplitsGroupsDisjointlyAndSkipsBadImages() throws IOException {
        Path google = tmp.resolve("google"), twitter = tmp.resolve("twitter"), out = tmp.resolve("emoji");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String base = Integer.toHexString(0x1f400 + i);
            names.add(base + ".png");
            if (i % 4 == 0) { // skin-tone variants
                names.add(base + "-1f3fb.png");
                names.add(base + "-1f3ff.png");
            }
        }
        for (String n : names) {
            emoji(google.resolve(n), n.hashCode(), 64);
            emoji(twitter.resolve(n), ~n.hashCode(), 64);
        }
        emoji(google.resolve("1f9ff.png"), 1, 64);          // only in Google
        emoji(google.resolve("1f9fe.png"), 2, 32);          // wrong size, in both
        emoji(twitter.resolve("1f9fe.png"), 3, 32);
        Files.writeString(google.resolve("1f9fd.png"), "not a png"); // undecodable, in both
        Files.writeString(twitter.resolve("1f9fd.png"), "not a png");
        // Leftovers of an earlier build go; other files in OUT stay.
        emoji(out.resolve("trainA/stale.png"), 4, 64);
        Files.writeString(out.resolve("NOTICE.md"), "keep");

        List<String> log = new ArrayList<>();
        EmojiDataset.Summary s = EmojiDataset.build(google, twitter, out, 64, log::add);

        Set<String> trainA = list(out.resolve("trainA")), trainB = list(out.resolve("trainB"));
        Set<String> testA = list(out.resolve("testA")), testB = list(out.resolve("testB"));
        assertEquals(testA, testB, "test pairs share their names");
        assertFalse(trainA.contains("stale.png"));
        assertEquals("keep", Files.readString(out.resolve("NOTICE.md")));
        assertEquals(s.trainA(), trainA.size());
        assertEquals(s.trainB(), trainB.size());
        assertEquals(s.test(), testA.size());
        assertTrue(s.trainA() > 0 && s.trainB() > 0 && s.test() > 0, s.toString());

        // Every file sits in its group's split, so groups (and skin tones) never straddle splits.
        Map<String, String> groupSplit = new HashMap<>();
        for (var e : Map.of("trainA", trainA, "trainB", trainB, "testA", testA).entrySet()) {
            for (String n : e.getValue()) {
                String was = groupSplit.put(EmojiDataset.group(n), e.getKey());
                assertTrue(was == null || was.equals(e.getKey()), n + " in " + e.getKey() + " and " + was);
                String expected = switch (EmojiDataset.split(EmojiDataset.group(n))) {
                    case TEST -> "testA";
                    case TRAIN_A -> "trainA";
                    case TRAIN_B -> "trainB";
                };
                assertEquals(expected, e.getKey(), n);
            }
        }
        // All good images were used where their split needs them; only the bad ones are missing.
        int expectedA = 0, expectedB = 0, expectedTest = 0;
        for (String n : names) {
            switch (EmojiDataset.split(EmojiDataset.group(n))) {
                case TEST -> expectedTest++;
                case TRAIN_A -> expectedA++;
                case TRAIN_B -> expectedB++;
            }
        }
        if (EmojiDataset.split("1f9ff") == EmojiDataset.Split.TRAIN_A) {
            expectedA++;
        }
        assertEquals(expectedA, s.trainA());
        assertEquals(expectedB, s.trainB());
        assertEquals(expectedTest, s.test());
        assertTrue(s.skipped().stream().anyMatch(l -> l.contains("1f9fe.png (32x32, not 64x64)")), s.skipped().toString());
        assertTrue(s.skipped().stream().anyMatch(l -> l.contains("1f9fd.png")), s.skipped().toString());
        assertEquals(s.skipped().size(), log.size());

        // Pixels: the composited source.
        String n = testA.iterator().next();
        BufferedImage expected = EmojiDataset.onWhite(ImageIO.read(google.resolve(n).toFile()));
        BufferedImage written = ImageIO.read(out.resolve("testA").resolve(n).toFile());
        for (int y = 0; y < 64; y += 7) {
            for (int x = 0; x < 64; x += 5) {
                assertEquals(expected.getRGB(x, y), written.getRGB(x, y), n + " at " + x + "," + y);
            }
        }
    }

    /** A size x size RGBA image: a coloured disc on a transparent background, with a soft edge. */
    private static void emoji(Path file, int seed, int size) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        int rgb = (seed * 2654435761L) == 0 ? 0x336699 : (int) ((seed * 2654435761L) & 0xFFFFFF);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double d = Math.hypot(x - size / 2.0, y - size / 2.0) / (size / 2.0);
                int a = (int) Math.max(0, Math.min(255, (1.0 - d) * 4 * 255));
                img.setRGB(x, y, (a << 24) | rgb);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** Through a PNG file and back, so the test sees what ImageIO's PNG reader produces. */
    private BufferedImage roundTrip(BufferedImage img) throws IOException {
        Path f = Files.createTempFile(tmp, "img", ".png");
        assertTrue(ImageIO.write(img, "png", f.toFile()));
        return ImageIO.read(f.toFile());
    }

    private static Set<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
