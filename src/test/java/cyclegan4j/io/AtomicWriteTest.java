package cyclegan4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A save that fails half way leaves the previous checkpoint intact and no temporary file behind. */
class AtomicWriteTest {

    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** A big tensor, written first, so that the failure comes after megabytes were written. */
    private static TensorData big() {
        float[] v = new float[2_000_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return new TensorData(new int[]{2000, 1000}, v);
    }

    private static final class Boom extends IOException {
        private static final long serialVersionUID = 1L;

        Boom() {
            super("device lost while downloading");
        }
    }

    @Test
    void failingTensorSourceKeepsTheOldFile() throws Exception {
        Path f = dir.resolve("ck.safetensors");
        Checkpoint old = new Checkpoint().setLong("epoch", 7);
        old.put("w", new TensorData(new int[]{3}, new float[]{1, 2, 3}));
        old.save(f);
        byte[] before = Files.readAllBytes(f);

        Map<String, TensorSource> tensors = new LinkedHashMap<>();
        tensors.put("big", big());
        Boom boom = new Boom();
        tensors.put("failing", new TensorSource() {
            @Override
            public int[] shape() {
                return new int[]{4};
            }

            @Override
            public float[] values() throws IOException {
                throw boom;
            }
        });
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(f, tensors, Map.of("epoch", "8")));
        assertSame(boom, e, "the source's exception is rethrown as is");

        assertArrayEquals(before, Files.readAllBytes(f), "old file untouched");
        assertEquals(List.of(f), listing(), "no temporary file left");
        assertEquals(7, Checkpoint.load(f).getLong("epoch"));
    }

    @Test
    void runtimeExceptionAndWrongLengthAlsoCleanUp() throws Exception {
        Path f = dir.resolve("ck.safetensors");
        Map<String, TensorSource> wrongLength = new LinkedHashMap<>();
        wrongLength.put("big", big());
        wrongLength.put("short", new TensorSource() {
            @Override
            public int[] shape() {
                return new int[]{4};
            }

            @Override
            public float[] values() {
                return new float[3];
            }
        });
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(f, wrongLength, Map.of()));
        assertTrue(e.getMessage().contains("'short'") && e.getMessage().contains("3 values"), e.getMessage());
        assertEquals(List.of(), listing(), "no target created, no temporary file left");

        Map<String, TensorSource> throwing = new LinkedHashMap<>();
        throwing.put("big", big());
        throwing.put("bad", new TensorSource() {
            @Override
            public int[] shape() {
                return new int[]{1};
            }

            @Override
            public float[] values() {
                throw new IllegalStateException("buffer closed");
            }
        });
        assertThrows(IllegalStateException.class, () -> SafeTensors.write(f, throwing, Map.of()));
        assertEquals(List.of(), listing());
    }

    @Test
    void aMissingFolderIsCreatedAndAFileInTheWayFailsCleanly() throws Exception {
        Path f = dir.resolve("no/such/dir/ck.safetensors");
        new Checkpoint().save(f);
        assertTrue(Files.isRegularFile(f));
        Path blocked = dir.resolve("no/such/dir/ck.safetensors/inner.safetensors"); // under a file
        assertThrows(IOException.class, () -> new Checkpoint().save(blocked));
        try (var s = Files.list(f.getParent())) {
            assertEquals(List.of(f), s.toList(), "no temporary file left behind");
        }
    }

    @Test
    void successfulSaveLeavesOnlyTheTarget() throws Exception {
        Path f = dir.resolve("ck.safetensors");
        for (int i = 0; i < 3; i++) {
            Checkpoint ck = new Checkpoint().setLong("epoch", i);
            ck.put("w", new TensorData(new int[]{1}, new float[]{i}));
            ck.save(f);
        }
        assertEquals(List.of(f), listing());
        assertEquals(2, Checkpoint.load(f).getLong("epoch"));
    }
}
