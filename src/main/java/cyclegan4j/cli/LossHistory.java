package cyclegan4j.cli;

import cyclegan4j.cyclegan.StepLosses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * loss.csv's losses and gradient norms, averaged over buckets of consecutive steps, for the run
 * report's curves. A bucket holds {@code width} steps; when there are more than {@link #MAX_BUCKETS},
 * neighbours merge and the width doubles, so a run of any length costs bounded memory and a plot
 * of at most that many points, each the mean of its steps (which also smooths the noisy per-step
 * losses). Values that are missing (a log from before the norms existed) are left out of the means.
 */
final class LossHistory {

    /** The columns kept, by loss.csv's names. */
    static final List<String> COLUMNS = List.of("loss_G", "loss_GAN", "loss_cycle", "loss_identity", "loss_D",
            "grad_norm_G", "grad_norm_D_A", "grad_norm_D_B");

    static final int MAX_BUCKETS = 400;

    private static final int K = COLUMNS.size();

    /** Steps firstStep..lastStep: per column the sum of the values present and how many there were. */
    private static final class Bucket {
        long firstStep;
        long lastStep;
        long steps;
        final double[] sum = new double[K];
        final long[] count = new long[K];

        void add(long step, double[] values) {
            if (steps == 0) {
                firstStep = step;
            }
            lastStep = step;
            steps++;
            for (int k = 0; k < K; k++) {
                if (!Double.isNaN(values[k])) {
                    sum[k] += values[k];
                    count[k]++;
                }
            }
        }

        void absorb(Bucket later) {
            lastStep = later.lastStep;
            steps += later.steps;
            for (int k = 0; k < K; k++) {
                sum[k] += later.sum[k];
                count[k] += later.count[k];
            }
        }
    }

    private final List<Bucket> buckets = new ArrayList<>();
    private long width = 1;

    /** Adds one step's values, in {@link #COLUMNS} order (NaN: missing). */
    void add(long step, double[] values) {
        if (values.length != K) {
            throw new IllegalArgumentException("expected " + K + " values, got " + values.length);
        }
        if (buckets.isEmpty() || buckets.get(buckets.size() - 1).steps >= width) {
            if (buckets.size() == MAX_BUCKETS) {
                mergeNeighbours(); // MAX_BUCKETS is even and every bucket full: the merged ones are full too
            }
            buckets.add(new Bucket());
        }
        buckets.get(buckets.size() - 1).add(step, values);
    }

    void add(long step, StepLosses l) {
        StepLosses.GradientNorms n = l.gradients();
        add(step, new double[]{l.g(), l.gan(), l.cycle(), l.identity(), l.d(),
                n == null ? Double.NaN : n.g(), n == null ? Double.NaN : n.dA(), n == null ? Double.NaN : n.dB()});
    }

    private void mergeNeighbours() {
        List<Bucket> merged = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i += 2) {
            Bucket b = buckets.get(i);
            if (i + 1 < buckets.size()) {
                b.absorb(buckets.get(i + 1));
            }
            merged.add(b);
        }
        buckets.clear();
        buckets.addAll(merged);
        width *= 2;
    }

    /** Steps per bucket now (the last bucket may hold fewer). */
    long width() {
        return width;
    }

    /** How many steps were added. */
    long steps() {
        return buckets.stream().mapToLong(b -> b.steps).sum();
    }

    /** Each bucket's middle step. */
    double[] x() {
        return buckets.stream().mapToDouble(b -> (b.firstStep + b.lastStep) / 2.0).toArray();
    }

    /** Each bucket's mean of a column (NaN where it has no value). */
    double[] mean(String column) {
        int k = COLUMNS.indexOf(column);
        if (k < 0) {
            throw new IllegalArgumentException("no column " + column + " (have " + COLUMNS + ")");
        }
        return buckets.stream().mapToDouble(b -> b.count[k] == 0 ? Double.NaN : b.sum[k] / b.count[k]).toArray();
    }

    /** The history of an existing loss.csv (a resumed run's); columns it lacks stay missing. */
    static LossHistory read(Path csv) throws IOException {
        LossHistory h = new LossHistory();
        if (!Files.exists(csv)) {
            return h;
        }
        try (Stream<String> lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            var it = lines.iterator();
            if (!it.hasNext()) {
                return h;
            }
            List<String> header = Arrays.asList(it.next().split(","));
            int stepAt = header.indexOf("step");
            int[] at = COLUMNS.stream().mapToInt(header::indexOf).toArray();
            while (it.hasNext()) {
                String[] f = it.next().split(",", -1);
                double[] v = new double[K];
                for (int k = 0; k < K; k++) {
                    v[k] = at[k] >= 0 && at[k] < f.length ? number(f[at[k]]) : Double.NaN;
                }
                h.add(Long.parseLong(f[stepAt]), v);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) { // a hand-edited or foreign file: say which
            throw new IOException(csv + ": not a loss log this version can read (" + e.getMessage() + ")", e);
        }
        return h;
    }

    private static double number(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }
}
