package cyclegan4j.cli;

import cyclegan4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One `train` per run folder: OUT/NAME/.train.lock, locked by the operating system for as long as
 * the run trains. Two processes given the same --name would otherwise both append to loss.csv and
 * overwrite each other's checkpoints. The lock goes with the process, so a crash or a SIGKILL never
 * leaves a stale one; the file stays (empty of meaning once unlocked) and says who held it last.
 * Where the file system cannot lock (some NFS mounts), training goes on with a warning.
 */
final class RunLock implements AutoCloseable {

    static final String FILE = ".train.lock";

    /** Run folders locked by this JVM: a second lock on a file the JVM already holds is refused before the OS is asked. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code runDir} (which must exist) for this process.
     *
     * @throws UsageException when another train holds it
     */
    static RunLock acquire(Path runDir, String name, Consumer<String> warn) throws IOException {
        Path file = runDir.resolve(FILE);
        Path key = runDir.toRealPath();
        if (!HELD.add(key)) { // (not read: closing any descriptor of the file would drop this process's lock)
            throw inUse(name, runDir, "another Trainer in this process", "");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            } catch (IOException e) { // e.g. "No locks available" on an NFS mount without a lock daemon
                warn.accept("cannot lock " + file + " (" + Main.oneLine(e) + "); make sure no other train uses run '" + name + "'");
                return new RunLock(key, ch, null);
            }
            if (lock == null) {
                throw inUse(name, runDir, "another train process", holder(file));
            }
            String me = "pid " + ProcessHandle.current().pid() + hostName() + ", since "
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            return new RunLock(key, ch, lock);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static UsageException inUse(String name, Path runDir, String who, String holder) {
        return new UsageException("run '" + name + "' in " + runDir + " is in use by " + who
                + (holder.isEmpty() ? "" : " (" + holder + ")")
                + ": wait for it to end or stop it (Ctrl-C saves it), or choose another --name or --out");
    }

    private static String holder(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
            return h.isEmpty() ? "" : " on " + h;
        } catch (IOException | RuntimeException e) {
            String h = System.getenv("COMPUTERNAME"); // Windows
            return h == null || h.isBlank() ? "" : " on " + h;
        }
    }

    /**
     * Deletes the temporary files ({@link AtomicFiles#isTemporary}) that a killed run left in
     * {@code folders}: partial checkpoints, as large as a whole one. Only under the lock, where no
     * other train can be writing them. Returns how many and their bytes.
     */
    static long[] removeLeftovers(List<Path> folders) {
        long count = 0, bytes = 0;
        for (Path dir : folders) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> temps = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> AtomicFiles.isTemporary(p.getFileName().toString()) && Files.isRegularFile(p)).forEach(temps::add);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (Path p : temps) {
                try {
                    long size = Files.size(p);
                    Files.delete(p);
                    count++;
                    bytes += size;
                } catch (IOException | RuntimeException ignored) {
                    // gone already, or not ours to delete: harmless
                }
            }
        }
        return new long[]{count, bytes};
    }

    /** Whether the operating system holds the lock for this process (false where the file system cannot lock). */
    boolean locked() {
        return lock != null;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock != null) {
                lock.release();
            }
            channel.close();
        } finally {
            HELD.remove(key);
        }
    }
}
