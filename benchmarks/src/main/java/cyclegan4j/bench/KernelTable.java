package cyclegan4j.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * Per backend and shape: each memory-bound kernel's GB/s and its fraction of the copy bandwidth of
 * the same run (the copy of a tensor with as many elements as the kernel's main operand, else the
 * nearest size), and the convolutions' TFLOP/s (GFLOP/s on the CPU). The goal, at least
 * 0.60 of the copy, is checked for instance norm, padding, upsampling, losses and Adam at the
 * large shapes (2^19 elements and more). It is a GPU goal: on the CPU the copy is one thread's
 * arraycopy while the kernels use every core, so the fractions are shown there but not judged.
 */
final class KernelTable {

    static final double GOAL = 0.60;
    private static final long LARGE = 1L << 19;
    private static final Set<String> GOAL_FAMILIES = Set.of("InstanceNormBenchmark", "PadBenchmark", "UpsampleBenchmark",
            "LossBenchmark", "AdamBenchmark");

    private KernelTable() {
    }

    static void print(List<JmhCsv.Row> rows, PrintStream out) {
        Map<String, List<JmhCsv.Row>> byBackend = new LinkedHashMap<>();
        for (JmhCsv.Row r : rows) {
            if (!r.param("backend").isEmpty() && !r.counter().isEmpty()) {
                byBackend.computeIfAbsent(r.param("backend"), k -> new ArrayList<>()).add(r);
            }
        }
        byBackend.forEach((backend, list) -> {
            bandwidth(backend, list, out);
            convolutions(backend, list, out);
        });
    }

    private static void bandwidth(String backend, List<JmhCsv.Row> rows, PrintStream out) {
        // the rate over the device's own time where the run measured it (dgbytes: Bytes), else the wall-time rate
        Map<String, JmhCsv.Row> device = new HashMap<>();
        for (JmhCsv.Row r : rows) {
            if (r.counter().equals("dgbytes") && r.score() > 0) {
                device.put(r.benchmark() + r.params(), r);
            }
        }
        Map<Long, JmhCsv.Row> copies = new LinkedHashMap<>();
        List<JmhCsv.Row> kernels = new ArrayList<>();
        for (JmhCsv.Row wall : rows) {
            if (!wall.counter().equals("gbytes")) {
                continue;
            }
            JmhCsv.Row r = device.getOrDefault(wall.benchmark() + wall.params(), wall);
            if (r.benchmark().equals("CopyBenchmark.copy")) {
                copies.put(elements(r), r);
            } else {
                kernels.add(r);
            }
        }
        if (kernels.isEmpty() && copies.isEmpty()) {
            return;
        }
        // one group per copy size (largest first): the copy, then the kernels compared with it
        Map<Long, List<JmhCsv.Row>> groups = new TreeMap<>(Comparator.reverseOrder());
        copies.keySet().forEach(n -> groups.put(n, new ArrayList<>()));
        for (JmhCsv.Row k : kernels) {
            JmhCsv.Row copy = nearest(copies, elements(k));
            groups.computeIfAbsent(copy == null ? elements(k) : elements(copy), n -> new ArrayList<>()).add(k);
        }
        out.printf(Locale.ROOT, "%nMemory-bound kernels, %s: GB/s (JMH mean%s) and fraction of the copy of the same size%n", backend,
                device.isEmpty() ? "" : "; device time alone: CUDA events around each batch, the device kept busy while it is queued");
        String format = "  %-16s %-38s %9s %8s  %s%n";
        out.printf(Locale.ROOT, format, "shape", "kernel", "GB/s", "of copy", "goal >= " + GOAL);
        List<String> missed = new ArrayList<>();
        boolean noisy = false, nearestOnly = false;
        int checked = 0;
        for (Map.Entry<Long, List<JmhCsv.Row>> group : groups.entrySet()) {
            JmhCsv.Row copy = copies.get(group.getKey());
            if (copy != null) {
                out.printf(Locale.ROOT, format, copy.param("shape"), "copy", gbs(copy), "1.00", "");
                noisy |= copy.noisy();
            }
            for (JmhCsv.Row k : group.getValue()) {
                double fraction = copy == null ? Double.NaN : k.score() / copy.score();
                boolean goal = !backend.equals("cpu") && elements(k) >= LARGE
                        && GOAL_FAMILIES.contains(k.benchmark().substring(0, k.benchmark().indexOf('.')));
                String verdict = !goal || copy == null ? "" : fraction >= GOAL ? "met" : "MISSED";
                checked += verdict.isEmpty() ? 0 : 1;
                if (verdict.equals("MISSED")) {
                    missed.add(k.benchmark() + " " + k.param("shape"));
                }
                boolean exact = copy != null && elements(copy) == elements(k);
                nearestOnly |= copy != null && !exact;
                String of = copy == null ? "-" : String.format(Locale.ROOT, "%.2f", fraction) + (exact ? "" : "*");
                out.printf(Locale.ROOT, format, k.param("shape"), k.benchmark(), gbs(k), of, verdict);
                noisy |= k.noisy();
            }
        }
        if (nearestOnly) {
            out.println("  * no copy of that size in this run: compared with the nearest size");
        }
        out.println(backend.equals("cpu") ? "  goal (GPU): not judged on the CPU"
                : checked == 0 ? "  goal not checked: no copy, or no large shape of its families, in this run"
                : missed.isEmpty() ? "  goal met by all " + checked + " kernels it applies to in this run"
                : "  goal missed by " + missed.size() + " of " + checked + ": " + String.join(", ", missed));
        if (noisy) {
            out.println("  NOTE: some errors exceed 10% of the score (a busy machine, or too few iterations)");
        }
    }

