package cyclegan4j.cli;

/** A mistake in the command line: reported in one line with exit code 2. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
