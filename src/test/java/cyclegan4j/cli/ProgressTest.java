package cyclegan4j.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line: counts, rate, the bar's ETA, and the whole run's when more follows or the run ends inside the bar. */
class ProgressTest {

    private static final Pattern ETA = Pattern.compile("ETA (\\d\\d):(\\d\\d)(?: \\(all (\\d+:)?(\\d\\d):(\\d\\d)\\))?");

    /** The bar's ETA and the whole run's (-1 when not shown), in seconds, after 10 of 100 items took about 0.2 s. */
    private static long[] etas(long after) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "epoch 1/3", 0, 100).followedBy(after);
        Thread.sleep(200);
        p.update(10, Map.of()); // a plain log prints the first update, then every 10 s
        p.update(50, Map.of()); // (not printed)
        p.update(100, Map.of("loss_G", 1.5f)); // and always the last
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, String.join("\n", lines));
        String line = lines[1];
        assertTrue(line.startsWith("epoch 1/3 [########################] 100/100 ") && line.contains(" G 1.5000"), line);
        Matcher m = ETA.matcher(line);
        assertTrue(m.find(), line);
        long bar = Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2));
        long all = m.group(4) == null ? -1 : Long.parseLong(m.group(4)) * 60 + Long.parseLong(m.group(5));
        return new long[]{bar, all};
    }

    @Test
    void showsTheWholeRunsEtaWhenMoreFollows() throws Exception {
        long[] none = etas(0);
        assertEquals(0, none[0], "the bar is done");
        assertEquals(-1, none[1], "nothing follows: no second ETA");
        long[] more = etas(2_000); // 100 items took >= 0.2 s: 2,000 more take at least 4 s, far less than a minute here
        assertTrue(more[1] >= 4 && more[1] < 600, "all: " + more[1]);
    }

    @Test
    void aRunThatEndsInsideTheBarCountsItsEtaToThatEnd() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "epoch 1/3", 0, 1000).followedBy(-990);
        Thread.sleep(1000);
        p.update(5); // 5 items/s: the 5 left to the run's end (--max-steps) take 1 s, the bar's 995 would take 3 minutes
        p.update(10);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s).*\\b5/1000 [^\\r]* ETA 00:0\\d \\(the run's end\\).*"), text);
        assertTrue(text.endsWith("\n"), "the bar's last line ends where the run does: " + text);
    }
}
