package cyclegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoaderTest {

    @TempDir
    Path root;

    private List<Batch> take(UnalignedDataset d, int threads, int count) {
        List<Batch> out = new ArrayList<>();
        try (PrefetchLoader l = new PrefetchLoader(d, 3, threads, 4, 0)) {
            for (int i = 0; i < count; i++) {
                out.add(l.next());
            }
        }
        return out;
    }

    @Test
    void sameBatchesForAnyThreadCount() throws IOException {
        DatasetTest.makeDataset(root, 7, 5, 12);
        DataOptions o = new DataOptions(14, 8, 3, true, true);
        UnalignedDataset d = UnalignedDataset.open(root, "train", o, 7, null);
        List<Batch> ref = take(d, 0, 7);
        for (int threads : new int[]{1, 3}) {
            List<Batch> got = take(UnalignedDataset.open(root, "train", o, 7, null), threads, 7);
            for (int i = 0; i < ref.size(); i++) {
                Batch x = ref.get(i);
                Batch y = got.get(i);
                assertEquals(x.epoch(), y.epoch());
                assertEquals(x.index(), y.index());
                assertArrayEquals(x.shapeA(), y.shapeA());
                assertArrayEquals(x.shapeB(), y.shapeB());
                assertArrayEquals(x.a(), y.a(), "threads " + threads + " batch " + i);
                assertArrayEquals(x.b(), y.b());
                assertEquals(x.pathsA(), y.pathsA());
                assertEquals(x.pathsB(), y.pathsB());
            }
        }
        // 7 items in batches of 3: sizes 3, 3, 1 per epoch; each epoch visits every A once.
        int[] sizes = ref.stream().mapToInt(Batch::size).toArray();
        assertArrayEquals(new int[]{3, 3, 1, 3, 3, 1, 3}, sizes);
        assertArrayEquals(new int[]{1, 3, 8, 8}, ref.get(2).shapeA());
        assertArrayEquals(new int[]{1, 3, 8, 8}, ref.get(2).shapeB());
        assertTrue(ref.get(2).lastInEpoch());
        assertEquals(1, ref.get(3).epoch());
        assertEquals(3 * 3 * 8 * 8, ref.get(0).a().length);
        for (int e = 0; e < 2; e++) {
            Set<Path> seen = new HashSet<>();
            for (int b = 0; b < 3; b++) {
                seen.addAll(ref.get(3 * e + b).pathsA());
            }
            assertEquals(7, seen.size());
        }
        // Shuffled: the two epochs visit A in different orders.
        List<Path> e0 = new ArrayList<>();
        List<Path> e1 = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            e0.addAll(ref.get(b).pathsA());
            e1.addAll(ref.get(3 + b).pathsA());
        }
        assertTrue(!e0.equals(e1), e0 + " " + e1);
    }

    @Test
    void workerFailureReachesTheConsumer() throws IOException {
        DatasetTest.makeDataset(root, 0, 2, 8);
        TestImages.undecodablePng(root.resolve("trainA/bad.png"));
        UnalignedDataset d = UnalignedDataset.open(root, "train", DataOptions.test(8, 3), 1, null);
        try (PrefetchLoader l = new PrefetchLoader(d, 1, 2, 2, 0)) {
            DataException e = assertThrows(DataException.class, l::next);
            assertTrue(e.getMessage().contains("no image could be decoded"), e.getMessage());
        }
    }

    @Test
    void closeStopsTheWorkers() throws IOException, InterruptedException {
        DatasetTest.makeDataset(root, 4, 4, 8);
        UnalignedDataset d = UnalignedDataset.open(root, "train", DataOptions.test(8, 3), 1, null);
        PrefetchLoader l = new PrefetchLoader(d, 2, 2, 3, 5);
        assertEquals(2, l.batchesPerEpoch());
        assertEquals(5, l.next().epoch());
        l.close();
        l.close();
        assertThrows(IllegalStateException.class, l::next);
        // only this loader's threads (another test's may still run), each given a moment to exit:
        // the pool counts a worker as gone just before its thread ends
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(l.threadPrefix())) {
                t.join(5000);
                assertFalse(t.isAlive(), t.getName() + " still running");
            }
        }
    }
}
