package cyclegan4j.cli;

import cyclegan4j.backend.Backend;
import cyclegan4j.cyclegan.CycleGan;
import cyclegan4j.cyclegan.LrSchedule;
import cyclegan4j.cyclegan.StepLosses;
import cyclegan4j.cyclegan.TrainingCheckpoint;
import cyclegan4j.cyclegan.TrainingCheckpoint.Position;
import cyclegan4j.data.Batch;
import cyclegan4j.data.ImageWriter;
import cyclegan4j.data.PrefetchLoader;
import cyclegan4j.data.ImageCache;
import cyclegan4j.data.UnalignedDataset;
import cyclegan4j.io.Checkpoint;
import cyclegan4j.io.Checkpoints;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The training loop behind `cyclegan4j train`: epochs of steps with the reference's LR schedule, a
 * progress bar, a CSV loss log, sample grids, a report page (index.html), atomic checkpoints ('latest' at every epoch end,
 * every --autosave-minutes, on --max-steps, on Ctrl-C; one per --checkpoint-every), exact --resume,
 * and a stop with a clear message when a loss stops being finite (the last good checkpoint is kept).
 *
 * <p>From Java: {@link #fromOptions} takes train's command-line options (same names, defaults and
 * checks), {@link #onStep} sees every step's losses, {@link #run} trains and says how it ended, and
 * {@link #stop} (from any thread) makes it save 'latest' after the current step and return.
 */
public final class Trainer {

    /** Exit code after Ctrl-C (128 + SIGINT), once the checkpoint is safely written. */
    static final int INTERRUPTED = 130;

    /** How a run ended. */
    public enum Outcome {
        /** All epochs trained; 'latest' holds the end. */
        FINISHED,
        /** Stopped at --max-steps; 'latest' holds it. */
        MAX_STEPS,
        /** Stopped by {@link #stop} or Ctrl-C after a step; 'latest' holds it (continue with --resume). */
        STOPPED,
        /** A loss or gradient norm became NaN or infinite; 'latest' is the last good checkpoint. */
        DIVERGED
    }

    /** One trained step, numbered as loss.csv, the progress bar and the samples number it: epoch, iteration and step count from 1. */
    public record Step(int epoch, int iteration, long step, float lr, StepLosses losses, double seconds) {
    }

    private final TrainOptions o;
    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean stopRequested;
    /** When 'latest' was last written (or training started): --autosave-minutes counts from here. */
    private long latestSaved = System.nanoTime();
    /** How long Ctrl-C or SIGTERM waits for the current step and its checkpoint before the JVM exits anyway. */
    static final int STOP_WAIT_SECONDS = 120;
    private Consumer<Step> listener = step -> { };
    /** The --preprocess of the checkpoint --resume continues (null: a new run). */
    private String resumedPreprocess;

    Trainer(TrainOptions options, PrintStream out, PrintStream err) {
        this.o = options;
        this.out = Objects.requireNonNull(out, "out (PrintStream.nullOutputStream() silences it)");
        this.err = Objects.requireNonNull(err, "err (PrintStream.nullOutputStream() silences it)");
    }

    /**
     * A run from train's command-line options, e.g. {@code "--dataroot", "data/horse2zebra", "--name",
     * "h2z", "--epochs", "5"} (`cyclegan4j train --help` lists them). Messages and the progress bar go
     * to {@code out} and {@code err} ({@code PrintStream.nullOutputStream()} silences them).
     *
     * @throws IllegalArgumentException ({@link UsageException}) for a bad option, with the command line's message
     * @throws java.io.UncheckedIOException with --resume, when the run's checkpoint (whose options are the defaults) cannot be read
     */
    public static Trainer fromOptions(PrintStream out, PrintStream err, String... options) {
        CommandLineSpec c = TrainCommand.spec();
        if (!c.parse(options, out)) {
            throw new UsageException("--help lists the options; it trains nothing");
        }
        return new Trainer(TrainCommand.parse(c), out, err);
    }

    /** Calls {@code listener} after every step, once the step is in loss.csv (on the training thread; an exception stops training). */
    public Trainer onStep(Consumer<Step> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Asks the run to save 'latest' after the current step and return {@link Outcome#STOPPED}; safe from any thread. */
    public void stop() {
        stopRequested = true;
    }

    Path checkpointDir() {
        return o.runDir().resolve("checkpoints");
    }

    /** The run's 'latest' checkpoint: OUT/NAME/checkpoints/latest.safetensors. */
    public Path latest() {
        return latest(o.out(), o.name());
    }

    static Path latest(Path out, String name) {
        return out.resolve(name).resolve("checkpoints").resolve("latest.safetensors");
    }

    /**
     * Trains (or, with --resume, continues) the run and says how it ended.
     *
     * @throws IllegalArgumentException ({@link UsageException}) when the run exists and --resume was not
     *                                  given, --resume finds no checkpoint or another architecture, or
     *                                  another train (process or Trainer) is training the run
     * @throws IOException              when checkpoints or the run's files cannot be read or written
     * @throws cyclegan4j.data.DataException (unchecked) when the data set cannot be used: a domain
     *                                  folder missing or without a usable image, or an image the
     *                                  loader fails on during training (the message says which)
     */
    public Outcome run() throws IOException {
        Path runDir = o.runDir();
        Checkpoint resumeFrom = null;
        RunLock lock = null;
        try {
            if (o.resume()) {
                if (!Files.exists(latest())) {
                    throw ResumeDefaults.missing(latest());
                }
                lock = lock(); // before reading 'latest': no other train may be rewriting it
                resumeFrom = Checkpoint.load(latest());
                checkResume(TrainingCheckpoint.options(resumeFrom), resumeFrom.getInt(Checkpoints.ITERATION));
            } else if (Files.exists(latest())) {
                throw alreadyExists();
            }
            Backend backend = Devices.select(o.device(), out);
            long cacheBytes = o.cacheBytes();
            if (cacheBytes > ImageCache.maxBudget()) { // a budget the heap cannot hold ends the run in an OutOfMemoryError
                err.printf(Locale.ROOT, "warning: --cache-mb %d is more than half the Java heap (%d MiB): keeping at most %d MiB"
                        + " of images (raise JAVA_OPTS=-Xmx for more)%n", o.cacheMb(), Runtime.getRuntime().maxMemory() >> 20,
                        ImageCache.maxBudget() >> 20);
                cacheBytes = ImageCache.maxBudget();
            }
            UnalignedDataset dataset = UnalignedDataset.open(o.dataroot(), "train", o.dataOptions(), o.seed(), w -> err.println("warning: " + w))
                    .withCache(cacheBytes > 0 ? new ImageCache(cacheBytes) : null);
            dataset.requireOneSize(o.batchSize());
            LrSchedule schedule = new LrSchedule(o.lr(), o.epochs(), o.decayEpoch());
            Files.createDirectories(checkpointDir()); // only now: a run that cannot start leaves nothing behind
            Files.createDirectories(runDir.resolve("samples"));
            if (lock == null) {
                lock = lock();
                if (Files.exists(latest())) { // another train of this name got here first, and has ended
                    throw alreadyExists();
                }
            }
            return train(resumeFrom, backend, dataset, schedule);
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    private UsageException alreadyExists() {
        return new UsageException("run '" + o.name() + "' already exists in " + o.runDir()
                + " (continue it with --resume, or choose another --name or --out)");
    }

    /** Locks the run folder for this process, and removes what a killed run left half written. */
    private RunLock lock() throws IOException {
        RunLock lock = RunLock.acquire(o.runDir(), o.name(), w -> err.println("warning: " + w));
        if (!lock.locked()) { // another train could be writing the temporary files: leave them
            return lock;
        }
        long[] removed = RunLock.removeLeftovers(List.of(o.runDir(), checkpointDir(), o.runDir().resolve("samples")));
        if (removed[0] > 0) {
            out.printf(Locale.ROOT, "removed %d unfinished file(s) (%.1f MB) that an earlier, killed run left in %s%n",
                    removed[0], removed[1] / 1e6, o.runDir());
        }
        return lock;
    }

    private Outcome train(Checkpoint resumeFrom, Backend backend, UnalignedDataset dataset, LrSchedule schedule) throws IOException {

        TestSamples testSamples = o.sampleEvery() > 0
                ? TestSamples.load(o.dataroot(), o.cropSize(), o.channels(), w -> err.println("warning: " + w)) : null;
        CountDownLatch finished = new CountDownLatch(1); // this run()'s: a Trainer may run() again after a stop()
        Thread hook = new Thread(() -> onInterrupt(finished), "cyclegan4j-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try (CycleGan gan = new CycleGan(backend, o.modelConfig())) {
            gan.trackGradientNorms(true); // loss.csv's last columns
            Position at = new Position(0, 0, 0);
            if (resumeFrom != null) {
                at = TrainingCheckpoint.restore(resumeFrom, gan);
                out.printf(Locale.ROOT, at.epoch() < o.epochs() ? "resuming %s after step %d: epoch %d/%d from iteration %d%n"
                        : "resuming %s after step %d: its %4$d epochs are trained (raise --epochs to train on)%n",
                        latest(), at.step(), at.epoch() + 1, o.epochs(), at.iteration() + 1);
                sayIfTheRateChanges(resumeFrom, schedule, at.epoch());
            } else if (o.initFrom() != null) {
                List<String> loaded = InitFrom.load(o.initFrom(), gan, out);
                out.printf(Locale.ROOT, "starting from %s of %s; %s%n", String.join(", ", loaded), o.initFrom(),
                        loaded.size() == 4 ? "fresh optimizers and pools" : "the other networks fresh");
            }
            out.printf(Locale.ROOT, "training '%s' on %s: %d images in A, %d in B; %d generator + %d discriminator parameters; device %s%n",
                    o.name(), o.dataroot(), dataset.domainA().size(), dataset.domainB().size(),
                    gan.gAB.parameterCount() * 2, gan.dA.parameterCount() * 2, backend.name());
            if (testSamples != null) {
                out.printf(Locale.ROOT, "samples every %d steps also show %d test image(s) of each domain (testA, testB)%n",
                        o.sampleEvery(), testSamples.count());
            }
            return loop(gan, dataset, schedule, at, testSamples, backend.name());
        } finally {
            stopRequested = false; // a stop() ends this run only: the next run() trains on
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting (Ctrl-C): the hook has done its job
            }
        }
    }

    private Outcome loop(CycleGan gan, UnalignedDataset dataset, LrSchedule schedule, Position at, TestSamples testSamples,
                         String device) throws IOException {
        try (PrefetchLoader loader = new PrefetchLoader(dataset, o.batchSize(), o.workers(), 2 * o.workers(), at.epoch(), at.iteration());
             LossLog log = new LossLog(o.runDir().resolve("loss.csv"), at.step())) {
            int perEpoch = loader.batchesPerEpoch();
            if (at.iteration() > 0 && at.iteration() >= perEpoch) { // else the epoch's end is saved untrained, and the loader fails
                // crop and none skip images too small for them: a changed --preprocess, not a removed file, may have shortened the epoch
                String why = resumedPreprocess == null || resumedPreprocess.equals(o.preprocess().label())
                        ? "images were removed since; put them back to finish the epoch"
                        : "--preprocess " + o.preprocess().label() + " skips images that the checkpoint's " + resumedPreprocess
                        + " used (named above); finish the epoch with --preprocess " + resumedPreprocess + ", and change it where"
                        + " an epoch starts";
                throw new UsageException(String.format(Locale.ROOT, "--resume: the checkpoint is at iteration %d of epoch %d, but an"
                        + " epoch of the dataset now has %d iteration(s) (%d image(s) in A, %d in B): %s", at.iteration() + 1,
                        at.epoch() + 1, perEpoch, dataset.domainA().size(), dataset.domainB().size(), why));
            }
            long step = at.step();
            if (o.maxSteps() > 0 && step >= o.maxSteps()) { // --max-steps counts the run's steps, resumed ones included
                out.printf(Locale.ROOT, "the run is at step %d, at or past --max-steps %d: nothing to train%n", step, o.maxSteps());
                return Outcome.MAX_STEPS;
            }
            Report report = new Report(pastLosses(), perEpoch, device);
            report.write("starting", at.epoch(), at.iteration(), step);
            out.println("follow the run in " + report.page.file().toAbsolutePath().toUri());
            for (int epoch = at.epoch(); epoch < o.epochs(); epoch++) {
                float lr = schedule.at(epoch);
                gan.setLr(lr);
                int first = epoch == at.epoch() ? at.iteration() : 0;
                long later = stepsLeft(perEpoch, epoch, first, step) - (perEpoch - first); // after this epoch (< 0: --max-steps ends it sooner)
                Progress progress = new Progress(err, System.console() != null,
                        String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, o.epochs()), first, perEpoch).followedBy(later);
                long epochStarted = System.nanoTime(), waited = 0;
                for (int i = first; i < perEpoch; i++) {
                    long asked = System.nanoTime();
                    Batch batch = loader.next();
                    waited += System.nanoTime() - asked;
                    boolean sample = o.sampleEvery() > 0 && step % o.sampleEvery() == 0;
                    StepLosses losses;
                    long t0 = System.nanoTime();
                    try (Scope s = Scope.open()) {
                        losses = gan.step(batch.tensorA(gan.backend()), batch.tensorB(gan.backend()), sample);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    String bad = losses.firstNonFinite();
                    if (bad != null) {
                        progress.update(i + 1, losses.terms());
                        err.printf(Locale.ROOT, "error: %s became %s at epoch %d, iteration %d (step %d); training stopped. "
                                        + "The last good checkpoint is %s (try a lower --lr).%n",
                                bad, losses.value(bad), epoch + 1, i + 1, step + 1,
                                Files.exists(latest()) ? latest() : "(none yet)");
                        report.write("stopped: " + bad + " became " + losses.value(bad) + " at step " + (step + 1)
                                + " (the last good checkpoint is kept)", epoch, i, step);
                        return Outcome.DIVERGED;
                    }
                    step++;
                    log.append(epoch, i, step, lr, losses, seconds);
                    report.add(step, losses, seconds);
                    listener.accept(new Step(epoch + 1, i + 1, step, lr, losses, seconds));
                    if (sample) {
                        String name = String.format(Locale.ROOT, "epoch%03d_iter%05d", epoch + 1, i + 1);
                        writeSample(gan, batch, name + ".png");
                        if (testSamples != null) {
                            Path file = o.runDir().resolve("samples").resolve(name + "_test.png");
                            try {
                                testSamples.write(gan, file);
                            } catch (IOException e) {
                                sampleNotWritten(file, e);
                            }
                        }
                        report.write("training", epoch, i + 1, step);
                    }
                    progress.update(i + 1, losses.terms());
                    Position next = i + 1 < perEpoch ? new Position(epoch, i + 1, step) : new Position(epoch + 1, 0, step);
                    if (o.checkpointEvery() > 0 && step % o.checkpointEvery() == 0) {
                        save(gan, next, checkpointDir().resolve(String.format(Locale.ROOT, "step_%07d.safetensors", step)));
                    }
                    if (o.maxSteps() > 0 && step >= o.maxSteps()) {
                        save(gan, next, latest());
                        out.printf(Locale.ROOT, "stopped after %d steps (--max-steps); checkpoint %s%n", step, latest());
                        report.write("stopped at --max-steps", epoch, i + 1, step);
                        return Outcome.MAX_STEPS;
                    }
                    if (stopRequested) {
                        save(gan, next, latest());
                        err.printf(Locale.ROOT, "%ninterrupted: checkpoint saved to %s (continue with --resume)%n", latest());
                        report.write("stopped (continue with --resume)", epoch, i + 1, step);
                        return Outcome.STOPPED;
                    }
                    if (o.autosaveMinutes() > 0 && System.nanoTime() - latestSaved >= o.autosaveMinutes() * 60e9
                            && i + 1 < perEpoch) { // (an epoch's last step saves below anyway)
                        save(gan, next, latest());
                    }
                }
                save(gan, new Position(epoch + 1, 0, step), latest());
                String slowLoader = LoaderWait.hint(waited, System.nanoTime() - epochStarted, o.workers(), dataset.cache(),
                        dataset.domainA().size() + dataset.domainB().size(), epoch + 1 < o.epochs());
                if (slowLoader != null) {
                    out.println(slowLoader);
                }
                ImageCache cache = dataset.cache();
                if (epoch == at.epoch() && cache != null && epoch + 1 < o.epochs()) {
                    out.printf(Locale.ROOT, "image cache after this epoch: %d of the %d training images, resized (%.1f of %d MiB,"
                            + " --cache-mb); those kept are not decoded again%n", cache.size(),
                            dataset.domainA().size() + dataset.domainB().size(), cache.bytes() / 1048576.0, cache.budget() >> 20);
                }
                if (epoch + 1 < o.epochs()) {
                    report.write("training", epoch, perEpoch, step);
                }
            }
            out.printf(Locale.ROOT, "done: %d epochs, %d steps; checkpoint %s%n", o.epochs(), step, latest());
            report.write("finished", o.epochs() - 1, perEpoch, step);
            return Outcome.FINISHED;
        }
    }

    /** The losses of the steps loss.csv kept (a resumed run's), for the report's curves; none when it cannot be read. */
    private LossHistory pastLosses() {
        try {
            return LossHistory.read(o.runDir().resolve("loss.csv"));
        } catch (IOException e) {
            err.println("warning: the report's curves start at this step: " + e.getMessage());
            return new LossHistory();
        }
    }

    /**
     * The run's index.html and what it shows. A page that cannot be written is a warning, once:
     * training goes on (the checkpoints and loss.csv are what matter).
     */
    private final class Report {
        final RunReport page = new RunReport(o.runDir(), o.name(), o.toMap());
        final LossHistory history;
        final int perEpoch;
        final String device;
        double seconds;
        int steps;
        boolean warned;

        Report(LossHistory history, int perEpoch, String device) {
            this.history = history;
            this.perEpoch = perEpoch;
            this.device = device;
        }

        void add(long step, StepLosses losses, double stepSeconds) {
            history.add(step, losses);
            seconds += stepSeconds;
            steps++;
        }

        /** {@code iteration} iterations of the (0-based) epoch are done. */
        void write(String state, int epoch, int iteration, long step) {
            long left = stepsLeft(perEpoch, epoch, iteration, step);
            String speed = steps == 0 ? "" : String.format(Locale.ROOT, "; %.3f s/step over the last %d steps%s", seconds / steps, steps,
                    left > 0 ? ", about " + Progress.clock(left * seconds / steps) + " left" : "");
            String status = String.format(Locale.ROOT, "%s: epoch %d/%d, iteration %d/%d, step %d; device %s%s",
                    state, epoch + 1, o.epochs(), iteration, perEpoch, step, device, speed);
            seconds = 0;
            steps = 0;
            try {
                page.write(status, history);
            } catch (IOException | RuntimeException e) {
                if (!warned) {
                    err.println("warning: could not write " + page.file() + " (" + e.getMessage() + "); training goes on");
                    warned = true;
                }
            }
        }
    }

    /** Steps the run has left after {@code iteration} iterations of {@code epoch}: to its last epoch's end, or to --max-steps. */
    private long stepsLeft(int perEpoch, int epoch, int iteration, long step) {
        long toEnd = (long) (o.epochs() - epoch) * perEpoch - iteration;
        return o.maxSteps() > 0 ? Math.min(toEnd, o.maxSteps() - step) : toEnd;
    }

    private void save(CycleGan gan, Position next, Path file) throws IOException {
        try {
            TrainingCheckpoint.save(file, gan, next, o.toMap());
        } catch (IOException e) { // e.g. a full disk, whose message names no file
            throw new IOException("could not write the checkpoint " + file + " (" + Main.oneLine(e) + "); " + (Files.exists(latest())
                    ? "the last one written, " + latest() + ", is intact: --resume continues from it"
                    : "no checkpoint of this run was written before"), e);
        }
        if (file.equals(latest())) {
            latestSaved = System.nanoTime();
        }
    }

    /** Row A: real A, fake B, recovered A; row B: real B, fake A, recovered B (A's and B's sizes differ with --preprocess none). */
    private void writeSample(CycleGan gan, Batch batch, String fileName) {
        float[][] images = gan.lastSampleImages();
        Path file = o.runDir().resolve("samples").resolve(fileName);
        int[] a = {batch.shapeA()[2], batch.shapeA()[3]}, b = {batch.shapeB()[2], batch.shapeB()[3]};
        int c = batch.shapeA()[1];
        try {
            ImageWriter.writeGrid(file, List.of(images), new int[]{c, c, c, c, c, c}, new int[][]{a, a, a, b, b, b}, 2, 3, 2);
        } catch (IOException e) {
            sampleNotWritten(file, e);
        }
    }

    /**
     * A changed schedule on --resume changes the rate of the epoch it resumes in; a longer run with the
     * checkpoint's --decay-epoch raises a rate that had decayed towards 0, which is easy to miss.
     */
    private void sayIfTheRateChanges(Checkpoint resumeFrom, LrSchedule schedule, int epoch) {
        Map<String, String> saved = resumeFrom.metadataWithPrefix(Checkpoints.OPTION_PREFIX);
        if (epoch >= o.epochs() || !saved.containsKey("lr") || !saved.containsKey("epochs") || !saved.containsKey("decay_epoch")) {
            return;
        }
        try {
            int savedEpochs = Integer.parseInt(saved.get("epochs"));
            float was = epoch >= savedEpochs ? 0f
                    : new LrSchedule(Float.parseFloat(saved.get("lr")), savedEpochs, Integer.parseInt(saved.get("decay_epoch"))).at(epoch);
            float next = schedule.at(epoch);
            if (Math.abs(next - was) > 1e-6f * Math.max(Math.abs(was), Math.abs(next))) {
                out.printf(Locale.ROOT, "the learning rate of epoch %d changes from %s (the checkpoint's schedule) to %s"
                        + " (--lr %s, decaying from epoch %d to %d)%n", epoch + 1, was, next, o.toMap().get("lr"),
                        schedule.decayEpoch(), o.epochs());
            }
        } catch (IllegalArgumentException e) { // an old or edited checkpoint's options: the message is only a courtesy
        }
    }

    /** A sample grid is not worth the run: it is named, and training goes on (a full disk stops it at the next checkpoint). */
    private void sampleNotWritten(Path file, IOException e) {
        err.println("warning: could not write the sample grid " + file + " (" + Main.oneLine(e) + "); training goes on");
    }

    /** Options that shape the networks, the image pools or the crops: a checkpoint holds state for these values only. */
    private static final List<String> FIXED = List.of("channels", "n_residual_blocks", "upsampling", "discriminator", "ngf", "ndf",
            "crop_size", "pool_size");
    /** Options that order the epoch's images: they may change only where an epoch starts. */
    private static final List<String> EPOCH_ORDER = List.of("batch_size", "seed");

    /**
     * The options not given on the command line are the checkpoint's ({@link ResumeDefaults}); of those
     * given, refuses in one message every architecture change and, within an epoch, a change of its
     * image order, and says which others (the schedule, the data's resizing) this run changes.
     */
    private void checkResume(Map<String, String> saved, int iteration) {
        resumedPreprocess = saved.getOrDefault("preprocess", "resize_and_crop"); // before the option: the only one
        Map<String, String> now = o.toMap();
        Map<String, String> before = Map.of("upsampling", "nearest", "discriminator", "pytorch-gan", "ngf", "64", "ndf", "64"); // checkpoints older than the options
        List<String> refused = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> e : now.entrySet()) {
            String key = e.getKey();
            String was = saved.getOrDefault(key, before.get(key));
            if (was == null || was.equals(e.getValue()) || key.equals("name")) {
                continue;
            }
            String change = key + "=" + was + " -> " + e.getValue();
            if (FIXED.contains(key) || EPOCH_ORDER.contains(key) && iteration > 0) {
                refused.add(change);
            } else {
                changed.add(change);
            }
        }
        if (!refused.isEmpty()) {
            throw new UsageException("--resume: the checkpoint's options cannot change here: " + String.join(", ", refused)
                    + " (leave these options out to keep the checkpoint's; --batch-size and --seed may change only"
                    + " where an epoch starts)");
        }
        if (!changed.isEmpty()) {
            out.println("resuming with changed options: " + String.join(", ", changed));
        }
    }

    /**
     * Ctrl-C, SIGTERM (what `timeout`, SLURM, Kubernetes and systemd send) or SIGHUP: ask the loop to save
     * and stop after the current step, say so at once (a step can take minutes), and wait for it (bounded).
     */
    private void onInterrupt(CountDownLatch finished) {
        stopRequested = true;
        long started = System.nanoTime();
        err.printf(Locale.ROOT, "%nstopping: finishing the current step, then saving a checkpoint (waiting at most %d s)%n",
                STOP_WAIT_SECONDS);
        err.flush();
        try {
            if (!finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                err.printf(Locale.ROOT, "stopping: gave up after %d s, the step had not ended: nothing was saved now; %s%n",
                        (System.nanoTime() - started) / 1_000_000_000L, Files.exists(latest())
                                ? "--resume continues from the last checkpoint, " + latest() : "no checkpoint was written yet");
                err.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
