package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;
import cyclegan4j.backend.MemoryStats;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnHandle;
import jcuda.runtime.cudaStream_t;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static jcuda.driver.JCudaDriver.*;

/**
 * The CUDA backend: JCuda's driver API on the device's primary context, one stream, cuDNN for
 * convolutions, cuBLAS for axpy, and the PTX kernels of {@code kernels/} for everything else.
 *
 * <p>Everything is queued on one stream and nothing waits for the device except
 * {@link #download} (and {@link #synchronize}). Scalars (losses, means) stay in 1-float device
 * buffers. Memory comes from a caching {@link DevicePool}. Not thread-safe: use it from one
 * thread at a time (any thread: each binds the primary context on first use).
 *
 * <p>Options (system properties): {@code cyclegan4j.cuda.device} (ordinal for {@code --device cuda}
 * and {@code auto}, default 0; {@code --device cuda:N} names one),
 * {@code cyclegan4j.cuda.tf32} (default true; false forces CUDNN_FMA_MATH, as the parity tests do),
 * {@code cyclegan4j.cuda.cublas} (default true; false uses the axpy kernel),
 * {@code cyclegan4j.cuda.phaseUpsampleConv} (default true; false: upsample, then a 3x3 convolution),
 * {@code cyclegan4j.cudnn.find} (default false; true times cuDNN algorithms instead of using heuristics),
 * {@code cyclegan4j.cudnn.deterministic} (only deterministic cuDNN algorithms),
 * {@code cyclegan4j.cuda.sync} (debugging: synchronise after every kernel so that a failure names it).
 */
public final class CudaBackend implements Backend {

    private static final long STAGING_BYTES = 8L << 20; // per slot
    private static final int STAGING_SLOTS = 4;
    private static final long TABLE_ARENA_BYTES = 1L << 20;

