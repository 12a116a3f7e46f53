package cyclegan4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG, for the run report: shared x values (steps), one polyline per series,
 * axes with round-numbered ticks and a legend. NaN values break a line. No scripts, no fonts to load:
 * any browser shows it offline.
 */
final class SvgChart {

    /** One line: its name in the legend, a CSS colour, and a y value per x (NaN: none). */
    record Series(String name, String color, double[] y) {
    }

    static final int WIDTH = 640;
    static final int HEIGHT = 240;
    private static final int LEFT = 56, RIGHT = 20, TOP = 28, BOTTOM = 30; // RIGHT: room for half the last tick label

    private SvgChart() {
    }

    /** The chart, or a one-line note when there is nothing to draw yet. */
    static String render(String title, String xLabel, double[] x, List<Series> series) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            if (s.y().length != x.length) {
                throw new IllegalArgumentException(s.name() + ": " + s.y().length + " values for " + x.length + " x values");
            }
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, x[i]);
                    xMax = Math.max(xMax, x[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (xMin > xMax) {
            return "<p class=\"note\">" + Html.escape(title) + ": no values yet.</p>\n";
        }
        Axis xs = Axis.of(xMin, xMax), ys = Axis.of(Math.min(0, yMin), yMax);
        int plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append("<title>").append(Html.escape(title)).append("</title>\n");
        b.append(text(LEFT, 16, "start", "bold", title));
        for (double t : ys.ticks()) {
            double py = TOP + plotH - ys.fraction(t) * plotH;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, py, LEFT + plotW, py));
            b.append(text(LEFT - 4, py + 4, "end", null, Axis.label(t)));
        }
        for (double t : xs.ticks()) {
            double px = LEFT + xs.fraction(t) * plotW;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>%n",
                    px, TOP + plotH, px, TOP + plotH + 4));
            b.append(text(px, TOP + plotH + 16, "middle", null, Axis.label(t)));
        }
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, plotW, plotH));
        b.append(text(LEFT + plotW, HEIGHT - 2, "end", null, xLabel));
        double legendX = LEFT + plotW;
        for (int s = series.size() - 1; s >= 0; s--) { // right-aligned legend above the plot
            Series line = series.get(s);
            legendX -= 14 + 7 * line.name().length();
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"8\" width=\"10\" height=\"10\" fill=\"%s\"/>%n", legendX, line.color()));
            b.append(text(legendX + 13, 17, "start", null, line.name()));
            legendX -= 8;
        }
        for (Series s : series) {
            for (String points : segments(x, s.y(), xs, ys, plotW, plotH)) {
                b.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(s.color())
                        .append("\" points=\"").append(points).append("\"/>\n");
            }
        }
        return b.append("</svg>\n").toString();
    }

    /** The "x,y x,y ..." point lists of a series' unbroken runs of finite values. */
    private static List<String> segments(double[] x, double[] y, Axis xs, Axis ys, int plotW, int plotH) {
        List<String> out = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (int i = 0; i <= x.length; i++) {
            if (i < x.length && Double.isFinite(y[i])) {
                run.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + xs.fraction(x[i]) * plotW,
                        TOP + plotH - ys.fraction(y[i]) * plotH));
            } else if (!run.isEmpty()) {
                out.add(run.toString().trim());
                run.setLength(0);
            }
        }
        return out;
    }

    private static String text(double x, double y, String anchor, String weight, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"11\"%s>%s</text>%n",
                x, y, anchor, weight == null ? "" : " font-weight=\"" + weight + "\"", Html.escape(s));
    }

    /** A linear axis from lo to hi, widened to round ticks (1, 2 or 5 times a power of ten apart). */
    record Axis(double lo, double hi, double step) {

        static Axis of(double min, double max) {
            if (max <= min) { // one value: give it some room
                double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
                min -= pad;
                max += pad;
            }
            double raw = (max - min) / 5;
            double pow = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw / pow <= 1 ? pow : raw / pow <= 2 ? 2 * pow : raw / pow <= 5 ? 5 * pow : 10 * pow;
            return new Axis(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
        }

        double fraction(double v) {
            return (v - lo) / (hi - lo);
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            long n = Math.round((hi - lo) / step);
            for (long i = 0; i <= n; i++) {
                t.add(lo + i * step);
            }
            return t;
        }

        /** A tick's label: short, without float noise (0.30000000000000004 reads 0.3; 150000 reads 150k). */
        static String label(double v) {
            double a = Math.abs(v);
            if (a < 1e-12) {
                return "0";
            }
            if (a >= 1e6) {
                return trimmed(v / 1e6) + "M";
            }
            if (a >= 1e4) {
                return trimmed(v / 1e3) + "k";
            }
            return a < 1e-3 ? String.format(Locale.ROOT, "%.2g", v) : trimmed(v);
        }

        private static String trimmed(double v) {
            String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
