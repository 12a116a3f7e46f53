package cyclegan4j.backend;

import cyclegan4j.backend.cpu.CpuBackend;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;

/**
 * Device selection: {@code auto | cpu | cuda}.
 *
 * <p>{@code auto} uses the GPU when the CUDA driver, the PTX kernels and cuDNN all load, otherwise
 * it uses the CPU and says in one line why. {@code cuda} fails with that reason instead. The CUDA
 * backend is reached by reflection so that a failure anywhere in its class initialisation (no
 * driver shows up as an UnsatisfiedLinkError, an Error) is caught here and turned into the reason.
 */
public final class Devices {

    /** The chosen backend and one line saying why. */
    public record Selection(Backend backend, String reason) {
    }

    private static final String CUDA_CLASS = "cyclegan4j.backend.cuda.CudaBackend";

    private Devices() {
    }

    public static Selection select(String device) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        switch (d) {
            case "cpu":
                return new Selection(CpuBackend.get(), "cpu: requested");
            case "cuda":
            case "gpu": {
                Object r = tryCuda();
                if (r instanceof Backend b) {
                    return new Selection(b, "cuda: requested; " + describe(b));
                }
                throw new IllegalStateException("--device cuda: " + r);
            }
            case "auto": {
                Object r = tryCuda();
                if (r instanceof Backend b) {
                    return new Selection(b, "cuda: " + describe(b));
                }
                return new Selection(CpuBackend.get(), "cpu: CUDA not used: " + r);
            }
            default:
                throw new IllegalArgumentException("unknown device '" + device + "' (use auto, cpu or cuda)");
        }
    }

    /** The CUDA backend, or a one-line reason (String) why it cannot be used. */
    private static Object tryCuda() {
        if (Boolean.getBoolean("cyclegan4j.noCuda")) {
            return "disabled by -Dcyclegan4j.noCuda=true";
        }
        try {
            return Class.forName(CUDA_CLASS).getMethod("get").invoke(null);
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
