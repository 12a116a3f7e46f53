package cyclegan4j.backend.cuda;

/** The device could not provide a block even after the pool released its cached blocks. */
public final class DeviceOutOfMemoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DeviceOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
