package cyclegan4j.backend;

/**
 * A block of float32 memory owned by one backend (a Java array on the CPU, device memory on a GPU).
 * Closing it returns the memory; closing twice is harmless, using it after close is an error.
 */
public interface Buffer extends AutoCloseable {

    /** Number of floats. */
    long size();

    boolean isClosed();

    @Override
    void close();
}
