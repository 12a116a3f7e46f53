package cyclegan4j.cli;

import cyclegan4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * OUT/NAME/index.html: one page to follow a run in a browser, rewritten (atomically) when training
 * starts, at every sample step, at each epoch's end and when it ends. It shows the run's state, the loss and
 * gradient-norm curves ({@link LossHistory}: bucket means, so long runs stay readable), every sample
 * grid newest first (with the test-image grid next to it) and the options. Self-contained apart
 * from the grids it links: inline SVG, no scripts.
 */
final class RunReport {

    static final String FILE = "index.html";

    private static final Pattern SAMPLE = Pattern.compile("epoch(\\d+)_iter(\\d+)\\.png");
    private static final List<String> COLORS = List.of("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e");

    private record Sample(int epoch, int iteration, String file, boolean hasTest) {
    }

    private final Path runDir;
    private final String name;
    private final Map<String, String> options;

    RunReport(Path runDir, String name, Map<String, String> options) {
        this.runDir = runDir;
        this.name = name;
        this.options = options;
    }

    Path file() {
        return runDir.resolve(FILE);
    }

    /** Rewrites the page; {@code status} is a line of plain text such as "training: epoch 3/200, step 2100". */
    void write(String status, LossHistory history) throws IOException {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<title>").append(Html.escape(name)).append(" · cyclegan4j</title>\n")
                .append("<style>body{font-family:sans-serif;margin:1.5em;max-width:1400px}")
                .append("h2{margin-top:1.5em;border-bottom:1px solid #ccc}.chart{margin:.3em .8em .3em 0}")
                .append(".note{color:#666}figure{display:inline-block;margin:.3em 1.5em .3em 0;vertical-align:top}")
                .append("figcaption{color:#666;font-size:90%}img{image-rendering:pixelated}")
                .append("td{padding:0 1em 0 0}</style>\n</head><body>\n");
        b.append("<h1>").append(Html.escape(name)).append("</h1>\n<p>").append(Html.escape(status)).append("<br><span class=\"note\">")
                .append("page written ").append(ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append("; reload to update. Each step is in loss.csv.</span></p>\n");

        b.append("<h2>Losses</h2>\n");
        double[] x = history.x();
        String xLabel = history.width() == 1 ? "step" : "step (means of " + history.width() + " steps)";
        b.append(SvgChart.render("Generators and discriminators", xLabel, x, series(history, "loss_G", "loss_D")));
        b.append(SvgChart.render("loss_G's terms (before the lambdas)", xLabel, x,
                series(history, "loss_GAN", "loss_cycle", "loss_identity")));
        b.append(SvgChart.render("Gradient norms (L2)", xLabel, x,
                series(history, "grad_norm_G", "grad_norm_D_A", "grad_norm_D_B")));

        b.append("<h2>Samples</h2>\n");
        List<Sample> samples = samples();
        if (samples.isEmpty()) {
            b.append("<p class=\"note\">No sample grids yet (one every --sample-every steps).</p>\n");
        } else {
            b.append("<p class=\"note\">Training grids: real A, fake B, recovered A / real B, fake A, recovered B. ")
                    .append("Test grids (when the dataset has testA/ and testB/): the same held-out images every time, ")
                    .append("one per row, in the same column order.</p>\n");
        }
        for (Sample s : samples) {
            String caption = "epoch " + s.epoch() + ", iteration " + s.iteration();
            b.append("<figure><img loading=\"lazy\" src=\"samples/").append(Html.escape(s.file())).append("\" alt=\"")
                    .append(caption).append("\"><figcaption>").append(caption).append("</figcaption></figure>");
            if (s.hasTest()) {
                String test = s.file().replace(".png", "_test.png");
                b.append("<figure><img loading=\"lazy\" src=\"samples/").append(Html.escape(test)).append("\" alt=\"")
                        .append(caption).append(", test images\"><figcaption>").append(caption).append(", test images</figcaption></figure>");
            }
            b.append('\n');
        }

        b.append("<h2>Options</h2>\n<table>\n");
        options.forEach((k, v) -> b.append("<tr><td>").append(Html.escape(k)).append("</td><td>").append(Html.escape(v))
                .append("</td></tr>\n"));
        b.append("</table>\n</body></html>\n");
        AtomicFiles.writeText(file(), b.toString());
    }

    private static List<SvgChart.Series> series(LossHistory h, String... columns) {
        return IntStream.range(0, columns.length)
                .mapToObj(i -> new SvgChart.Series(columns[i], COLORS.get(i), h.mean(columns[i])))
                .toList();
    }

    /** The training grids in samples/, newest first. */
    private List<Sample> samples() throws IOException {
        Path dir = runDir.resolve("samples");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .map(SAMPLE::matcher)
                    .filter(Matcher::matches)
                    .map(m -> new Sample(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(),
                            Files.exists(dir.resolve(m.group().replace(".png", "_test.png")))))
                    .sorted(Comparator.comparingInt(Sample::epoch).thenComparingInt(Sample::iteration).reversed())
                    .toList();
        }
    }
}
