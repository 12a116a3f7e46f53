package cyclegan4j.cli;

/**
 * A mistake in the command line (or in the options given to {@link Trainer#fromOptions}): reported in
 * one line with exit code 2.
 */
public final class UsageException extends IllegalArgumentException {

    public UsageException(String message) {
        super(message);
    }
}
