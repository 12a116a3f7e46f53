package cyclegan4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rows of a JMH CSV result file ({@code -rf csv -rff FILE}), for the reports. */
final class JmhCsv {

    /**
     * One result. {@code benchmark} is "Class.method"; {@code counter} the auxiliary counter
     * ("gflops", "gbytes") or "" for the primary score; {@code params} the non-empty "Param: x" columns.
     */
    record Row(String benchmark, String counter, double score, double error, Map<String, String> params) {

        String param(String name) {
            return params.getOrDefault(name, "");
        }

        /** Whether the 99.9% error exceeds 10% of the score (or is unknown: a single iteration). */
        boolean noisy() {
            return !(error <= 0.1 * score);
        }
    }

    private JmhCsv() {
    }

    static List<Row> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) {
            return List.of(); // JMH opens the file first and fills it at the end: it was stopped
        }
        String[] header = split(lines.get(0));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = split(line);
            String name = f[0].substring(f[0].lastIndexOf('.', f[0].lastIndexOf('.') - 1) + 1);
            int colon = name.indexOf(':');
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 7; i < f.length && i < header.length; i++) {
                if (!f[i].isEmpty()) {
                    params.put(header[i].replace("Param: ", ""), f[i]);
                }
            }
            rows.add(new Row(colon < 0 ? name : name.substring(0, colon), colon < 0 ? "" : name.substring(colon + 1),
                    Double.parseDouble(f[4]), parseOrNaN(f[5]), params));
        }
        return rows;
    }

    /** JMH quotes strings and never puts commas inside them (the shape specs have none). */
    private static String[] split(String line) {
        String[] f = line.split(",", -1);
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i].replace("\"", "");
        }
        return f;
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
