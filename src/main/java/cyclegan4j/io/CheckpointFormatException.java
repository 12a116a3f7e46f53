package cyclegan4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that is not a well-formed safetensors file we can read (truncated, garbage,
 * inconsistent header, unsupported dtype), or that does not fit the model it is loaded into. The
 * message names the file (when known) and the problem.
 */
public class CheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CheckpointFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
