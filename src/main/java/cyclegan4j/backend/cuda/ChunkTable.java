package cyclegan4j.backend.cuda;

import java.util.Arrays;

/**
 * What {@code sumsq_chunks_partial} reads to sum the squares of many buffers in one launch: each
 * buffer cut into chunks of at most {@link #CHUNK} floats, as (device address, length) pairs, in
 * buffer order. {@code CHUNK} is a multiple of 4, so the chunks of a 16-byte aligned buffer (every
 * pool block) stay aligned for float4 loads. Equal lists give equal tables, so the backend uploads
 * one per distinct list (train's three networks: once each for the run).
 */
final class ChunkTable {

    /** Floats per chunk: 64 KiB, a few float4 rounds of a 256-thread block. */
    static final int CHUNK = 16384;

    private ChunkTable() {
    }

    /** The key of a list of buffers: their (address, length) pairs, empty buffers left out. */
    static long[] key(long[] addresses, long[] lengths) {
        long[] key = new long[2 * addresses.length];
        int k = 0;
        for (int i = 0; i < addresses.length; i++) {
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("sumOfSquares: negative length " + lengths[i]);
            }
            if (lengths[i] > 0) {
                key[k++] = addresses[i];
                key[k++] = lengths[i];
            }
        }
        return Arrays.copyOf(key, k);
    }

    /** How many chunks the table of a key has. */
    static int chunks(long[] key) {
        int chunks = 0;
        for (int i = 0; i < key.length; i += 2) {
            chunks = Math.addExact(chunks, Math.toIntExact((key[i + 1] + CHUNK - 1) / CHUNK));
        }
        return chunks;
    }

    /** The table for a key: (address, length) per chunk, two longs each. */
    static long[] build(long[] key) {
        long[] table = new long[2 * chunks(key)];
        int c = 0;
        for (int i = 0; i < key.length; i += 2) {
            for (long off = 0; off < key[i + 1]; off += CHUNK) {
                table[c++] = key[i] + off * Float.BYTES;
                table[c++] = Math.min(CHUNK, key[i + 1] - off);
            }
        }
        return table;
    }
}
