package cyclegan4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the GFLOP/s of each benchmark from a JMH CSV result file ({@code -rf csv -rff FILE})
 * and the convolution's rates as fractions of the native sgemm rate of the same run (the goal:
 * at least 0.50). {@code make bench} runs it after JMH.
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
        Map<String, double[]> gflops = new LinkedHashMap<>(); // short name -> {score, error}
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            String name = f[0].replace("\"", "");
            if (name.endsWith(":gflops")) {
                String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1, name.length() - 7);
                gflops.put(shortName, new double[]{Double.parseDouble(f[4]), parseOrNaN(f[5])});
            }
        }
        System.out.println();
        System.out.println("GFLOP/s (JMH mean ± 99.9% error):");
        gflops.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %7.1f ± %.1f%n", k, v[0], v[1]));
        double[] ref = gflops.get("GemmBenchmark.sgemmNative");
        if (ref == null) {
            return;
        }
        boolean noisy = noisy(ref);
        for (String conv : new String[]{"ConvBenchmark.forward", "ConvBenchmark.backward"}) {
            double[] v = gflops.get(conv);
            if (v != null) {
                double r = v[0] / ref[0];
                noisy |= noisy(v);
                System.out.printf(Locale.ROOT, "  %-28s %.2f of sgemmNative (goal >= 0.50: %s)%n", conv, r, r >= 0.5 ? "met" : "NOT met");
            }
        }
        if (noisy) {
            System.out.println("  NOTE: an error above 10% of its score: the machine was busy and these ratios are not"
                    + " reliable. Rerun on a quiet machine, or use cyclegan4j.bench.Interleaved (best of N rounds).");
        }
    }

    /** Whether the 99.9% error exceeds 10% of the score (or is unknown). */
    private static boolean noisy(double[] scoreAndError) {
        return !(scoreAndError[1] <= 0.1 * scoreAndError[0]);
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
