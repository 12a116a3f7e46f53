package cyclegan4j.backend.cuda;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;

/**
 * One loaded kernel with a reusable parameter block in pinned host memory: the array of the slots'
 * addresses (the {@code void**} that cuLaunchKernel takes), then one 8-byte slot per argument. A
 * launch writes the new values into the slots (cuLaunchKernel copies them when it enqueues) and
 * passes the block by its address, so JCuda hands the driver one plain pointer. With an array of
 * Java {@code Pointer}s instead (one per argument, built once), JCuda walked that array on every
 * launch: the 256x256 step's host time on the fake GPU was 8.2-14.6 ms, and is 4.1-6.0 ms this
 * way (2026-11-28, six alternating pairs). The block lives as long as the backend. Not thread-safe
 * (the backend is single-threaded).
 */
final class Kernel {

    /** A pointer whose native address can be read (JCuda's getter for that is protected). */
    private static final class Raw extends Pointer {
        long address() {
            return getNativePointer();
        }
    }

    final KernelSpec spec;
    private final CUfunction function;
    private final Raw params;
    private final ByteBuffer slots; // the whole block: addresses, then the argument values
    private final int first; // byte offset of the first slot in the block

    Kernel(KernelSpec spec, CUfunction function) {
        this.spec = spec;
        this.function = function;
        int n = spec.signature.length();
        for (char c : spec.signature.toCharArray()) {
            if ("plif".indexOf(c) < 0) {
                throw new IllegalStateException("kernel " + spec.function + ": bad signature " + spec.signature);
            }
        }
        params = new Raw();
        cuMemAllocHost(params, 16L * Math.max(n, 1));
        slots = params.getByteBuffer(0, 16L * Math.max(n, 1)).order(ByteOrder.nativeOrder());
        first = 8 * n;
        for (int i = 0; i < n; i++) {
            slots.putLong(8 * i, params.address() + first + 8L * i);
        }
    }

    /**
     * Enqueues the kernel on {@code stream} with a 1-D grid. Arguments: a {@link CudaBuffer} or
     * {@link DevicePtr} for {@code p}, Long (or Integer) for {@code l}, Integer for {@code i},
     * Float for {@code f}.
     */
    void launch(CUstream stream, int grid, int block, Object... args) {
        check(spec, args);
        String sig = spec.signature;
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            int at = first + 8 * i;
            switch (sig.charAt(i)) {
                case 'p' -> slots.putLong(at, address(a, i));
                case 'l' -> slots.putLong(at, ((Number) a).longValue());
                case 'i' -> slots.putInt(at, (Integer) a);
                case 'f' -> slots.putFloat(at, (Float) a);
                default -> throw new IllegalStateException();
            }
        }
        try {
            cuLaunchKernel(function, Math.max(grid, 1), 1, 1, block, 1, 1, 0, stream, params, null);
        } catch (CudaException e) {
            throw new IllegalStateException("launching kernel " + spec.function + " (grid " + grid + ", block " + block
                    + ") failed: " + e.getMessage(), e);
        }
    }

    /**
     * Checks an argument list against the kernel's signature: a buffer (or device pointer) for
     * {@code p}, Long or Integer for {@code l}, Integer for {@code i}, Float for {@code f}. The
     * host emulation of the kernels applies the same check, so a wrong list fails the CPU tests.
     */
    static void check(KernelSpec spec, Object[] args) {
        String sig = spec.signature;
        if (args.length != sig.length()) {
            throw new IllegalArgumentException("kernel " + spec.function + " takes " + sig.length() + " arguments, got " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            boolean ok = switch (sig.charAt(i)) {
                case 'p' -> a instanceof cyclegan4j.backend.Buffer || a instanceof DevicePtr || a instanceof DeviceAddress;
                case 'l' -> a instanceof Long || a instanceof Integer;
                case 'i' -> a instanceof Integer;
                case 'f' -> a instanceof Float;
                default -> throw new IllegalStateException("kernel " + spec.function + ": bad signature " + sig);
            };
            if (!ok) {
                String want = switch (sig.charAt(i)) {
                    case 'p' -> "a device buffer";
                    case 'l' -> "a long";
                    case 'i' -> "an int";
                    default -> "a float";
                };
                throw new IllegalArgumentException("kernel " + spec.function + ": argument " + i + " must be " + want + ", got "
                        + (a == null ? "null" : a.getClass().getSimpleName()));
            }
        }
    }

    private long address(Object a, int i) {
        if (a instanceof CudaBuffer b) {
            return b.ptr().address();
        }
        if (a instanceof DevicePtr p) {
            return p.address();
        }
        if (a instanceof DeviceAddress d) {
            return d.address();
        }
        throw mismatch(i, "a device buffer", a);
    }

    private IllegalArgumentException mismatch(int i, String want, Object got) {
        return new IllegalArgumentException("kernel " + spec.function + ": argument " + i + " must be " + want + ", got "
                + (got == null ? "null" : got.getClass().getSimpleName()));
    }
}
