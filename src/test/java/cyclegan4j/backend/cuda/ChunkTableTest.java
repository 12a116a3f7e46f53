package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The chunk tables the one-launch sum of squares and Adam read. */
class ChunkTableTest {

    private static final int C = ChunkTable.CHUNK;

    @Test
    void everyFloatOfEveryBufferIsInExactlyOneChunkInOrder() {
        long a = 0x7f0000000000L, b = 0x7f0000100000L, c = 0x7f0000900000L;
        long[] key = ChunkTable.key(new long[][]{{a, b, c}}, new long[]{2L * C + 5, 0, C});
        assertArrayEquals(new long[]{2L * C + 5, a, C, c}, key, "empty buffers are left out");
        assertEquals(4, ChunkTable.chunks(key, 1));
        assertArrayEquals(new long[]{
                a, C, a + 4L * C, C, a + 8L * C, 5, // floats are 4 bytes
                c, C}, ChunkTable.build(key, 1));
    }

    @Test
    void groupsOfBuffersAreCutAtTheSameOffsets() {
        long p = 0x1000, g = 0x20000000, m = 0x40000000, v = 0x60000000;
        long[] key = ChunkTable.key(new long[][]{{p, p + 0x100}, {g, g + 0x100}, {m, m + 0x100}, {v, v + 0x100}},
                new long[]{C + 3, 7});
        assertEquals(3, ChunkTable.chunks(key, 4));
        assertArrayEquals(new long[]{
                p, g, m, v, C,
                p + 4L * C, g + 4L * C, m + 4L * C, v + 4L * C, 3,
                p + 0x100, g + 0x100, m + 0x100, v + 0x100, 7}, ChunkTable.build(key, 4));
    }

    @Test
    void chunksOfAnAlignedBufferStayAligned() {
        long[] table = ChunkTable.build(ChunkTable.key(new long[][]{{256}}, new long[]{10L * C + 3}), 1);
        for (int i = 0; i < table.length; i += 2) {
            assertEquals(0, table[i] % 16, "chunk " + i / 2);
        }
        assertEquals(0, C % 4);
    }

    @Test
    void emptyListsAndBadLengths() {
        assertEquals(0, ChunkTable.chunks(ChunkTable.key(new long[][]{{}}, new long[0]), 1));
        assertThrows(IllegalArgumentException.class, () -> ChunkTable.key(new long[][]{{256}}, new long[]{-1}));
    }
}
