package cyclegan4j.cli;

import cyclegan4j.cyclegan.StepLosses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run report (index.html), its loss history and its charts. */
class RunReportTest {

    @TempDir
    Path tmp;

    @Test
    void aRunWritesAPageWithItsCurvesEverySampleGridAndItsOptions() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"), 3);
        Path runs = tmp.resolve("runs");
        CliHarness.Result r = CliHarness.run(CliHarness.tinyTrain(data, runs, "--sample-every", "2", "--max-steps", "5"));
        assertEquals(0, r.code(), r.toString());
        Path page = runs.resolve("t/index.html");
        assertTrue(r.out().contains("follow the run in " + page.toAbsolutePath().toUri()), r.toString());
        String html = Files.readString(page);
        assertTrue(html.contains("stopped at --max-steps: epoch 2/2, iteration 2/3, step 5; device cpu"), html);

        // every grid train wrote is on the page, newest first, with its test-image grid
        List<String> grids;
        try (Stream<Path> files = Files.list(runs.resolve("t/samples"))) {
            grids = files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith("_test.png")).sorted().toList();
        }
        assertEquals(List.of("epoch001_iter00001.png", "epoch001_iter00003.png", "epoch002_iter00002.png"), grids);
        int last = Integer.MAX_VALUE;
        for (String grid : grids) {
            int at = html.indexOf("src=\"samples/" + grid + "\"");
            assertTrue(at > 0 && at < last, grid + " on the page, after the newer ones");
            assertTrue(html.indexOf("src=\"samples/" + grid.replace(".png", "_test.png") + "\"") > at, grid + "'s test grid");
            last = at;
        }

        // three charts: loss_G and loss_D, loss_G's 3 terms, 3 gradient norms, each with a point per step
        List<String> lines = polylines(html);
        assertEquals(8, lines.size(), html);
        for (String points : lines) {
            assertEquals(5, points.split(" ").length, points);
        }
        assertTrue(html.contains("<td>lambda_cyc</td><td>10.0</td>"), "options table");

        // a resumed run's curves start from loss.csv, not from its own first step
        CliHarness.Result resumed = CliHarness.run(CliHarness.tinyTrain(data, runs, "--sample-every", "2", "--max-steps", "6", "--resume"));
        assertEquals(0, resumed.code(), resumed.toString());
        for (String points : polylines(Files.readString(page))) {
            assertEquals(6, points.split(" ").length, points);
        }
    }

    private static List<String> polylines(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void historyBucketsDoubleInWidthAndKeepExactMeans() {
        LossHistory h = new LossHistory();
        for (long step = 1; step <= 1000; step++) {
            double[] v = new double[LossHistory.COLUMNS.size()];
            java.util.Arrays.fill(v, step);
            v[5] = Double.NaN; // grad_norm_G missing
            v[6] = step % 2 == 0 ? Double.NaN : 3; // grad_norm_D_A sometimes missing
            h.add(step, v);
        }
        // 400 buckets of 1 merge into 200 of 2, refill, merge into 200 of 4; 200 more steps: 50 more buckets
        assertEquals(4, h.width());
        assertEquals(1000, h.steps());
        double[] x = h.x(), g = h.mean("loss_G"), norm = h.mean("grad_norm_G"), dA = h.mean("grad_norm_D_A");
        assertEquals(250, x.length);
        for (int j = 0; j < x.length; j++) {
            assertEquals(4 * j + 2.5, x[j], "middle step of bucket " + j);
            assertEquals(4 * j + 2.5, g[j], "mean of bucket " + j);
            assertTrue(Double.isNaN(norm[j]));
            assertEquals(3, dA[j], "a mean over the values present");
        }
    }

    @Test
    void historyReadsLossCsvAsItWasLoggedAndOldLogsWithoutNorms() throws Exception {
        Path csv = tmp.resolve("loss.csv");
        LossHistory direct = new LossHistory();
        try (LossLog log = new LossLog(csv, 0)) {
            for (int step = 1; step <= 7; step++) {
                StepLosses l = new StepLosses(step, step / 2f, 1f / step, 0.25f, 0.5f + step,
                        new StepLosses.GradientNorms(step * 3f, 1f, 2f));
                log.append(0, step - 1, step, 2e-4f, l, 0.1);
                direct.add(step, l);
            }
        }
        LossHistory read = LossHistory.read(csv);
        for (String column : LossHistory.COLUMNS) {
            double[] a = direct.mean(column), b = read.mean(column);
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5 * Math.abs(a[i]), column + " at " + i);
            }
        }
        assertArrayEquals(direct.x(), read.x());

        Path old = tmp.resolve("old.csv"); // before the gradient norms were logged
        Files.writeString(old, "epoch,iteration,step,lr,loss_G,loss_GAN,loss_cycle,loss_identity,loss_D,seconds\n"
                + "1,1,1,0.0002,4.0,1.0,2.0,1.0,0.5,0.1\n1,2,2,0.0002,6.0,1.0,4.0,1.0,0.7,0.1\n");
        LossHistory h = LossHistory.read(old);
        assertArrayEquals(new double[]{4, 6}, h.mean("loss_G"));
        assertTrue(Double.isNaN(h.mean("grad_norm_D_B")[1]));
    }

    @Test
    void chartsBreakLinesAtMissingValuesAndLabelTicksRoundly() {
        String svg = SvgChart.render("t", "step", new double[]{1, 2, 3, 4, 5},
                List.of(new SvgChart.Series("a", "red", new double[]{1, 2, Double.NaN, 4, 5})));
        assertEquals(2, polylines(svg).size(), svg);
        assertTrue(SvgChart.render("t", "step", new double[]{1},
                List.of(new SvgChart.Series("a", "red", new double[]{Double.NaN}))).contains("no values yet"));

        SvgChart.Axis axis = SvgChart.Axis.of(0, 7.3);
        assertEquals(List.of(0.0, 2.0, 4.0, 6.0, 8.0), axis.ticks());
        assertEquals("0.3", SvgChart.Axis.label(0.1 + 0.2));
        assertEquals("150k", SvgChart.Axis.label(150_000));
        assertEquals("2.5M", SvgChart.Axis.label(2_500_000));
        assertTrue(svg.contains("<title>t</title>") && !SvgChart.render("<b>", "x", new double[]{1},
                List.of(new SvgChart.Series("a", "red", new double[]{1}))).contains("<b>"), "titles are escaped");
    }
}
