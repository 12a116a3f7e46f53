package cyclegan4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The image files of one domain folder (e.g. {@code trainA/}): scanned recursively (following
 * symbolic links), sorted by path for determinism. Files no image reader recognises (and whose name has no image extension) are
 * skipped and counted in one warning; files that look like images but cannot be read (empty,
 * unreadable header, truncated PNG/JPEG, CMYK) are skipped and named in a warning. See
 * {@link ImageCodec#probe} for what the scan checks without decoding. Hidden files and folders
 * (names starting with '.', such as macOS's {@code ._x.jpg} companions, and {@code __MACOSX}) are
 * left out and counted.
 */
public final class ImageFolder {

    private final Path dir;
    private final List<Path> files;
    private final List<int[]> sizes; // {width, height} of each file, as its header declares it (before EXIF orientation)
    private final int skippedNonImages;
    private final List<String> corrupt;

    private ImageFolder(Path dir, List<Path> files, List<int[]> sizes, int skippedNonImages, List<String> corrupt) {
        this.dir = dir;
        this.files = Collections.unmodifiableList(files);
        this.sizes = Collections.unmodifiableList(sizes);
        this.skippedNonImages = skippedNonImages;
        this.corrupt = Collections.unmodifiableList(corrupt);
    }

    /**
     * Scans {@code dir}; warnings go to {@code warn} (null: dropped).
     *
     * @throws DataException when the folder is missing, not a folder, or holds no usable image
     *                       (the message names the folder)
     */
    public static ImageFolder scan(Path dir, Consumer<String> warn) {
        if (warn == null) {
            warn = w -> { };
        }
        if (!Files.exists(dir)) {
            throw new DataException("image folder " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException("image folder " + dir + " is not a directory");
        }
        List<Path> all = files(dir, warn);
        List<Path> candidates = all.stream().filter(f -> !hidden(dir, f)).toList();
        int hidden = all.size() - candidates.size();
        List<Path> images = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        List<String> corrupt = new ArrayList<>();
        int nonImages = 0;
        for (Path f : candidates) {
            ImageCodec.ProbeResult r = ImageCodec.probe(f);
            switch (r.kind()) {
                case IMAGE -> {
                    images.add(f);
                    sizes.add(new int[]{r.width(), r.height()});
                }
                case NOT_IMAGE -> nonImages++;
                case CORRUPT -> corrupt.add(dir.relativize(f) + " (" + r.reason() + ")");
            }
        }
        if (nonImages > 0 || hidden > 0) {
            warn.accept(dir + ": skipped " + (nonImages > 0 ? nonImages + " non-image file" + (nonImages == 1 ? "" : "s") : "")
                    + (nonImages > 0 && hidden > 0 ? " and " : "")
                    + (hidden > 0 ? hidden + " hidden file" + (hidden == 1 ? "" : "s") + " (names or folders starting with '.',"
                    + " e.g. macOS's ._ files, and __MACOSX)" : ""));
        }
        if (!corrupt.isEmpty()) {
            warn.accept(dir + ": skipped " + corrupt.size() + " unreadable or unsupported image" + (corrupt.size() == 1 ? "" : "s")
                    + ": " + String.join(", ", corrupt));
        }
        if (images.isEmpty()) {
            throw new DataException("image folder " + dir + " contains no readable images"
                    + (all.isEmpty() ? " (it is empty)" : " (" + all.size() + " files, none usable)"));
        }
        return new ImageFolder(dir, images, sizes, nonImages, corrupt);
    }

    /**
     * File {@code i}'s {width, height} as it is shown and trained on: as its header declares it,
     * swapped where a JPEG's EXIF orientation turns it a quarter (a phone's portrait photo). Reads
     * the EXIF block, nothing is decoded.
     */
    public int[] shownSize(int i) {
        int[] wh = sizes.get(i);
        return ExifOrientation.of(files.get(i)) >= 5 ? new int[]{wh[1], wh[0]} : wh.clone();
    }

    /**
     * This folder without the images whose header declares a side shorter than {@code side} (for
     * images taken at their own size), told to {@code warn} in one line; {@code limit} says what
     * needs that side, e.g. "the 256x256 crop (--preprocess crop)".
     *
     * @throws DataException when no image is left
     */
    public ImageFolder atLeast(int side, String limit, Consumer<String> warn) {
        List<Path> kept = new ArrayList<>();
        List<int[]> keptSizes = new ArrayList<>();
        List<String> small = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (Math.min(sizes.get(i)[0], sizes.get(i)[1]) >= side) {
                kept.add(files.get(i));
                keptSizes.add(sizes.get(i));
            } else {
                small.add(dir.relativize(files.get(i)).toString());
            }
        }
        if (kept.isEmpty()) {
            throw new DataException("image folder " + dir + ": no image is as large as " + limit + " (" + small.size() + " smaller)");
        }
        if (!small.isEmpty() && warn != null) {
            warn.accept(dir + ": skipped " + small.size() + " image" + (small.size() == 1 ? "" : "s") + " smaller than "
                    + limit + ": " + String.join(", ", small.subList(0, Math.min(5, small.size())))
                    + (small.size() > 5 ? ", ..." : ""));
        }
        return new ImageFolder(dir, kept, keptSizes, skippedNonImages, corrupt);
    }

    /**
     * Every regular file under {@code dir}, following symbolic links, sorted by path. A link that
     * leads back into a folder above it (a loop) is left out, and {@code warn} is told.
     *
     * @throws DataException when the folder cannot be listed (no permission)
     */
    public static List<Path> files(Path dir, Consumer<String> warn) {
        List<Path> out = new ArrayList<>();
        List<Path> loops = new ArrayList<>();
        try {
            Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        out.add(f);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof FileSystemLoopException) {
                        loops.add(f);
                        return FileVisitResult.CONTINUE;
                    }
                    if (!Files.exists(f)) { // a broken symbolic link: nothing to read
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new DataException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
        if (!loops.isEmpty() && warn != null) {
            warn.accept(dir + ": left out " + loops.size() + " symbolic link loop" + (loops.size() == 1 ? "" : "s") + ": "
                    + String.join(", ", loops.stream().map(l -> dir.relativize(l).toString()).toList()));
        }
        Collections.sort(out);
        return out;
    }

    /** Whether {@code file}, or a folder on its way from {@code dir}, is hidden: a name starting with '.', or __MACOSX. */
    public static boolean hidden(Path dir, Path file) {
        for (Path part : dir.relativize(file)) {
            String n = part.toString();
            if (n.startsWith(".") || n.equals("__MACOSX")) {
                return true;
            }
        }
        return false;
    }

    public Path dir() {
        return dir;
    }

    /** The usable image files, sorted. */
    public List<Path> files() {
        return files;
    }

    public int size() {
        return files.size();
    }

    public int skippedNonImages() {
        return skippedNonImages;
    }

    /** Relative names (with reasons) of the files skipped as unreadable. */
    public List<String> corrupt() {
        return corrupt;
    }
}
