package cyclegan4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * A progress bar for long work (an epoch, a folder of images): rate, ETA and, for training, the
 * current losses. On a terminal it redraws one line; otherwise (logs, CI) it prints a plain line
 * every few seconds and at the end.
 */
final class Progress {

    private static final long PLAIN_INTERVAL_NS = 10_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private final int startIndex;
    private final String unit;
    private long lastPrint;
    private long after; // items that follow this bar (a run's later epochs), or fewer than 0 when the work ends inside it

    Progress(PrintStream out, boolean terminal, String label, int startIndex, int total) {
        this(out, terminal, label, startIndex, total, "it");
    }

    /** {@code unit} names what is counted in the rate, e.g. "img" for images/s. */
    Progress(PrintStream out, boolean terminal, String label, int startIndex, int total, String unit) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.startIndex = startIndex;
        this.total = total;
        this.unit = unit;
    }

    /**
     * Also shows when the whole work ends: this bar's items, then {@code items} more at the same
     * rate ({@code items} &lt; 0: the work stops that many items before this bar's end).
     */
    Progress followedBy(long items) {
        after = items;
        return this;
    }

    void update(int done) {
        update(done, Map.of());
    }

    void update(int done, Map<String, Float> losses) {
        long now = System.nanoTime();
        long end = after < 0 ? Math.max(startIndex, total + after) : total; // where the work stops on this bar
        boolean last = done >= end;
        if (!terminal && !last && now - lastPrint < PLAIN_INTERVAL_NS) {
            return;
        }
        lastPrint = now;
        double secs = (now - start) / 1e9;
        double rate = secs > 0 ? (done - startIndex) / secs : 0;
        String eta = rate > 0 ? clock(Math.max(0, end - done) / rate) : "--:--";
        if (after > 0) {
            eta += " (all " + (rate > 0 ? clock((total - done + after) / rate) : "--:--") + ")";
        } else if (after < 0) {
            eta += " (the run's end)";
        }
        StringBuilder sb = new StringBuilder();
        int width = 24;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        sb.append(label).append(" [").append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ")
                .append(done).append('/').append(total)
                .append(String.format(Locale.ROOT, " %.2f %s/s ETA %s", rate, unit, eta));
        losses.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.4f", k.replace("loss_", ""), v)));
        if (terminal) {
            out.print("\r" + sb + (last ? "\n" : ""));
        } else {
            out.println(sb);
        }
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
