package cyclegan4j.data;

/** A problem with the data set (missing or empty folder, no usable images, a loader failure). */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
