package cyclegan4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: the content goes to a temporary file in the same directory (created
 * if need be), which is flushed to the disk ({@code force(true)}) and then renamed over the target.
 * A crash, a full disk or an exception while writing leaves the previous file untouched; the
 * temporary file is deleted on failure. Temporary names are {@code .<name>.<random>.tmp}.
 */
public final class AtomicFiles {

    /** Writes the whole content through the channel (positioned at 0 on an empty file). */
    @FunctionalInterface
    interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    static final String TEMP_SUFFIX = ".tmp";
    private static final java.util.regex.Pattern TEMP_NAME = java.util.regex.Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.tmp");

    private AtomicFiles() {
    }

    /** Replaces {@code target} with the text, as UTF-8, all at once. */
    public static void writeText(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces {@code target} with the bytes, all at once. */
    public static void writeBytes(Path target, byte[] content) throws IOException {
        write(target, body(content), true);
    }

    /**
     * Replaces {@code target} with the bytes, all at once for this process: a crash or an exception
     * never leaves part of the file, but nothing is forced to the disk, so a power cut may. For
     * outputs that are cheap to make again and many (translated images), where a flush per file
     * would cost more than the work.
     */
    public static void writeBytesUnsynced(Path target, byte[] content) throws IOException {
        write(target, body(content), false);
    }

    private static Body body(byte[] content) {
        ByteBuffer bytes = ByteBuffer.wrap(content);
        return ch -> {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        };
    }

    static void write(Path target, Body body) throws IOException {
        write(target, body, true);
    }

    private static void write(Path target, Body body, boolean sync) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (dir == null || file.getFileName() == null) {
            throw new IOException(target + ": not a file path");
        }
        Files.createDirectories(dir); // an output into a new folder: nothing to replace yet
        Path tmp = createTemp(dir, file.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                body.writeTo(ch);
                if (sync) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileSystemException e) { // e.g. a folder where the file should go: name the target, not the temporary
                throw (IOException) new FileSystemException(target.toString(), null,
                        e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()).initCause(e);
            }
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        if (sync) {
            syncDirectory(dir);
        }
    }

    /**
     * Whether {@code fileName} is one of this class's temporary names ({@code .<name>.<hex>.tmp}): a
     * write that a killed process never finished (or one in progress).
     */
    public static boolean isTemporary(String fileName) {
        return TEMP_NAME.matcher(fileName).matches();
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
            try {
                // CREATE_NEW: never reuse (or follow a link to) an existing file; default permissions.
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename itself durable where the platform allows it (Linux, macOS); best effort. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Windows cannot open a directory as a channel; the file's own data is already flushed.
        }
    }
}
