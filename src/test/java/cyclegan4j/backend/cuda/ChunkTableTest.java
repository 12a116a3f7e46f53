package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The chunk table the gradient norms' one-launch sum of squares reads. */
class ChunkTableTest {

    private static final int C = ChunkTable.CHUNK;

    @Test
    void everyFloatOfEveryBufferIsInExactlyOneChunkInOrder() {
        long a = 0x7f0000000000L, b = 0x7f0000100000L, c = 0x7f0000900000L;
        long[] key = ChunkTable.key(new long[]{a, b, c}, new long[]{2L * C + 5, 0, C});
        assertArrayEquals(new long[]{a, 2L * C + 5, c, C}, key, "empty buffers are left out");
        assertEquals(4, ChunkTable.chunks(key));
        assertArrayEquals(new long[]{
                a, C, a + 4L * C, C, a + 8L * C, 5, // floats are 4 bytes
                c, C}, ChunkTable.build(key));
    }

    @Test
    void chunksOfAnAlignedBufferStayAligned() {
        long[] table = ChunkTable.build(ChunkTable.key(new long[]{256}, new long[]{10L * C + 3}));
        for (int i = 0; i < table.length; i += 2) {
            assertEquals(0, table[i] % 16, "chunk " + i / 2);
        }
        assertEquals(0, C % 4);
    }

    @Test
    void emptyListsAndBadLengths() {
        assertEquals(0, ChunkTable.chunks(ChunkTable.key(new long[0], new long[0])));
        assertThrows(IllegalArgumentException.class, () -> ChunkTable.key(new long[]{256}, new long[]{-1}));
    }
}
