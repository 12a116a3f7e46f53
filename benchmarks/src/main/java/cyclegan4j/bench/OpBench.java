package cyclegan4j.bench;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.Devices;
import cyclegan4j.backend.cuda.CudaBackend;
import cyclegan4j.backend.cuda.DeviceTimer;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the op-family benchmarks share: the backend ({@code -p backend=cpu|cuda}), buffers of random
 * numbers made at trial set-up and closed at tear-down, and {@link #repeat}, which waits for the
 * device inside the measured call, so that JMH's wall time covers the device's work.
 *
 * <p>On a GPU a call's wall time is the larger of its host time (the launch) and its device time;
 * for kernels of a few microseconds the launch can be the larger (seen on an H200). So there
 * {@link #repeat} also times the device alone: it queues fills of a large scratch buffer first,
 * which keep the device busy while the host queues the batch, and puts CUDA events around the
 * batch. {@link Bytes} reports that rate as {@code dgbytes} next to the wall-time {@code gbytes}.
 *
 * <p>A family extends this class, declares its shape {@code @Param} and allocates its buffers in
 * {@link #allocate}. Short defaults (1 x 1 s warm-up, 3 x 0.5 s measured) keep {@code make bench}
 * within minutes; pass {@code -wi/-i/-w/-r} for longer runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public abstract class OpBench {

    /**
     * A device queues work and returns at once: {@link #repeat} queues this much work (estimated from
     * one synchronised call) before it waits, so that the wait's fixed cost (several microseconds) is
     * a few percent of the measured time even for kernels that take a few microseconds.
     */
    private static final long BATCH_NANOS = 2_000_000;
    /** Stays below the driver's queue of pending launches (a reduction is two launches). */
    private static final int MAX_BATCH = 256;
    /**
     * The busy fills' buffer on a GPU ({@code -Dcyclegan4j.bench.busyMiB}, default 128 MiB: tens of
     * microseconds per fill; 0 turns the device timing off).
     */
    private static final long BUSY_FLOATS = Long.getLong("cyclegan4j.bench.busyMiB", 128) << 18;
    /** Most busy fills ahead of a batch (with MAX_BATCH, still within the driver's queue). */
    private static final int MAX_BUSY_FILLS = 256;

    /**
     * The last batch's wall time and device time in nanoseconds (the device time is 0 where it is
     * not measured); read by {@link Bytes#add} on the same thread.
     */
    static final ThreadLocal<long[]> LAST_BATCH = ThreadLocal.withInitial(() -> new long[2]);

    /** {@code cpu} or {@code cuda} (Devices.select): the CUDA set is {@code -p backend=cuda}. */
    @Param({"cpu"})
    public String backend;

    protected Backend be;
    private final List<Buffer> buffers = new ArrayList<>();
    private final SplittableRandom rng = new SplittableRandom(42);
    private int batch; // calls per measured invocation, set by the first repeat()
    private DeviceTimer timer; // on a GPU: the batch's device time
    private Buffer busy;
    private int busyFills; // set with batch

    /** This run's parameters; null when a program calls {@link #setUp} by hand (Interleaved). */
    private BenchmarkParams params;

    @Setup(Level.Trial)
    public final void setUp(BenchmarkParams params) {
        this.params = params;
        setUp();
    }

    /** For programs that set the parameter fields and call this themselves. */
    public final void setUp() {
        GemmBenchmark.NETLIB_LOG.setLevel(java.util.logging.Level.OFF);
        Devices.Selection selection = Devices.select(backend);
        be = selection.backend();
        System.out.println("# " + selection.reason());
        batch = 0;
        allocate();
        if (be instanceof CudaBackend cuda && BUSY_FLOATS > 0) {
            timer = new DeviceTimer(cuda);
            busy = keep(be.allocate(BUSY_FLOATS));
        }
    }

    @TearDown(Level.Trial)
    public final void tearDown() {
        if (be == null) {
            return; // the backend could not start: JMH reports that error
        }
        be.synchronize();
        buffers.forEach(Buffer::close);
        buffers.clear();
        if (timer != null) {
            timer.close();
            timer = null;
        }
    }

    /** Makes the family's buffers from its shape parameter. */
    protected abstract void allocate();

    /** A parameter of this run by name, for states whose subclasses declare it. */
    protected final String param(String name) {
        return params.getParam(name);
    }

    /** n floats, uniform in [-1, 1). */
    protected final Buffer random(long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        Buffer b = keep(be.allocate(n));
        be.upload(b, v);
        return b;
    }

    /** n floats, all {@code value}. */
    protected final Buffer filled(long n, float value) {
        Buffer b = keep(be.allocate(n));
        be.fill(b, value, n);
        return b;
    }

    private Buffer keep(Buffer b) {
        buffers.add(b);
        return b;
    }

    /**
     * Runs {@code op} and waits for the device; returns how many times it ran, for the caller's work
     * counter. On the CPU every call completes before it returns: once. On a device, as many queued
     * calls as take about {@link #BATCH_NANOS} by one synchronised call's time, then one wait.
     */
    protected final int repeat(Runnable op) {
        if (batch == 0) {
            batch = batchSize(op);
            busyFills = timer == null ? 0 : busyFills(op);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < busyFills; i++) {
            be.fill(busy, 0f, BUSY_FLOATS);
        }
        if (timer != null) {
            timer.begin();
        }
        for (int i = 0; i < batch; i++) {
            op.run();
        }
        if (timer != null) {
            timer.end();
        }
        be.synchronize();
        long[] last = LAST_BATCH.get();
        last[0] = System.nanoTime() - t0;
        last[1] = timer == null ? 0 : timer.elapsedNanos();
        return batch;
    }

    /**
     * Enough busy fills to cover twice the host's time to queue one batch, so that the device never
     * waits for the host inside the timed part.
     */
    private int busyFills(Runnable op) {
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            op.run();
        }
        long queue = System.nanoTime() - t0;
        be.synchronize();
        timer.begin();
        be.fill(busy, 0f, BUSY_FLOATS);
        timer.end();
        long fill = Math.max(1, timer.elapsedNanos());
        int n = (int) Math.max(1, Math.min(MAX_BUSY_FILLS, 2 * queue / fill + 1));
        System.out.println("# device time: " + n + " fills of " + (BUSY_FLOATS * 4 >> 20) + " MiB (" + fill / 1000
                + " us each) ahead of each batch, whose calls took " + queue / 1000 + " us to queue");
        return n;
    }

    private int batchSize(Runnable op) {
        if (be.name().equals("cpu")) {
            return 1;
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            op.run();
            be.synchronize();
            best = Math.min(best, System.nanoTime() - t0);
        }
        int n = (int) Math.max(1, Math.min(MAX_BATCH, BATCH_NANOS / Math.max(best, 1)));
        System.out.println("# " + n + " calls per measured invocation (one call and its wait: " + best / 1000 + " us)");
        return n;
    }
}
