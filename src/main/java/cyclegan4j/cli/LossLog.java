package cyclegan4j.cli;

import cyclegan4j.cyclegan.StepLosses;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** The CSV loss log: one line per step, flushed at once so a crash loses nothing; appends on resume. */
final class LossLog implements AutoCloseable {

    static final String HEADER = "epoch,iteration,step,lr,loss_G,loss_GAN,loss_cycle,loss_identity,loss_D,seconds";

    private final BufferedWriter w;

    LossLog(Path file) throws IOException {
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (fresh) {
            w.write(HEADER);
            w.newLine();
            w.flush();
        }
    }

    void append(int epoch, int iteration, long step, float lr, StepLosses l, double seconds) throws IOException {
        w.write(String.format(Locale.ROOT, "%d,%d,%d,%.8g,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f",
                epoch + 1, iteration + 1, step, lr, l.g(), l.gan(), l.cycle(), l.identity(), l.d(), seconds));
        w.newLine();
        w.flush();
    }

    @Override
    public void close() throws IOException {
        w.close();
    }
}
