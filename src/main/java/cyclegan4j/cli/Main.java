package cyclegan4j.cli;

import cyclegan4j.data.DataException;

import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;

/**
 * {@code cyclegan4j <command> [options]}: train, translate, evaluate, bench, info. Exit code 0 on success, 2 on a
 * usage error, 1 on a runtime failure; errors are one line on stderr (a stack trace only with
 * {@code --verbose}).
 */
public final class Main {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /** Runs a command and returns its exit code (used by main and by the CLI tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? USAGE : OK;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "train":
                    return TrainCommand.run(rest, out, err);
                case "translate":
                    return TranslateCommand.run(rest, out, err);
                case "evaluate":
                    return EvaluateCommand.run(rest, out, err);
                case "export":
                    return ExportCommand.run(rest, out, err);
                case "bench":
                    return BenchCommand.run(rest, out, err);
                case "info":
                    return InfoCommand.run(rest, out);
                default:
                    throw new UsageException("unknown command '" + command + "' (try: train, translate, evaluate, export, bench, info; --help)");
            }
        } catch (UsageException e) {
            err.println("cyclegan4j " + command + ": " + e.getMessage());
            return USAGE;
        } catch (Exception | OutOfMemoryError | LinkageError e) {
            err.println("cyclegan4j " + command + ": error: " + oneLine(e));
            if (verbose) {
                e.printStackTrace(err);
            } else if (!toldWhole(e)) {
                err.println("(run with --verbose for details)");
            }
            return FAILED;
        }
    }

    /**
     * Whether the message says all there is: a data set's problem, told whole (a stack trace adds
     * nothing). Not a loader's failure from another cause (a bug, memory): its trace is the detail.
     */
    static boolean toldWhole(Throwable e) {
        Throwable cause = e.getCause();
        return e instanceof DataException && (cause == null || cause instanceof DataException || cause instanceof java.io.IOException);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (e instanceof FileSystemException f && f.getFile() != null) { // its message is the bare path, or the path and a reason
            m = f.getFile() + ": " + (e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof FileAlreadyExistsException ? "exists, and is not a folder"
                    : e instanceof NotDirectoryException ? "not a folder"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName());
        } else if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        } else if (e instanceof OutOfMemoryError) {
            m = "out of memory (" + m + "); try smaller images (train: --crop-size or --batch-size, or with --preprocess none"
                    + " --preprocess scale_width --load-size; translate: --max-size) or a larger heap (JAVA_OPTS=-Xmx16g)";
        }
        return m.replace('\n', ' ');
    }

    private static void usage(PrintStream out) {
        out.println("usage: cyclegan4j <command> [options]");
        out.println();
        out.println("commands:");
        out.println("  train      train a CycleGAN on a dataset folder (trainA/, trainB/)");
        out.println("  translate  apply a trained generator to images");
        out.println("  evaluate   score a checkpoint against paired ground truth (testA/x <-> testB/x)");
        out.println("  export     write a checkpoint's generators alone (for translate, evaluate, PyTorch)");
        out.println("  bench      time the training step on random images");
        out.println("  info       show Java, CPU and GPU support on this machine (--checkpoint F: what F holds)");
        out.println();
        out.println("`cyclegan4j <command> --help` lists a command's options.");
    }
}
