package cyclegan4j.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** One command's options (commons-cli), with typed getters that turn bad values into usage errors. */
final class CommandLineSpec {

    private final String command;
    private final String summary;
    private final Options options = new Options();
    private CommandLine line;

    CommandLineSpec(String command, String summary) {
        this.command = command;
        this.summary = summary;
        flag("help", "show this help");
        flag("verbose", "print stack traces for errors");
    }

    CommandLineSpec value(String name, String arg, String description) {
        options.addOption(Option.builder().longOpt(name).hasArg().argName(arg).desc(description).build());
        return this;
    }

    CommandLineSpec flag(String name, String description) {
        options.addOption(Option.builder().longOpt(name).desc(description).build());
        return this;
    }

    /** Parses; returns false when --help was asked for (help printed). */
    boolean parse(String[] args, PrintStream out) {
        try {
            line = new DefaultParser().parse(options, args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage() + " (see cyclegan4j " + command + " --help)");
        }
        if (!line.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.getArgList().get(0) + "' (see cyclegan4j " + command + " --help)");
        }
        if (line.hasOption("help")) {
            printHelp(out);
            return false;
        }
        return true;
    }

    @SuppressWarnings("deprecation") // the classic formatter prints exactly what we want
    void printHelp(PrintStream out) {
        PrintWriter w = new PrintWriter(out);
        new HelpFormatter().printHelp(w, 100, "cyclegan4j " + command + " [options]", summary, options, 2, 2, "", false);
        w.flush();
    }

    boolean has(String name) {
        return line.hasOption(name);
    }

    /** The option's value; when given more than once, the last one wins (so presets can be overridden). */
    private String value(String name) {
        String[] all = line.getOptionValues(name);
        return all == null || all.length == 0 ? null : all[all.length - 1];
    }

    String string(String name, String fallback) {
        String v = value(name);
        return v == null ? fallback : v;
    }

    /** A named choice read by {@code parse}, whose IllegalArgumentException ("x must be ...") becomes the usage error "--x must be ...". */
    <T> T choice(String name, String fallback, Function<String, T> parse) {
        try {
            return parse.apply(string(name, fallback));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
    }

    String required(String name) {
        String v = value(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + name + " is required (see cyclegan4j " + command + " --help)");
        }
        return v;
    }

    Path path(String name) {
        return Path.of(required(name));
    }

    /** The required option {@code name} as the path of a file that must exist. */
    Path existingFile(String name) {
        Path p = path(name);
        if (!Files.exists(p)) {
            throw new UsageException("--" + name + ": no such file " + p);
        }
        if (Files.isDirectory(p)) {
            throw new UsageException("--" + name + ": " + p + " is a folder, not a file");
        }
        return p;
    }

    int integer(String name, int fallback) {
        String v = value(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a whole number, got '" + v + "'");
        }
    }

    long longValue(String name, long fallback) {
        String v = value(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a whole number, got '" + v + "'");
        }
    }

    float real(String name, float fallback) {
        String v = value(name);
        if (v == null) {
            return fallback;
        }
        try {
            float f = Float.parseFloat(v.trim());
            if (!Float.isFinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }
}
