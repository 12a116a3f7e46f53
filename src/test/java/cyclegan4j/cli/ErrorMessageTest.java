package cyclegan4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One-line errors name the file and what is wrong with it (java.nio's messages are often the bare path). */
class ErrorMessageTest {

    @TempDir
    Path tmp;

    @Test
    void fileSystemErrorsSayWhatIsWrong() {
        assertEquals("a/b.png: no such file or folder", Main.oneLine(new NoSuchFileException("a/b.png")));
        assertEquals("out: exists, and is not a folder", Main.oneLine(new FileAlreadyExistsException("out")));
        assertEquals("x: permission denied", Main.oneLine(new AccessDeniedException("x")));
        assertEquals("x: Read-only file system", Main.oneLine(new FileSystemException("x", null, "Read-only file system")));
        assertEquals("disk full", Main.oneLine(new java.io.IOException("disk full")));
    }

    /** A data set's problem is told without the --verbose hint; a loader's failure from a bug keeps it. */
    @Test
    void onlyDataProblemsLeaveOutTheVerboseHint() {
        assertTrue(Main.toldWhole(new cyclegan4j.data.DataException("trainA contains no readable images")));
        assertTrue(Main.toldWhole(new cyclegan4j.data.DataException("data loader failed: a batch needs images of one size",
                new cyclegan4j.data.DataException("a batch needs images of one size"))));
        assertTrue(Main.toldWhole(new cyclegan4j.data.DataException("cannot list image folder x", new java.io.IOException("x"))));
        assertFalse(Main.toldWhole(new cyclegan4j.data.DataException("data loader failed: NullPointerException",
                new NullPointerException())), "a bug in a loader thread: its stack trace is the detail");
        assertFalse(Main.toldWhole(new cyclegan4j.data.DataException("data loader failed: Java heap space", new OutOfMemoryError())));
        assertFalse(Main.toldWhole(new IllegalStateException("x")));
    }

    @Test
    void outputsUnderAFileAndCheckpointsThatAreFoldersAreClearErrors() throws Exception {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        Path data = CliHarness.dataset(tmp.resolve("data"), 2);
        Path ck = CliHarness.tinyCheckpoint(data, tmp.resolve("runs"), 1);

        CliHarness.Result t = CliHarness.run("translate", "--checkpoint", ck.toString(), "--input", data.resolve("testA").toString(),
                "--output", file.toString(), "--device", "cpu");
        assertEquals(1, t.code(), t.toString());
        assertTrue(t.err().contains(file + ": exists, and is not a folder"), t.toString());

        CliHarness.Result e = CliHarness.run("export", "--checkpoint", ck.toString(), "--output", file.resolve("g.safetensors").toString());
        assertEquals(1, e.code(), e.toString());
        assertTrue(e.err().contains(file + ": exists, and is not a folder"), e.toString());

        Path fresh = tmp.resolve("new/sub/g.safetensors");
        assertEquals(0, CliHarness.run("export", "--checkpoint", ck.toString(), "--output", fresh.toString()).code());
        assertTrue(Files.isRegularFile(fresh), "export creates the output's folders");

        CliHarness.Result folder = CliHarness.run("info", "--checkpoint", tmp.toString());
        assertEquals(2, folder.code(), folder.toString());
        assertTrue(folder.err().contains("--checkpoint: " + tmp + " is a folder, not a file"), folder.toString());
    }
}
