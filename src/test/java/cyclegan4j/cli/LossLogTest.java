package cyclegan4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** --resume's rewrite of loss.csv: the lines up to the checkpoint, whole lines only, and never the old file half rewritten. */
class LossLogTest {

    @TempDir
    Path tmp;

    private static String line(long step) {
        return "1," + step + "," + step + ",0.00020000000,5.0,0.5,0.3,0.3,0.2,0.0500,40.0,4.0,4.0";
    }

    @Test
    void resumeKeepsWholeLinesUpToTheCheckpointAndReplacesTheFileWhole() throws Exception {
        Path csv = tmp.resolve("loss.csv");
        List<String> lines = new ArrayList<>(List.of(LossLog.HEADER));
        for (long s = 1; s <= 14; s++) {
            lines.add(line(s));
        }
        lines.add("1,15,1"); // the disk filled up while step 15's line was written: not step 1
        lines.add(line(3).substring(0, line(3).length() - 5)); // one cut in its gradient norms: 12 columns, not a step 3
        Files.write(csv, lines);
        byte[] before = Files.readAllBytes(csv);
        Path old = tmp.resolve("old.csv");
        Files.createLink(old, csv); // the same file under another name: a rewrite in place would change it too

        new LossLog(csv, 11).close(); // the checkpoint is at step 11

        assertEquals(lines.subList(0, 12), Files.readAllLines(csv));
        assertEquals(new String(before), Files.readString(old), "the old log is replaced, not truncated and rewritten in place: "
                + "a kill or a full disk during the rewrite would lose the history");
    }

    @Test
    void aLogFromBeforeTheGradientNormsKeepsItsLines() throws Exception {
        Path csv = tmp.resolve("loss.csv");
        String oldHeader = "epoch,iteration,step,lr,loss_G,loss_GAN,loss_cycle,loss_identity,loss_D,seconds";
        String oldLine = "1,1,1,0.00020000000,5.0,0.5,0.3,0.3,0.2,0.0500";
        Files.write(csv, List.of(oldHeader, oldLine, oldLine.replace("1,1,1,", "1,2,2,")));
        new LossLog(csv, 1).close();
        assertEquals(List.of(LossLog.HEADER, oldLine), Files.readAllLines(csv));
    }
}
