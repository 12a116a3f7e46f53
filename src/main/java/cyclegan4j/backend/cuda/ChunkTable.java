package cyclegan4j.backend.cuda;

/**
 * What the multi-buffer kernels read to cover a whole list of buffers in one launch
 * ({@code sumsq_chunks_partial}: a network's gradients; {@code adam_update_chunks}: an optimizer's
 * parameters with their gradients and moments). Each list entry is a group of {@code width}
 * buffers of one length (width 1: a gradient; 4: parameter, gradient, m, v), cut into chunks of at
 * most {@link #CHUNK} floats; a chunk is its {@code width} device addresses, then its length, as
 * long longs, in list order. {@code CHUNK} is a multiple of 4, so the chunks of 16-byte aligned
 * buffers (every pool block) stay aligned for float4 loads. Equal lists give equal tables, so the
 * backend uploads one per distinct list (train's lists stay the same for the run).
 */
final class ChunkTable {

    /** Floats per chunk: 64 KiB, a few rounds of a 256-thread block. */
    static final int CHUNK = 16384;

    private ChunkTable() {
    }

    /**
     * The key of a list: per non-empty entry its length, then its {@code addresses.length} addresses
     * ({@code addresses[w][k]}: buffer w of entry k).
     */
    static long[] key(long[][] addresses, long[] lengths) {
        int width = addresses.length;
        long[] key = new long[(width + 1) * lengths.length];
        int at = 0;
        for (int k = 0; k < lengths.length; k++) {
            if (lengths[k] < 0) {
                throw new IllegalArgumentException("negative length " + lengths[k]);
            }
            if (lengths[k] > 0) {
                key[at++] = lengths[k];
                for (long[] buffer : addresses) {
                    key[at++] = buffer[k];
                }
            }
        }
        return java.util.Arrays.copyOf(key, at);
    }

    /** How many chunks the table of a key has. */
    static int chunks(long[] key, int width) {
        int chunks = 0;
        for (int i = 0; i < key.length; i += width + 1) {
            chunks = Math.addExact(chunks, Math.toIntExact((key[i] + CHUNK - 1) / CHUNK));
        }
        return chunks;
    }

    /** The table of a key: per chunk its {@code width} addresses, then its length. */
    static long[] build(long[] key, int width) {
        long[] table = new long[(width + 1) * chunks(key, width)];
        int c = 0;
        for (int i = 0; i < key.length; i += width + 1) {
            long length = key[i];
            for (long off = 0; off < length; off += CHUNK) {
                for (int w = 0; w < width; w++) {
                    table[c++] = key[i + 1 + w] + off * Float.BYTES;
                }
                table[c++] = Math.min(CHUNK, length - off);
            }
        }
        return table;
    }
}