    private static CudaBackend instance;
    /** Failed starts by ordinal; ANY_DEVICE for failures that every ordinal would meet. */
    private static final Map<Integer, Throwable> failures = new HashMap<>();
    private static final int ANY_DEVICE = -1;

    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final String deviceName;
    private final int driverVersion;
    private final Map<KernelSpec, Kernel> kernels = new EnumMap<>(KernelSpec.class);
    private final DevicePool pool = new DevicePool();
    private final MemoryStats memory = new MemoryStats();
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> false);
    private final cudnnHandle cudnn = new cudnnHandle();
    private final CudnnConv conv;
    private final long cudnnVersion;
    private final cublasHandle cublas;
    private final String cublasNote;
    private final float[] alphaSlot = new float[1];
    private final Pointer alphaPtr = Pointer.to(alphaSlot);
    private final DevicePtr partials;
    /** Chunk tables of the buffer lists zero, sumOfSquares and adamUpdate have seen (train: six, about 100 KiB for the seed's model). */
    private final TableArena tables = new TableArena(new TableArena.Device() {
        @Override
        public TableArena.Block acquire(long bytes) {
            DevicePtr p = pool.acquire(bytes);
            return new TableArena.Block(p.address(), p.bytes, p);
        }

        @Override
        public void release(TableArena.Block block) {
            pool.release((DevicePtr) block.handle());
        }

        @Override
        public void upload(TableArena.Block block, long offset, long[] table) {
            long bytes = table.length * (long) Sizeof.LONG;
            if (bytes > STAGING_BYTES) { // half a million chunks: 8 G floats
                throw new IllegalArgumentException("a chunk table of " + bytes + " bytes (at most " + STAGING_BYTES + ")");
            }
            stagedCopy(at((DevicePtr) block.handle(), offset), bytes, buf -> buf.asLongBuffer().put(table));
        }
    }, TABLE_ARENA_BYTES);
    private final KernelOps ops;
    private final Pointer[] staging = new Pointer[STAGING_SLOTS];
    private final CUevent[] stagingFree = new CUevent[STAGING_SLOTS];
    private int stagingNext;
    private final String compatNote;
    /**
     * -Dcyclegan4j.cuda.phaseUpsampleConv=false: the decoder's upsampling + conv as upsample, then
     * cuDNN's 3x3 convolution (the Backend default), instead of the phase form's 2x2 one.
     */
    private final boolean phaseUpsampleConv = !"false".equalsIgnoreCase(System.getProperty("cyclegan4j.cuda.phaseUpsampleConv"));
    /** -Dcyclegan4j.cuda.sync=true: wait after every kernel so a failure names its kernel (debugging only). */
    private final boolean debugSync = Boolean.getBoolean("cyclegan4j.cuda.sync");

    /** The process-wide CUDA backend on device {@code cyclegan4j.cuda.device} (default 0); see {@link #get(int)}. */
    public static CudaBackend get() {
        return get(Integer.getInteger("cyclegan4j.cuda.device", 0));
    }

    /**
     * The process-wide CUDA backend on device {@code ordinal}, created on first use; throws (with the
     * reason) when CUDA cannot be used. A process drives one GPU: asking for another once one is in
     * use is an error. A failed start is remembered: for every ordinal when a library or the
     * driver failed, for that ordinal alone otherwise (a device that does not exist, say).
     */
    public static synchronized CudaBackend get(int ordinal) {
        if (instance != null) {
            if (instance.ordinal != ordinal) {
                throw new IllegalStateException("CUDA is already in use on cuda:" + instance.ordinal
                        + " in this process; it cannot also use cuda:" + ordinal);
            }
            return instance;
        }
        Throwable failed = failures.getOrDefault(ordinal, failures.get(ANY_DEVICE));
        if (failed != null) {
            throw new IllegalStateException("CUDA backend unavailable: " + reason(failed), failed);
        }
        try {
            instance = new CudaBackend(ordinal,
                    !"false".equalsIgnoreCase(System.getProperty("cyclegan4j.cuda.tf32", "true")),
                    !"false".equalsIgnoreCase(System.getProperty("cyclegan4j.cuda.cublas", "true")),
                    Boolean.getBoolean("cyclegan4j.cudnn.find"));
            return instance;
        } catch (RuntimeException | LinkageError e) {
            failures.put(e instanceof NoSuchDeviceException ? ordinal : ANY_DEVICE, e);
            throw new IllegalStateException("CUDA backend unavailable: " + reason(e), e);
        }
    }

    /** The requested ordinal is not one of this host's devices: another ordinal may still work. */
    static final class NoSuchDeviceException extends IllegalArgumentException {
        NoSuchDeviceException(String message) {
            super(message);
        }
    }

    /** Every CUDA device of this host as "cuda:N name, memory" (for `info`); throws without a driver. */
    public static List<String> devices() {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] count = new int[1];
        cuDeviceGetCount(count);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            CUdevice d = new CUdevice();
            cuDeviceGet(d, i);
            long[] bytes = new long[1];
            cuDeviceTotalMem(bytes, d);
            out.add(String.format(Locale.ROOT, "cuda:%d %s, %.1f GiB", i, nameOf(d), bytes[0] / (double) (1L << 30)));
        }
        return out;
    }

    private static String nameOf(CUdevice d) {
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, d);
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        return new String(name, 0, len, StandardCharsets.US_ASCII);
    }

    /**
     * One line saying why CUDA could not be used, from what the start-up threw. No driver shows up
     * as an UnsatisfiedLinkError from JCudaDriver's static initializer (libcuda.so.1 missing).
     */
    public static String reason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof UnsatisfiedLinkError)) {
            root = root.getCause();
        }
        String msg = String.valueOf(root.getMessage());
        if (root instanceof UnsatisfiedLinkError || root instanceof NoClassDefFoundError) {
            if (msg.contains("libcuda.so")) {
                return "no CUDA driver (libcuda.so.1 could not be loaded)";
            }
            if (msg.contains("cudnn") || msg.contains("Cudnn")) {
                return "cuDNN could not be loaded (" + loaderLine(msg) + ")";
            }
            return "a CUDA native library could not be loaded (" + loaderLine(msg) + ")";
        }
        if (msg.contains("CUDA_ERROR_NO_DEVICE")) {
            return "no CUDA device is visible (CUDA_ERROR_NO_DEVICE)";
        }
        return firstLine(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    /**
     * The dynamic loader's own complaint inside JCuda's long multi-line UnsatisfiedLinkError
     * ("libcudnn.so.8: cannot open shared object file", "version `libcudnn.so.8' not found", ...).
     */
    static String loaderLine(String msg) {
        for (String line : msg.split("\n")) {
            if (line.contains("cannot open shared object") || line.contains("version `") || line.contains("undefined symbol")) {
                String l = line.trim();
                int colon = l.indexOf(": ");
                return l.startsWith("java.lang.UnsatisfiedLinkError") && colon > 0 ? l.substring(colon + 2) : l;
            }
        }
        return firstLine(msg);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private CudaBackend(int ordinal, boolean allowTf32, boolean useCublas, boolean findAlgorithms) {
        this.ordinal = ordinal;
        // 1. Driver, device, primary context (shared with the runtime API that JCudnn/JCublas use), stream.
        JCudaDriver.setExceptionsEnabled(true); // throws UnsatisfiedLinkError without libcuda.so.1
        cuInit(0);
        int[] count = new int[1];
        cuDeviceGetCount(count);
        if (count[0] == 0) {
            throw new IllegalStateException("no CUDA device is visible (cuDeviceGetCount = 0)");
        }
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new NoSuchDeviceException("there is no cuda:" + ordinal + ": this host has " + count[0]
                    + " CUDA device(s), cuda:0" + (count[0] > 1 ? " to cuda:" + (count[0] - 1) : ""));
        }
        cuDeviceGet(device, ordinal);
        deviceName = nameOf(device);
        int[] version = new int[1];
        cuDriverGetVersion(version);
        driverVersion = version[0];
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        bound.set(true);
        cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT);
        for (int i = 0; i < STAGING_SLOTS; i++) {
            stagingFree[i] = new CUevent();
            cuEventCreate(stagingFree[i], CUevent_flags.CU_EVENT_DISABLE_TIMING);
            staging[i] = new Pointer();
            cuMemAllocHost(staging[i], STAGING_BYTES);
        }

        // 2. PTX modules, one per kernels/*.cu, from the classpath (never compiled at run time).
        loadKernels();
        partials = pool.acquire((long) KernelOps.MAX_PARTIALS * Sizeof.FLOAT);
        ops = new KernelOps(debugSync ? (k, grid, block, args) -> {
            kernels.get(k).launch(stream, grid, block, args);
            try {
                cuStreamSynchronize(stream);
            } catch (CudaException e) {
                throw new IllegalStateException("kernel " + k.function + " failed: " + e.getMessage(), e);
            }
        } : (k, grid, block, args) -> kernels.get(k).launch(stream, grid, block, args), partials);

        // 3. cuDNN (through the compatibility layer when only cuDNN 9 is installed).
        compatNote = NativeCompat.prepareCudnn();
        JCudnn.setExceptionsEnabled(true);
        cudnnVersion = JCudnn.cudnnGetVersion();
        JCudnn.cudnnCreate(cudnn);
        JCudnn.cudnnSetStream(cudnn, new cudaStream_t(stream));
        conv = new CudnnConv(this, cudnn, allowTf32, findAlgorithms);

        // 4. cuBLAS for axpy; optional: the axpy kernel does the same job if cuBLAS cannot load.
        cublasHandle h = null;
        String note = "off (-Dcyclegan4j.cuda.cublas=false): axpy kernel";
        if (useCublas) {
            try {
                NativeCompat.prepareCublas();
                JCublas2.setExceptionsEnabled(true);
                h = new cublasHandle();
                JCublas2.cublasCreate(h);
                JCublas2.cublasSetStream(h, new cudaStream_t(stream));
                note = "on";
            } catch (RuntimeException | LinkageError e) {
                h = null;
                note = "unavailable (" + reason(e) + "): axpy kernel";
            }
        }
        cublas = h;
        cublasNote = note;
    }

    private void loadKernels() {
        Map<String, CUmodule> modules = new HashMap<>();
        for (KernelSpec k : KernelSpec.values()) {
            CUmodule module = modules.computeIfAbsent(k.module, m -> {
                String ptx = readResource(k.resource());
                CUmodule mod = new CUmodule();
                try {
                    cuModuleLoadData(mod, ptx);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("could not load PTX module " + k.resource() + ": " + e.getMessage(), e);
                }
                return mod;
            });
            CUfunction fn = new CUfunction();
            try {
                cuModuleGetFunction(fn, module, k.function);
            } catch (RuntimeException e) {
                throw new IllegalStateException("PTX module " + k.resource() + " has no kernel " + k.function
                        + " (stale PTX? run make ptx)", e);
            }
            kernels.put(k, new Kernel(k, fn));
        }
    }

    static String readResource(String path) {
        try (InputStream in = CudaBackend.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + path + " is missing from the classpath (run make ptx)");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    // ---- bookkeeping ----------------------------------------------------------------------------

    @Override
    public String name() {
        return "cuda";
    }

    /** One line for logs: device, driver, cuDNN, cuBLAS, math mode, the upsampling + conv form. */
    public String describe() {
        return String.format("cuda:%d %s, driver API %d, cuDNN %d%s, cuBLAS %s, conv math %s, upsampling + conv %s", ordinal,
                deviceName, driverVersion, cudnnVersion, compatNote.isEmpty() ? "" : " (" + compatNote + ")", cublasNote,
                conv.allowTf32() ? "TF32 allowed" : "FP32 FMA only", phaseUpsampleConv ? "in phases" : "composite");
    }

    public String deviceName() {
        return deviceName;
    }

    DevicePool pool() {
        return pool;
    }

    /** The cuDNN convolutions and their cached plans (for tests). */
    CudnnConv convolutions() {
        return conv;
    }

    /** Bytes held by live buffers and by the pool's cache. */
    public long poolInUseBytes() {
        return pool.inUseBytes();
    }

    public long poolCachedBytes() {
        return pool.cachedBytes();
    }

    /** Real cuMemAlloc calls so far; constant across warm training steps when the pool works. */
    public long poolAllocCalls() {
        return pool.allocCalls();
    }

    /** Returns cached blocks to the device. */
    public void trimPool() {
        bind();
        synchronize();
        pool.trim();
    }

    @Override
    public String takeDevicePeaks() {
        long[] peaks = pool.takePeaks();
        return String.format(Locale.ROOT, "device pool peaks: %.1f MiB in use (buffers and cuDNN workspace, in pool buckets; "
                + "PyTorch's max_memory_allocated), %.1f MiB held (in use + cached; max_memory_reserved)",
                peaks[0] / 1048576.0, peaks[1] / 1048576.0);
    }

    @Override
    public void synchronize() {
        bind();
        cuStreamSynchronize(stream);
    }

    /**
     * Starts or stops the CUDA profiler's collection once the work queued so far is done, so that a
     * profiler run with collection off at start (ncu or nsys --profile-from-start off) sees only
     * the work in between ({@code bench --profile}: one training step).
     */
    public void profile(boolean on) {
        synchronize();
        if (on) {
            cuProfilerStart();
        } else {
            cuProfilerStop();
        }
    }

    CUstream stream() {
        return stream;
    }

    void release(DevicePtr p, long floats) {
        pool.release(p);
        memory.freed(floats * Sizeof.FLOAT);
    }

    private void bind() {
        if (!bound.get()) {
            cuCtxSetCurrent(context);
            bound.set(true);
        }
    }

    private static CudaBuffer b(Buffer buf) {
        if (buf instanceof CudaBuffer c) {
            return c;
        }
        throw new IllegalArgumentException("cuda backend got a buffer of another backend: "
                + (buf == null ? "null" : buf.getClass().getSimpleName()));
    }

    private static DevicePtr p(Buffer buf) {
        return b(buf).ptr();
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Buffer allocate(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("cuda: negative buffer size " + n);
        }
        bind();
        DevicePtr ptr = pool.acquire(n * Sizeof.FLOAT);
        memory.allocated(n * Sizeof.FLOAT);
        return new CudaBuffer(this, ptr, n);
    }

    /**
     * Stream-ordered upload through a ring of pinned staging slots (4 x 8 MiB): each chunk is copied
     * into page-locked memory and sent with cuMemcpyHtoDAsync on the stream. A slot is reused only
     * after the event recorded behind its previous copy has fired, i.e. the host waits only when it is
     * four uploads ahead of the device (a training step uploads one or two images).
     */
    @Override
    public void upload(Buffer dst, float[] src) {
        bind();
        CudaBuffer d = b(dst);
        if (d.size() != src.length) {
            throw new IllegalArgumentException("upload: " + src.length + " floats into a buffer of " + d.size());
        }
        int chunk = (int) (STAGING_BYTES / Sizeof.FLOAT);
        for (int off = 0; off < src.length; off += chunk) {
            int from = off, len = Math.min(chunk, src.length - off);
            stagedCopy(at(d.ptr(), (long) off * Sizeof.FLOAT), (long) len * Sizeof.FLOAT, bytes -> bytes.asFloatBuffer().put(src, from, len));
        }
    }

    /**
     * Fills the next pinned staging slot ({@code bytes} at most STAGING_BYTES) and copies it to
     * {@code dst} on the stream; the host waits only if that slot's previous copy is still queued.
     */
    private void stagedCopy(CUdeviceptr dst, long bytes, Consumer<ByteBuffer> fill) {
        int slot = stagingNext;
        stagingNext = (stagingNext + 1) % STAGING_SLOTS;
        cuEventSynchronize(stagingFree[slot]); // a never-recorded event counts as done
        fill.accept(staging[slot].getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()));
        cuMemcpyHtoDAsync(dst, staging[slot], bytes, stream);
        cuEventRecord(stagingFree[slot], stream);
    }

    /** A device pointer at a byte offset (withByteOffset allocates: only used on chunked paths). */
    private static CUdeviceptr at(DevicePtr base, long offset) {
        return offset == 0 ? base : base.withByteOffset(offset);
    }

    @Override
    public float[] download(Buffer src) {
        bind();
        CudaBuffer s = b(src);
        float[] out = new float[Math.toIntExact(s.size())];
        try {
            cuStreamSynchronize(stream); // the only place the host waits for the device
        } catch (CudaException e) {
            throw new IllegalStateException("a queued CUDA operation failed (seen when copying a result to the host): "
                    + e.getMessage() + "; rerun with -Dcyclegan4j.cuda.sync=true to find which", e);
        }
        if (out.length > 0) {
            cuMemcpyDtoH(Pointer.to(out), s.ptr(), (long) out.length * Sizeof.FLOAT);
        }
        return out;
    }

    @Override
    public void copy(Buffer dst, Buffer src, long n) {
        bind();
        if (n > 0) {
            cuMemcpyDtoDAsync(p(dst), p(src), n * Sizeof.FLOAT, stream);
        }
    }

    @Override
    public void copyRange(Buffer dst, long dstOffset, Buffer src, long srcOffset, long n) {
        bind();
        if (n > 0) {
            cuMemcpyDtoDAsync(at(p(dst), dstOffset * Sizeof.FLOAT), at(p(src), srcOffset * Sizeof.FLOAT), n * Sizeof.FLOAT, stream);
        }
    }

    @Override
    public void fill(Buffer dst, float value, long n) {
        bind();
        if (n > 0) {
            cuMemsetD32Async(p(dst), Float.floatToRawIntBits(value), n, stream);
        }
    }

    @Override
    public void zero(Buffer[] dst, long[] n) {
        bind();
        TableArena.Placed t = chunkTable(n, dst);
        if (t != null) {
            ops.zero(t.address(), t.chunks());
        }
    }

    @Override
    public long liveBuffers() {
        return memory.liveBuffers();
    }

    @Override
    public MemoryStats memory() {
        return memory;
    }

    // ---- elementwise (KernelOps: the launch shapes and argument lists) ---------------------------

    @Override
    public void axpy(float alpha, Buffer x, Buffer y, long n) {
        bind();
        if (n <= 0) {
            return;
        }
        if (cublas == null) {
            ops.axpy(alpha, b(x), b(y), n);
            return;
        }
        alphaSlot[0] = alpha; // host pointer mode: cuBLAS reads alpha when the call is made
        for (long off = 0; off < n; off += Integer.MAX_VALUE) {
            int len = (int) Math.min(Integer.MAX_VALUE, n - off);
            JCublas2.cublasSaxpy(cublas, len, alphaPtr, at(p(x), off * Sizeof.FLOAT), 1, at(p(y), off * Sizeof.FLOAT), 1);
        }
    }

    @Override
    public void scale(Buffer out, Buffer in, float alpha, long n) {
        bind();
        ops.scale(b(out), b(in), alpha, n);
    }

    @Override
    public void add(Buffer out, Buffer a, Buffer bb, long n) {
        bind();
        ops.add(b(out), b(a), b(bb), n);
    }

    @Override
    public void leakyReluForward(Buffer out, Buffer in, float slope, long n) {
        bind();
        ops.leakyReluForward(b(out), b(in), slope, n);
    }

    @Override
    public void leakyReluBackward(Buffer dIn, Buffer dOut, Buffer in, float slope, long n) {
        bind();
        ops.leakyReluBackward(b(dIn), b(dOut), b(in), slope, n);
    }

    @Override
    public void tanhForward(Buffer out, Buffer in, long n) {
        bind();
        ops.tanhForward(b(out), b(in), n);
    }

    @Override
    public void tanhBackward(Buffer dIn, Buffer dOut, Buffer out, long n) {
        bind();
        ops.tanhBackward(b(dIn), b(dOut), b(out), n);
    }

    // ---- reductions and losses ------------------------------------------------------------------

    @Override
    public void meanForward(Buffer out, Buffer in, long n) {
        bind();
        ops.meanForward(b(out), b(in), n);
    }

    @Override
    public void sumOfSquares(Buffer out, Buffer[] in, long[] n) {
        bind();
        TableArena.Placed t = chunkTable(n, in);
        if (t != null) {
            ops.sumOfSquares(b(out), t.address(), t.chunks());
        }
    }

    /**
     * The chunk table of lists of buffers (entry k: buffers[0][k], buffers[1][k], ..., each read for
     * {@code n[k]} floats) on the device; null when every n[k] is 0.
     */
    private TableArena.Placed chunkTable(long[] n, Buffer[]... buffers) {
        long[][] addresses = new long[buffers.length][n.length];
        for (int w = 0; w < buffers.length; w++) {
            if (buffers[w].length != n.length) {
                throw new IllegalArgumentException("a list of " + buffers[w].length + " buffers for " + n.length + " lengths");
            }
            for (int k = 0; k < n.length; k++) {
                CudaBuffer buf = b(buffers[w][k]);
                if (n[k] > buf.size()) {
                    throw new IllegalArgumentException(n[k] + " floats of a buffer of " + buf.size());
                }
                addresses[w][k] = buf.ptr().address();
            }
        }
        long[] key = ChunkTable.key(addresses, n);
        return key.length == 0 ? null : tables.place(buffers.length, key);
    }

    @Override
    public void meanBackward(Buffer dIn, Buffer dOut, long n) {
        bind();
        ops.meanBackward(b(dIn), b(dOut), n);
    }

    @Override
    public void mseLossForward(Buffer out, Buffer a, Buffer bb, long n) {
        bind();
        ops.mseLossForward(b(out), b(a), b(bb), n);
    }

    @Override
    public void mseLossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer bb, long n) {
        bind();
        ops.mseLossBackward(b(dA), b(dOut), b(a), b(bb), n);
    }

    @Override
    public void l1LossForward(Buffer out, Buffer a, Buffer bb, long n) {
        bind();
        ops.l1LossForward(b(out), b(a), b(bb), n);
    }

    @Override
    public void l1LossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer bb, long n) {
        bind();
        ops.l1LossBackward(b(dA), b(dOut), b(a), b(bb), n);
    }

    // ---- spatial ------------------------------------------------------------------------------

    @Override
    public void reflectionPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int left, int right, int top, int bottom) {
        bind();
        ops.reflectionPad2dForward(b(out), b(in), planes, h, w, left, right, top, bottom);
    }

    @Override
    public void reflectionPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int left, int right, int top, int bottom) {
        bind();
        ops.reflectionPad2dBackward(b(dIn), b(dOut), planes, h, w, left, right, top, bottom);
    }

    @Override
    public void zeroPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int left, int right, int top, int bottom) {
        bind();
        ops.zeroPad2dForward(b(out), b(in), planes, h, w, left, right, top, bottom);
    }

    @Override
    public void zeroPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int left, int right, int top, int bottom) {
        bind();
        ops.zeroPad2dBackward(b(dIn), b(dOut), planes, h, w, left, right, top, bottom);
    }

    @Override
    public void instanceNormForward(Buffer out, Buffer mean, Buffer rstd, Buffer in, int planes, int hw, float eps,
                                    boolean activate, float slope) {
        bind();
        ops.instanceNormForward(b(out), b(mean), b(rstd), b(in), planes, hw, eps, activate, slope);
    }

    @Override
    public void instanceNormBackward(Buffer dIn, Buffer dOut, Buffer in, Buffer mean, Buffer rstd, int planes, int hw,
                                     boolean activate, float slope) {
        bind();
        ops.instanceNormBackward(b(dIn), b(dOut), b(in), b(mean), b(rstd), planes, hw, activate, slope);
    }

    @Override
    public void upsampleNearestForward(Buffer out, Buffer in, int planes, int h, int w, int factor) {
        bind();
        ops.upsampleNearestForward(b(out), b(in), planes, h, w, factor);
    }

    @Override
    public void upsampleNearestBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int factor) {
        bind();
        ops.upsampleNearestBackward(b(dIn), b(dOut), planes, h, w, factor);
    }

    // ---- convolution --------------------------------------------------------------------------

    @Override
    public void conv2dForward(Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        bind();
        conv.forward(p(out), p(in), p(weight), s);
        if (bias != null) {
            ops.convBiasForward(b(out), b(bias), s);
        }
    }

    @Override
    public void conv2dBackward(Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight, ConvShape s) {
        bind();
        if (dIn != null) {
            conv.backwardData(p(dIn), p(dOut), p(weight), s);
        }
        if (dWeight != null) {
            conv.backwardFilter(p(dWeight), p(dOut), p(in), s);
        }
        if (dBias != null) {
            ops.convBiasBackward(b(dBias), b(dOut), s);
        }
    }

    @Override
    public void channelBiasForward(Buffer out, Buffer bias, int n, int c, int h, int w) {
        bind();
        ops.channelBiasForward(b(out), b(bias), n, c, h, w);
    }

    @Override
    public void channelBiasBackward(Buffer dBias, Buffer dOut, int n, int c, int hw) {
        bind();
        ops.channelBiasBackward(b(dBias), b(dOut), n, c, hw);
    }

    /** The phase form ({@link PhaseUpsampleConv}) unless -Dcyclegan4j.cuda.phaseUpsampleConv=false. */
    @Override
    public void upsampleConv2dForward(Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        bind();
        if (phaseUpsampleConv) {
            PhaseUpsampleConv.forward(this, ops, out, in, weight, bias, s);
        } else {
            Backend.super.upsampleConv2dForward(out, in, weight, bias, s);
        }
    }

    @Override
    public void upsampleConv2dBackward(Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight,
                                       ConvShape s) {
        bind();
        if (phaseUpsampleConv) {
            PhaseUpsampleConv.backward(this, ops, dIn, dWeight, dBias, dOut, in, weight, s);
        } else {
            Backend.super.upsampleConv2dBackward(dIn, dWeight, dBias, dOut, in, weight, s);
        }
    }

    // ---- optimizer ----------------------------------------------------------------------------

    @Override
    public void adamUpdate(Buffer[] param, Buffer[] grad, Buffer[] m, Buffer[] v, long[] n,
                           float lr, float beta1, float beta2, float eps, int step) {
        bind();
        TableArena.Placed t = chunkTable(n, param, grad, m, v);
        if (t != null) {
            ops.adamUpdate(t.address(), t.chunks(), lr, beta1, beta2, eps, step);
        }
    }
}
