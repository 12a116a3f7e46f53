package cyclegan4j.cli;

import cyclegan4j.io.Checkpoints;
import cyclegan4j.io.SafeTensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * train --resume's defaults: the options the run's latest checkpoint was trained with, read from
 * its header alone. `train --name N --resume` then continues the run as it was started; an option
 * given on the command line still wins, and {@link Trainer} says which may change and reports it.
 *
 * @param options the recorded options by their checkpoint key ("decay_epoch"); empty without --resume
 */
record ResumeDefaults(Map<String, String> options) {

    static final ResumeDefaults NONE = new ResumeDefaults(Map.of());

    /** The options of {@code checkpoint}; a usage error when it does not exist. */
    static ResumeDefaults read(Path checkpoint) {
        if (!Files.exists(checkpoint)) {
            throw missing(checkpoint);
        }
        try {
            Map<String, String> options = new LinkedHashMap<>();
            SafeTensors.readHeader(checkpoint).metadata().forEach((k, v) -> {
                if (k.startsWith(Checkpoints.OPTION_PREFIX)) {
                    options.put(k.substring(Checkpoints.OPTION_PREFIX.length()), v);
                }
            });
            return new ResumeDefaults(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * --resume without {@code checkpoint} (the run's checkpoints/latest.safetensors). A run folder
     * without one is a run killed before its first checkpoint (a kill -9, the OOM killer, a power
     * cut): nothing to resume, and a new start is what is left.
     */
    static UsageException missing(Path checkpoint) {
        Path run = checkpoint.getParent().getParent();
        return new UsageException("--resume: no checkpoint at " + checkpoint + (Files.isDirectory(run)
                ? " (the run stopped before its first one, written at an epoch's end and every --autosave-minutes): start it"
                + " again without --resume" : ""));
    }

    String string(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    int integer(String key, int fallback) {
        return value(key, fallback, Integer::parseInt);
    }

    long longValue(String key, long fallback) {
        return value(key, fallback, Long::parseLong);
    }

    float real(String key, float fallback) {
        return value(key, fallback, Float::parseFloat);
    }

    boolean bool(String key, boolean fallback) {
        return value(key, fallback, Boolean::parseBoolean);
    }

    private <T> T value(String key, T fallback, Function<String, T> parse) {
        String v = options.get(key);
        try {
            return v == null ? fallback : parse.apply(v);
        } catch (IllegalArgumentException e) { // a hand-edited checkpoint
            throw new IllegalArgumentException("--resume: the checkpoint's option " + key + "='" + v + "' is not valid", e);
        }
    }
}
