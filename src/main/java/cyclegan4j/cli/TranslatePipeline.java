package cyclegan4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * The threads around the model: {@code workers} decode the next images while it runs, and one
 * writes the finished PNGs behind it (PNG encoding takes longer than a GPU's forward pass), at
 * most {@link #WRITE_BACKLOG} waiting. Results are taken in input order, so output and messages
 * do not depend on the threads.
 */
final class TranslatePipeline implements AutoCloseable {
    static final int WRITE_BACKLOG = 2;

    private final ExecutorService decoders;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(daemon("cyclegan4j-write"));
    private final ArrayDeque<Write> writes = new ArrayDeque<>();

    /** A PNG being written for input {@code index}. */
    private record Write(int index, Path input, Future<?> done) {
    }

    /** Writes a file behind the model's thread. */
    @FunctionalInterface
    interface PngWrite {
        void run() throws IOException;
    }

    TranslatePipeline(int workers) {
        decoders = Executors.newFixedThreadPool(workers, daemon("cyclegan4j-decode"));
    }

    /** Runs {@code task} (reading the next images) on a decoding thread. */
    <T> Future<T> ahead(Callable<T> task) {
        return decoders.submit(task);
    }

    /** Queues a PNG; takes the results of the writes that are done (at most WRITE_BACKLOG stay waiting). */
    void write(int index, Path input, PngWrite task, Outcomes outcomes) {
        writes.add(new Write(index, input, writer.submit(() -> {
            task.run();
            return null;
        })));
        while (!writes.isEmpty() && (writes.size() > WRITE_BACKLOG || writes.peek().done().isDone())) {
            finishOne(outcomes);
        }
    }

    int pendingWrites() {
        return writes.size();
    }

    /** Waits for every queued PNG. */
    void finishWrites(Outcomes outcomes, Progress progress) {
        while (!writes.isEmpty()) {
            finishOne(outcomes);
            progress.update(outcomes.count() + writes.size());
        }
    }

    private void finishOne(Outcomes outcomes) {
        Write w = writes.poll();
        try {
            get(w.done());
            outcomes.done++;
        } catch (UncheckedIOException e) {
            outcomes.failed(w.index(), w.input(), "writing it: " + Main.oneLine(e.getCause()), 0);
        }
    }

    /** The task's result; its IOException as an UncheckedIOException, its errors and runtime exceptions as they were. */
    static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread th = new Thread(r, name);
            th.setDaemon(true);
            return th;
        };
    }

    @Override
    public void close() {
        decoders.shutdownNow();
        writer.shutdown(); // lets a write in progress finish its file
    }

    /** What became of the files: written, or skipped and why, by input index (on the command's thread only). */
    static final class Outcomes {
        int done;
        final SortedMap<Integer, String> failed = new TreeMap<>();
        int largestFailed; // the longer side of the largest image that did not fit in memory

        void failed(int index, Path f, String why, int side) {
            failed.put(index, f.getFileName() + " (" + why + ")");
            largestFailed = Math.max(largestFailed, side);
        }

        int count() {
            return done + failed.size();
        }
    }
}
