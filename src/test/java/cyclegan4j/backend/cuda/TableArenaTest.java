package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The device arena of chunk tables, on a pretend device whose memory is a map of uploads. */
class TableArenaTest {

    /** Device memory as uploads by address (the latest upload at an address wins); counts what happened. */
    private static final class PretendDevice implements TableArena.Device {
        final Map<Long, long[]> memory = new HashMap<>();
        final List<TableArena.Block> live = new ArrayList<>();
        int acquired, uploads;
        long next = 1 << 20;

        @Override
        public TableArena.Block acquire(long bytes) {
            acquired++;
            TableArena.Block b = new TableArena.Block(next, bytes, null);
            next += bytes + 4096;
            live.add(b);
            return b;
        }

        @Override
        public void release(TableArena.Block block) {
            live.remove(block);
        }

        @Override
        public void upload(TableArena.Block block, long offset, long[] table) {
            uploads++;
            assertEquals(true, live.contains(block), "uploads into a live block");
            assertEquals(true, offset + table.length * 8L <= block.bytes(), "fits its block");
            memory.entrySet().removeIf(e -> e.getKey() >= block.address() + offset
                    && e.getKey() < block.address() + offset + table.length * 8L); // overwritten
            memory.put(block.address() + offset, table.clone());
        }

        long[] read(TableArena.Placed p) {
            long[] t = memory.get(p.address().address());
            assertNotNull(t, "a table was uploaded where the arena says");
            return t;
        }
    }

    private static long[] key(long address, long floats) {
        return ChunkTable.key(new long[][]{{address}}, new long[]{floats});
    }

    @Test
    void aListSeenBeforeCostsNoUploadAndATableEvictedByAFullArenaIsUploadedAgain() {
        PretendDevice dev = new PretendDevice();
        TableArena arena = new TableArena(dev, 1024); // room for about 64 chunks of width 1
        long[] a = key(0x100000, 40L * ChunkTable.CHUNK), b = key(0x900000, 30L * ChunkTable.CHUNK);

        TableArena.Placed pa = arena.place(1, a);
        assertArrayEquals(ChunkTable.build(a, 1), dev.read(pa));
        assertEquals(pa, arena.place(1, a));
        assertEquals(1, dev.uploads, "the same list again: no upload");

        TableArena.Placed pb = arena.place(1, b); // 640 + 480 bytes > 1024: the arena is emptied, b at its start
        assertArrayEquals(ChunkTable.build(b, 1), dev.read(pb));
        assertEquals(pa.address(), pb.address(), "b overwrote a");
        TableArena.Placed again = arena.place(1, a); // a's old place holds b now: a must be uploaded again
        assertEquals(3, dev.uploads);
        assertArrayEquals(ChunkTable.build(a, 1), dev.read(again));
        assertEquals(40, again.chunks());
        assertEquals(1, dev.acquired, "one arena block throughout");
    }

    @Test
    void aTableLargerThanTheArenaGetsALargerOneAndTheOldBlockIsReleased() {
        PretendDevice dev = new PretendDevice();
        TableArena arena = new TableArena(dev, 1024);
        arena.place(1, key(0x100000, ChunkTable.CHUNK));
        long[] big = key(0x200000, 100L * ChunkTable.CHUNK); // 1600 bytes
        TableArena.Placed p = arena.place(1, big);
        assertArrayEquals(ChunkTable.build(big, 1), dev.read(p));
        assertEquals(2, dev.acquired);
        assertEquals(1, dev.live.size(), "the small arena was given back");
        // widths are part of the key: the same numbers as a width-4 list are another table
        long[] k4 = ChunkTable.key(new long[][]{{0x100000}, {0x200000}, {0x300000}, {0x400000}}, new long[]{8});
        assertEquals(5, dev.read(arena.place(4, k4)).length);
    }
}