    private static void convolutions(String backend, List<JmhCsv.Row> rows, PrintStream out) {
        Map<String, double[]> layers = new LinkedHashMap<>(); // layer -> {forward, backward} GFLOP/s
        for (JmhCsv.Row r : rows) {
            if (!r.counter().equals("gflops")) {
                continue;
            }
            String layer = r.benchmark().startsWith("ConvBenchmark.") ? r.param("layer")
                    : r.benchmark().startsWith("UpsampleConvBenchmark.") ? "up2 + " + r.param("upsampledLayer") : null;
            if (layer != null) {
                double[] v = layers.computeIfAbsent(layer, k -> new double[]{Double.NaN, Double.NaN});
                v[r.benchmark().endsWith(".forward") ? 0 : 1] = r.score();
            }
        }
        if (layers.isEmpty()) {
            return;
        }
        boolean cpu = backend.equals("cpu"); // GFLOP/s there, TFLOP/s on a GPU
        out.printf(Locale.ROOT, "%nConvolutions, %s: %s (JMH mean; backward = data + filter, bias not counted;%n"
                + "  up2 + layer: the fused upsampling + conv, counted as the conv on the upsampled image)%n", backend,
                cpu ? "GFLOP/s" : "TFLOP/s");
        out.printf(Locale.ROOT, "  %-32s %9s %9s%n", "layer", "forward", "backward");
        double scale = cpu ? 1 : 1e-3;
        layers.forEach((layer, v) -> out.printf(Locale.ROOT, "  %-32s %9.2f %9.2f%n", layer, v[0] * scale, v[1] * scale));
    }

    private static String gbs(JmhCsv.Row r) {
        return String.format(Locale.ROOT, "%.1f", r.score());
    }

    private static long elements(JmhCsv.Row r) { // "generator" (Adam, gradient norms): all its tensors
        return LongStream.of(Shape.tensors(r.param("shape"))).sum();
    }

    /** The copy with this many elements, else the one nearest in ratio. */
    private static JmhCsv.Row nearest(Map<Long, JmhCsv.Row> copies, long n) {
        JmhCsv.Row best = null;
        double bestDistance = Double.MAX_VALUE;
        for (Map.Entry<Long, JmhCsv.Row> e : copies.entrySet()) {
            double d = Math.abs(Math.log((double) e.getKey() / n));
            if (d < bestDistance) {
                bestDistance = d;
                best = e.getValue();
            }
        }
        return best;
    }
}
