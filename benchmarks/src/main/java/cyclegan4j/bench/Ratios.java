package cyclegan4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The report {@code make bench} (and gpu-check.sh) prints after JMH, from its CSV result file
 * ({@code -rf csv -rff FILE}): the GEMM benchmarks' GFLOP/s and the CPU residual convolution's rates
 * as fractions of native sgemm's in the same run (the goal: at least 0.50), then {@link KernelTable}'s
 * per-shape GB/s, fraction-of-copy and convolution tables.
 */
public final class Ratios {

    private Ratios() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Ratios jmh-result.csv");
            System.exit(2);
        }
        if (!Files.exists(Path.of(args[0]))) {
            return; // JMH wrote no results (e.g. -l or -h)
        }
        List<JmhCsv.Row> rows = JmhCsv.read(Path.of(args[0]));
        if (rows.isEmpty()) {
            System.out.println("no results in " + args[0] + " (JMH was stopped before the end; its log has the runs it finished)");
            return;
        }
        gemmRatios(rows);
        KernelTable.print(rows, System.out);
    }

    private static void gemmRatios(List<JmhCsv.Row> rows) {
        JmhCsv.Row ref = null;
        boolean any = false;
        for (JmhCsv.Row r : rows) {
            if (r.benchmark().startsWith("GemmBenchmark.") && r.counter().equals("gflops")) {
                if (!any) {
                    System.out.println();
                    System.out.println("GEMM, GFLOP/s (JMH mean ± 99.9% error):");
                    any = true;
                }
                System.out.printf(Locale.ROOT, "  %-28s %7.1f ± %.1f%n", r.benchmark(), r.score(), r.error());
                ref = r.benchmark().equals("GemmBenchmark.sgemmNative") ? r : ref;
            }
        }
        if (ref == null) {
            return;
        }
        boolean noisy = ref.noisy();
        for (JmhCsv.Row r : rows) {
            if (r.benchmark().startsWith("ConvBenchmark.") && r.counter().equals("gflops") && r.param("backend").equals("cpu")
                    && r.param("layer").equals(ConvBenchmark.RESIDUAL)) {
                double ratio = r.score() / ref.score();
                noisy |= r.noisy();
                System.out.printf(Locale.ROOT, "  %-28s %.2f of sgemmNative (%s; goal >= 0.50: %s)%n", r.benchmark(), ratio,
                        ConvBenchmark.RESIDUAL, ratio >= 0.5 ? "met" : "NOT met");
            }
        }
        if (noisy) {
            System.out.println("  NOTE: an error above 10% of its score: the machine was busy and these ratios are not"
                    + " reliable. Rerun on a quiet machine, or use cyclegan4j.bench.Interleaved (best of N rounds).");
        }
    }
}
