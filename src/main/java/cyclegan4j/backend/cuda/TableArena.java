package cyclegan4j.backend.cuda;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The device copies of {@link ChunkTable}s: one block of device memory that tables are placed in
 * one after the other, and a cache by content, so a list seen before (train: the same six every
 * step) costs neither an upload nor an allocation. A table is right even if its buffers were freed
 * and others took their addresses, since the key is the addresses. When the next table does not
 * fit, the arena is emptied (and enlarged if that one table is bigger): later uploads overwrite
 * it in stream order, after the launches already queued have read it.
 */
final class TableArena {

    /** A block of device memory: its address, its real size, and what to give back to release it. */
    record Block(long address, long bytes, Object handle) {
    }

    /** What the arena needs from the backend. */
    interface Device {
        Block acquire(long bytes);

        void release(Block block);

        /** Copies the table to {@code offset} bytes into the block, in stream order. */
        void upload(Block block, long offset, long[] table);
    }

    /** A table on the device and its number of chunks. */
    record Placed(DeviceAddress address, int chunks) {
    }

    private record Key(int width, long[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && width == k.width && Arrays.equals(key, k.key);
        }

        @Override
        public int hashCode() {
            return 31 * width + Arrays.hashCode(key);
        }
    }

    private final Device device;
    private final long minBytes;
    private final Map<Key, Placed> placed = new HashMap<>();
    private Block arena;
    private long used;

    TableArena(Device device, long minBytes) {
        this.device = device;
        this.minBytes = minBytes;
    }

    /** The table of a {@link ChunkTable#key} (entries of {@code width} buffers) on the device. */
    Placed place(int width, long[] key) {
        Key k = new Key(width, key);
        Placed p = placed.get(k);
        if (p == null) {
            long[] table = ChunkTable.build(key, width);
            p = new Placed(new DeviceAddress(put(table)), ChunkTable.chunks(key, width));
            placed.put(k, p);
        }
        return p;
    }

    private long put(long[] table) {
        long bytes = table.length * 8L;
        if (arena == null || used + bytes > arena.bytes()) {
            placed.clear(); // everything in the arena is about to be overwritten
            used = 0;
            if (arena == null || bytes > arena.bytes()) {
                if (arena != null) {
                    device.release(arena);
                }
                arena = device.acquire(Math.max(minBytes, bytes));
            }
        }
        long offset = used;
        device.upload(arena, offset, table);
        used += (bytes + 255) / 256 * 256;
        return arena.address() + offset;
    }
}
