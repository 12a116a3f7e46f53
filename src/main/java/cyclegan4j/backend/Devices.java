package cyclegan4j.backend;

import cyclegan4j.backend.cpu.CpuBackend;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device selection: {@code auto | cpu | cuda | cuda:N}.
 *
 * <p>{@code auto} uses the GPU when the CUDA driver, the PTX kernels and cuDNN all load, otherwise
 * it uses the CPU and says in one line why. {@code cuda} fails with that reason instead. Both use
 * the device {@code -Dcyclegan4j.cuda.device} names (default 0); {@code cuda:N} (or {@code gpu:N})
 * names device N. The CUDA backend is reached by reflection so that a failure anywhere in its class
 * initialisation (no driver shows up as an UnsatisfiedLinkError, an Error) is caught here and
 * turned into the reason.
 */
public final class Devices {

    /** The chosen backend and one line saying why. */
    public record Selection(Backend backend, String reason) {
    }

    private static final String CUDA_CLASS = "cyclegan4j.backend.cuda.CudaBackend";
    private static final Pattern CUDA = Pattern.compile("(?:cuda|gpu)(?::(\\d{1,4}))?");

    private Devices() {
    }

    /** Whether {@code device} is one of the forms {@link #select} accepts (any case). */
    public static boolean isValid(String device) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        return d.equals("auto") || d.equals("cpu") || CUDA.matcher(d).matches();
    }

    public static Selection select(String device) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        int defaultOrdinal = Integer.getInteger("cyclegan4j.cuda.device", 0);
        Matcher cuda = CUDA.matcher(d);
        if (d.equals("cpu")) {
            return new Selection(CpuBackend.get(), "cpu (as requested)");
        }
        if (cuda.matches()) {
            Object r = tryCuda(cuda.group(1) == null ? defaultOrdinal : Integer.parseInt(cuda.group(1)));
            if (r instanceof Backend b) {
                return new Selection(b, describe(b) + " (as requested)");
            }
            throw new IllegalStateException("--device " + d + ": " + r);
        }
        if (d.equals("auto")) {
            Object r = tryCuda(defaultOrdinal);
            if (r instanceof Backend b) {
                return new Selection(b, "cuda: " + describe(b));
            }
            return new Selection(CpuBackend.get(), "cpu: CUDA not used: " + r);
        }
        throw new IllegalArgumentException("unknown device '" + device + "' (use auto, cpu, cuda or cuda:N)");
    }

    /** This host's CUDA devices as "cuda:N name, memory", or an empty list when there is no usable driver. */
    @SuppressWarnings("unchecked")
    public static List<String> cudaDevices() {
        if (Boolean.getBoolean("cyclegan4j.noCuda")) {
            return List.of();
        }
        try {
            return (List<String>) Class.forName(CUDA_CLASS).getMethod("devices").invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return List.of();
        }
    }

    /** The CUDA backend on device {@code ordinal}, or a one-line reason (String) why it cannot be used. */
    private static Object tryCuda(int ordinal) {
        if (Boolean.getBoolean("cyclegan4j.noCuda")) {
            return "disabled by -Dcyclegan4j.noCuda=true";
        }
        try {
            return Class.forName(CUDA_CLASS).getMethod("get", int.class).invoke(null, ordinal);
        } catch (InvocationTargetException e) {
            return reason(e.getCause());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return reason(e);
        }
    }

    private static String reason(Throwable t) {
        try {
            return (String) Class.forName(CUDA_CLASS).getMethod("reason", Throwable.class).invoke(null, t);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return t.getClass().getSimpleName() + ": " + t.getMessage();
        }
    }

    private static String describe(Backend b) {
        try {
            return (String) b.getClass().getMethod("describe").invoke(b);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return b.name();
        }
    }
}
