package cyclegan4j.cli;

import cyclegan4j.cyclegan.StepLosses;
import cyclegan4j.io.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CSV loss log: one line per step, flushed at once so a crash loses nothing. A resumed run
 * keeps the lines up to its checkpoint's step (dropping steps trained after it and lost in a crash)
 * and appends. The gradient norms are the last columns, so that a log written before they existed
 * reads on with those fields empty.
 */
final class LossLog implements AutoCloseable {

    static final String HEADER = "epoch,iteration,step,lr,loss_G,loss_GAN,loss_cycle,loss_identity,loss_D,seconds,"
            + "grad_norm_G,grad_norm_D_A,grad_norm_D_B";

    /** The columns up to seconds: every line has them, whether or not it has the gradient norms. */
    private static final int MIN_COLUMNS = 10;

    private final BufferedWriter w;

    /** @param keepUpToStep steps of an existing log to keep (0 starts a new log) */
    LossLog(Path file, long keepUpToStep) throws IOException {
        List<String> kept = new ArrayList<>();
        kept.add(HEADER);
        if (keepUpToStep > 0 && Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                // whole lines only (a full disk can cut the last one short: "1,12,1" is not step 1): 10 columns
                // (the norms empty, or a log from before them) or 13, all numbers
                if ((f.length == MIN_COLUMNS || f.length == MIN_COLUMNS + 3) && allNumbers(f) && f[2].matches("\\d+")
                        && Long.parseLong(f[2]) <= keepUpToStep) {
                    kept.add(line);
                }
            }
        }
        // replaced whole: a kill or a full disk while the kept lines are written leaves the old log as it was
        AtomicFiles.writeText(file, String.join(System.lineSeparator(), kept) + System.lineSeparator());
        w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static boolean allNumbers(String[] fields) {
        for (String v : fields) {
            try {
                Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    void append(int epoch, int iteration, long step, float lr, StepLosses l, double seconds) throws IOException {
        w.write(String.format(Locale.ROOT, "%d,%d,%d,%.8g,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f",
                epoch + 1, iteration + 1, step, lr, l.g(), l.gan(), l.cycle(), l.identity(), l.d(), seconds));
        StepLosses.GradientNorms n = l.gradients();
        w.write(n == null ? ",,," : String.format(Locale.ROOT, ",%.6g,%.6g,%.6g", n.g(), n.dA(), n.dB()));
        w.newLine();
        w.flush();
    }

    @Override
    public void close() throws IOException {
        w.close();
    }
}
