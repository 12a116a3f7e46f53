package cyclegan4j.cli;

import cyclegan4j.data.DataException;
import cyclegan4j.data.DataOptions;
import cyclegan4j.data.ImageFolder;
import cyclegan4j.data.Transforms;
import cyclegan4j.data.UnalignedDataset;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * `info --dataroot DIR`: what `train` would find in a dataset, from the files' headers (nothing is
 * decoded): each domain folder's images and sizes, what is skipped, and what the sizes mean for
 * --crop-size and --preprocess.
 */
final class DatasetInfo {

    private DatasetInfo() {
    }

    /** One folder's images as shown (EXIF turns applied): how many, and the sizes. */
    private record Sizes(int count, int minSide, int[] smallest, int[] largest, int[] common, int commonCount, int distinct,
                         boolean allSquare, int wholeSizes, int aspects) {
    }

    static void print(Path root, PrintStream out) {
        if (!Files.isDirectory(root)) {
            throw new UsageException("--dataroot: " + root + (Files.exists(root) ? " is a file, not a folder" : ": no such folder"));
        }
        out.println("dataset: " + root + " (sizes as the files' headers declare them, with a JPEG's EXIF turn; nothing decoded)");
        Map<String, Sizes> found = new HashMap<>();
        for (String phase : List.of("train", "test")) {
            for (String domain : List.of("A", "B")) {
                Path dir = UnalignedDataset.domainFolder(root, phase, domain);
                String name = phase + domain;
                if (!Files.isDirectory(dir)) {
                    out.printf(Locale.ROOT, "  %-7s %s (%s)%n", name, Files.exists(dir) ? "not a folder" : "none", root.relativize(dir));
                    continue;
                }
                List<String> warnings = new ArrayList<>();
                try {
                    Sizes s = sizes(ImageFolder.scan(dir, warnings::add));
                    found.put(name, s);
                    out.printf(Locale.ROOT, "  %-7s %d image(s) in %s: %s%n", name, s.count(), root.relativize(dir), describe(s));
                } catch (DataException e) {
                    out.printf(Locale.ROOT, "  %-7s no usable image: %s%n", name, e.getMessage());
                }
                warnings.forEach(w -> out.println("          " + w));
            }
        }
        Sizes a = found.get("trainA"), b = found.get("trainB");
        if (a == null || b == null) {
            out.println("train needs trainA/ and trainB/ (or train/A/ and train/B/) with images");
            return;
        }
        out.printf(Locale.ROOT, "an epoch: %d steps at --batch-size 1 (max of trainA's and trainB's counts)%n", Math.max(a.count(), b.count()));
        int least = Math.min(a.minSide(), b.minSide());
        if (least < DataOptions.Preprocess.MIN_SIDE) {
            out.printf(Locale.ROOT, "the smallest image side is %d: --preprocess resize_and_crop (the default) scales every image to"
                    + " --load-size, but crop and none skip images under 32x32 (a crop is at least 32)%n", least);
        }
        if (!a.allSquare() || !b.allSquare()) {
            out.println("the images are not all square: --preprocess scale_width_and_crop or scale_shortside_and_crop keeps their"
                    + " aspect (resize_and_crop, the default, squeezes them)");
        }
        // as train's check sees them: none skips images under 32x32 and rounds sides to multiples of 4, scale_width keeps the aspect
        List<String> oneSize = new ArrayList<>(), sizesDiffer = new ArrayList<>();
        if (a.wholeSizes() > 0 && b.wholeSizes() > 0) {
            (a.wholeSizes() == 1 && b.wholeSizes() == 1 ? oneSize : sizesDiffer).add("none");
        }
        (a.aspects() == 1 && b.aspects() == 1 ? oneSize : sizesDiffer).add("scale_width");
        if (!oneSize.isEmpty()) {
            out.println("each domain's images have one size with --preprocess " + String.join(" and ", oneSize)
                    + " (whole images): any --batch-size");
        }
        if (!sizesDiffer.isEmpty()) {
            out.println("the images differ in size with --preprocess " + String.join(" and ", sizesDiffer) + " (whole images): they"
                    + " need --batch-size 1" + (sizesDiffer.contains("scale_width") ? " (scale_width: their aspects differ, unless"
                    + " --load-size rounds them to one size; train checks before it starts)" : ""));
        }
    }

    private static Sizes sizes(ImageFolder folder) {
        Map<Long, Integer> counts = new HashMap<>();
        Set<List<Integer>> whole = new HashSet<>(), aspects = new HashSet<>(); // --preprocess none's sizes; width:height in lowest terms
        DataOptions none = new DataOptions(DataOptions.Preprocess.MIN_SIDE, DataOptions.Preprocess.MIN_SIDE, 3, false, false,
                DataOptions.Preprocess.NONE);
        int[] smallest = null, largest = null;
        int minSide = Integer.MAX_VALUE;
        boolean square = true;
        for (int i = 0; i < folder.size(); i++) {
            int[] wh = folder.shownSize(i);
            counts.merge(((long) wh[0] << 32) | wh[1], 1, Integer::sum);
            long pixels = (long) wh[0] * wh[1];
            smallest = smallest == null || pixels < (long) smallest[0] * smallest[1] ? wh : smallest;
            largest = largest == null || pixels > (long) largest[0] * largest[1] ? wh : largest;
            minSide = Math.min(minSide, Math.min(wh[0], wh[1]));
            square &= wh[0] == wh[1];
            if (Math.min(wh[0], wh[1]) >= DataOptions.Preprocess.MIN_SIDE) {
                int[] hw = Transforms.wholeSize(wh[1], wh[0], none);
                whole.add(List.of(hw[0], hw[1]));
            }
            int g = gcd(wh[0], wh[1]);
            aspects.add(List.of(wh[0] / g, wh[1] / g));
        }
        Map.Entry<Long, Integer> common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        int[] commonSize = {(int) (common.getKey() >>> 32), (int) (long) common.getKey()};
        return new Sizes(folder.size(), minSide, smallest, largest, commonSize, common.getValue(), counts.size(), square, whole.size(),
                aspects.size());
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static String describe(Sizes s) {
        if (s.distinct() == 1) {
            return "all " + s.common()[0] + "x" + s.common()[1];
        }
        return String.format(Locale.ROOT, "%d sizes, %dx%d to %dx%d", s.distinct(), s.smallest()[0], s.smallest()[1], s.largest()[0],
                s.largest()[1]) + (s.commonCount() > 1 ? "; most often " + s.common()[0] + "x" + s.common()[1] + " (" + s.commonCount()
                + ")" : "");
    }
}
