package cyclegan4j.data;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches from an {@link UnalignedDataset}, decoded ahead of time by background threads so the
 * training step does not wait on the disk.
 *
 * <p>The stream runs epoch after epoch from {@code startEpoch}. Each epoch visits its
 * {@code max(|A|, |B|)} items in an order shuffled by {@code (seed, epoch)} (or in order when the
 * options turn shuffling off) and cuts them into batches of {@code batchSize}, the last one
 * possibly smaller. At most {@code prefetch} batches are in flight; they are handed out in order,
 * and since each item's random choices depend only on (seed, epoch, index), the stream is the
 * same for any number of threads. With {@code threads = 0} batches are built in the caller's
 * thread.
 *
 * <p>An exception in a worker is rethrown by {@link #next()} (wrapped in a {@link DataException}).
 * {@link #close()} stops the workers and drops what was prefetched.
 */
public final class PrefetchLoader implements AutoCloseable {

    private final UnalignedDataset dataset;
    private final int batchSize;
    private final int prefetch;
    private final ExecutorService pool;
    /** Unique per loader, so that a test can tell this loader's threads from another's. */
    private final String threadPrefix = "cyclegan4j-loader-" + LOADERS.incrementAndGet() + "-";
    private static final AtomicInteger LOADERS = new AtomicInteger();
    private final ArrayDeque<Future<Batch>> queue = new ArrayDeque<>();
    private long nextEpoch;
    private int nextBatch;
    private int[] order;
    private long orderEpoch = Long.MIN_VALUE;
    private boolean closed;

    /**
     * @param batchSize  items per batch (≥ 1)
     * @param threads    decoding threads (0 = decode in the caller's thread)
     * @param prefetch   batches decoded ahead (≥ 1; e.g. 2 × threads)
     * @param startEpoch the first epoch (to resume a run where it stopped)
     */
    public PrefetchLoader(UnalignedDataset dataset, int batchSize, int threads, int prefetch, long startEpoch) {
        this(dataset, batchSize, threads, prefetch, startEpoch, 0);
    }

    /** As above, starting at batch {@code startBatch} of {@code startEpoch} (resuming inside an epoch). */
    public PrefetchLoader(UnalignedDataset dataset, int batchSize, int threads, int prefetch, long startEpoch, int startBatch) {
        if (batchSize < 1 || threads < 0 || prefetch < 1 || startBatch < 0) {
            throw new IllegalArgumentException("loader: batch size " + batchSize + ", threads " + threads
                    + ", prefetch " + prefetch);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.prefetch = prefetch;
        this.nextEpoch = startEpoch;
        this.nextBatch = startBatch;
        if (threads > 0) {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.pool = null;
        }
    }

    /** The names of this loader's worker threads: the prefix, then 1, 2, ... */
    String threadPrefix() {
        return threadPrefix;
    }

    /** Batches per epoch: ceil(max(|A|, |B|) / batchSize). */
    public int batchesPerEpoch() {
        return (dataset.size() + batchSize - 1) / batchSize;
    }

    public UnalignedDataset dataset() {
        return dataset;
    }

    /** The next batch (blocks until it is decoded). */
    public Batch next() {
        if (closed) {
            throw new IllegalStateException("loader is closed");
        }
        if (pool == null) {
            return build(nextTask());
        }
        while (queue.size() < prefetch) {
            Task t = nextTask();
            queue.add(pool.submit(() -> build(t)));
        }
        Future<Batch> head = queue.poll();
        Batch b;
        try {
            b = head.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new DataException("data loader failed: " + ImageCodec.describe(c), c);
        } catch (CancellationException e) {
            throw new DataException("data loader was closed", e);
        }
        Task t = nextTask();
        queue.add(pool.submit(() -> build(t)));
        return b;
    }

    /** Which items one batch holds; computed in the consumer's thread, in stream order. */
    private record Task(long epoch, int batch, boolean last, int[] items) {
    }

    private Task nextTask() {
        long epoch = nextEpoch;
        int batch = nextBatch;
        int n = dataset.size();
        if (orderEpoch != epoch) {
            order = epochOrder(dataset.seed(), epoch, n, dataset.options().shuffle());
            orderEpoch = epoch;
        }
        int from = batch * batchSize;
        int to = Math.min(n, from + batchSize);
        int[] items = java.util.Arrays.copyOfRange(order, from, to);
        boolean last = to == n;
        if (last) {
            nextEpoch++;
            nextBatch = 0;
        } else {
            nextBatch++;
        }
        return new Task(epoch, batch, last, items);
    }

    /** The visiting order of one epoch: a Fisher-Yates shuffle seeded by (seed, epoch), or 0..n-1. */
    public static int[] epochOrder(long seed, long epoch, int n, boolean shuffle) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = UnalignedDataset.itemRandom(seed, epoch, -2);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        return order;
    }

    private Batch build(Task t) {
        int n = t.items.length;
        UnalignedDataset.Item[] items = new UnalignedDataset.Item[n];
        for (int k = 0; k < n; k++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("loader closed");
            }
            items[k] = dataset.get(t.epoch, t.items[k]);
        }
        List<Path> pa = new ArrayList<>(n);
        List<Path> pb = new ArrayList<>(n);
        for (UnalignedDataset.Item item : items) {
            pa.add(item.pathA());
            pb.add(item.pathB());
        }
        int[] shapeA = shape(items, true), shapeB = shape(items, false);
        return new Batch(t.epoch, t.batch, t.last, stack(items, true), shapeA, stack(items, false), shapeB, List.copyOf(pa), List.copyOf(pb));
    }

    /**
     * The batch's NCHW shape for one domain: the items' images must have one size. Only scale_width
     * and none give images of different sizes; the reference's collate fails on those too.
     */
    private static int[] shape(UnalignedDataset.Item[] items, boolean domainA) {
        int[] first = domainA ? items[0].shapeA() : items[0].shapeB();
        for (UnalignedDataset.Item item : items) {
            int[] s = domainA ? item.shapeA() : item.shapeB();
            if (!Arrays.equals(s, first)) {
                Path p0 = domainA ? items[0].pathA() : items[0].pathB(), p = domainA ? item.pathA() : item.pathB();
                throw new DataException("a batch needs images of one size, and " + p0.getFileName() + " is " + first[2] + "x" + first[1]
                        + " where " + p.getFileName() + " is " + s[2] + "x" + s[1] + " (as --preprocess resized them):"
                        + " train with --batch-size 1, or with a --preprocess that crops");
            }
        }
        return new int[]{items.length, first[0], first[1], first[2]};
    }

    /** One domain's images, one after the other: the NCHW data of {@link #shape}. */
    private static float[] stack(UnalignedDataset.Item[] items, boolean domainA) {
        int per = (domainA ? items[0].a() : items[0].b()).length;
        float[] out = new float[items.length * per];
        for (int k = 0; k < items.length; k++) {
            System.arraycopy(domainA ? items[k].a() : items[k].b(), 0, out, k * per, per);
        }
        return out;
    }

    /** Stops the workers and waits briefly for them; prefetched batches are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Future<Batch> f : queue) {
            f.cancel(true);
        }
        queue.clear();
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
