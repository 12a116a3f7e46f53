package cyclegan4j.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Parallel loops over index ranges on a fixed pool of one thread per core. Work is split into
 * fixed chunks, so results that combine per-chunk partial sums are deterministic.
 */
final class Parallel {

    static final int THREADS = Integer.getInteger("cyclegan4j.cpuThreads", Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, THREADS));

    private Parallel() {
    }

    /** Runs body(i) for i in [0, n); in parallel when there are at least two items and enough work per item. */
    static void forEach(int n, long workPerItem, IntConsumer body) {
        if (n <= 1 || THREADS <= 1 || (long) n * workPerItem < 32_768) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        int chunks = Math.min(n, THREADS * 4);
        POOL.invoke(new Chunks(n, chunks, 0, chunks, body));
    }

    /** Number of fixed-size chunks {@link #forChunks} splits {@code n} elements into. */
    static int chunkCount(long n) {
        return (int) Math.max(1, Math.min(THREADS * 4L, n / 65_536));
    }

    /** Runs body(chunk, start, end) over {@code chunkCount(n)} contiguous ranges of [0, n). */
    static void forChunks(long n, ChunkBody body) {
        int chunks = chunkCount(n);
        forEach(chunks, 65_536, c -> {
            long start = n * c / chunks;
            long end = n * (c + 1) / chunks;
            body.run(c, (int) start, (int) end);
        });
    }

    interface ChunkBody {
        void run(int chunk, int start, int end);
    }

    private static final class Chunks extends RecursiveAction {
        private final int n, chunks, lo, hi;
        private final IntConsumer body;

        Chunks(int n, int chunks, int lo, int hi, IntConsumer body) {
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                invokeAll(new Chunks(n, chunks, lo, mid, body), new Chunks(n, chunks, mid, hi, body));
                return;
            }
            int start = (int) ((long) n * lo / chunks);
            int end = (int) ((long) n * hi / chunks);
            for (int i = start; i < end; i++) {
                body.accept(i);
            }
        }
    }
}
