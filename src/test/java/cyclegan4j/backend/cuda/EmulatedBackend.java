package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.MemoryStats;
import cyclegan4j.backend.ConvShape;
import cyclegan4j.backend.cpu.CpuBackend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Backend whose kernel primitives are the CUDA backend's own {@link KernelOps} (same kernels, launch
 * shapes and argument lists), executed by the host emulator of kernels/emu/ instead of a GPU.
 * Memory is host arrays; convolutions are the CPU's (cuDNN cannot be emulated) plus the emulated
 * bias kernels. Lets the GPU parity cases run on a machine without a GPU.
 */
final class EmulatedBackend implements Backend {

    /** Kernels that use __syncthreads / warp shuffles: one OS thread per CUDA thread. */
    private static final Set<KernelSpec> THREADED = EnumSet.of(KernelSpec.MEAN_PARTIAL, KernelSpec.MEAN_FINISH,
            KernelSpec.SUMSQ_CHUNKS_PARTIAL, KernelSpec.SUM_ACCUMULATE, KernelSpec.MSE_PARTIAL, KernelSpec.L1_PARTIAL, KernelSpec.LOSS_FINISH, KernelSpec.INSTANCE_NORM_FORWARD,
            KernelSpec.INSTANCE_NORM_BACKWARD, KernelSpec.INSTANCE_NORM_FORWARD_REGS, KernelSpec.INSTANCE_NORM_BACKWARD_REGS,
            KernelSpec.CONV_BIAS_BACKWARD);

    /** Host memory standing in for a device buffer. */
    static final class EmuBuffer implements Buffer {
        private final MemoryStats stats;
        float[] data;

        EmuBuffer(long n, MemoryStats stats) {
            this.data = new float[Math.toIntExact(n)];
            this.stats = stats;
            stats.allocated(4 * n);
        }

        float[] data() {
            if (data == null) {
                throw new IllegalStateException("emulated buffer used after close");
            }
            return data;
        }

        @Override
        public long size() {
            return data().length;
        }

        @Override
        public boolean isClosed() {
            return data == null;
        }

        @Override
        public void close() {
            if (data != null) {
                stats.freed(4L * data.length);
                data = null;
            }
        }
    }

    /** A chunk table for sumsq_chunks_partial and the buffers its stand-in addresses point into. */
    record EmuTable(long[] table, int width, int chunks, Buffer[] buffers) implements Buffer {
        @Override
        public long size() {
            return table.length;
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    private final Path emulator;
    private final Path dir;
    private final MemoryStats memory = new MemoryStats();
    private final KernelOps ops;
    private final EmuBuffer partials;
    int launches;
    final Set<KernelSpec> launched = EnumSet.noneOf(KernelSpec.class);

    EmulatedBackend(Path emulator, Path dir) {
        this.emulator = emulator;
        this.dir = dir;
        this.partials = new EmuBuffer(KernelOps.MAX_PARTIALS, new MemoryStats());
        this.ops = new KernelOps(this::launch, partials);
    }

    private void launch(KernelSpec k, int grid, int block, Object... args) {
        launches++;
        launched.add(k);
        Kernel.check(k, args); // the same argument check as a real launch
        String sig = k.signature;
        List<String> cmd = new ArrayList<>(List.of(emulator.toString(), k.function, Integer.toString(grid),
                Integer.toString(block), THREADED.contains(k) ? "thr" : "seq"));
        Map<EmuBuffer, Path> files = new IdentityHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                switch (sig.charAt(i)) {
                    case 'p' -> {
                        if (a instanceof EmuTable t) {
                            Path tf = dir.resolve("table" + i + ".i64");
                            ByteBuffer bb = ByteBuffer.allocate(t.table().length * 8).order(ByteOrder.LITTLE_ENDIAN);
                            bb.asLongBuffer().put(t.table());
                            Files.write(tf, bb.array());
                            List<String> names = new ArrayList<>();
                            for (Buffer b : t.buffers()) {
                                names.add(file(files, (EmuBuffer) b).toString());
                            }
                            cmd.add("r:" + tf + ":" + t.width() + ":" + String.join(",", names));
                        } else {
                            cmd.add("p:" + file(files, (EmuBuffer) a));
                        }
                    }
                    case 'l' -> cmd.add("l:" + ((Number) a).longValue());
                    case 'i' -> cmd.add("i:" + (Integer) a);
                    case 'f' -> cmd.add("f:" + Integer.toHexString(Float.floatToRawIntBits((Float) a)));
                    default -> throw new IllegalStateException();
                }
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("emulated " + k.function + " failed: " + out);
            }
            for (Map.Entry<EmuBuffer, Path> e : files.entrySet()) {
                read(e.getValue(), e.getKey().data());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The file a buffer goes to the emulator in, written once per launch. */
    private Path file(Map<EmuBuffer, Path> files, EmuBuffer b) throws IOException {
        Path f = files.get(b);
        if (f == null) {
            f = dir.resolve("buf" + files.size() + ".f32");
            write(f, b.data());
            files.put(b, f);
        }
        return f;
    }

    private static void write(Path f, float[] v) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        Files.write(f, bb.array());
    }

    private static void read(Path f, float[] v) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            while (bb.hasRemaining() && ch.read(bb) >= 0) {
                // keep reading
            }
            bb.flip();
            bb.asFloatBuffer().get(v);
        }
    }

    private static EmuBuffer e(Buffer b) {
        return (EmuBuffer) b;
    }

    @Override
    public String name() {
        return "cuda-emulated";
    }

    @Override
    public Buffer allocate(long n) {
        return new EmuBuffer(n, memory);
    }

    @Override
    public void upload(Buffer dst, float[] src) {
        System.arraycopy(src, 0, e(dst).data(), 0, src.length);
    }

    @Override
    public float[] download(Buffer src) {
        return e(src).data().clone();
    }

    @Override
    public void copy(Buffer dst, Buffer src, long n) {
        System.arraycopy(e(src).data(), 0, e(dst).data(), 0, (int) n);
    }

    @Override
    public void copyRange(Buffer dst, long dstOffset, Buffer src, long srcOffset, long n) {
        System.arraycopy(e(src).data(), (int) srcOffset, e(dst).data(), (int) dstOffset, (int) n);
    }

    @Override
    public void fill(Buffer dst, float value, long n) {
        java.util.Arrays.fill(e(dst).data(), 0, (int) n, value);
    }

    @Override
    public MemoryStats memory() {
        return memory;
    }

    @Override
    public long liveBuffers() {
        return memory.liveBuffers();
    }

    @Override
    public void axpy(float alpha, Buffer x, Buffer y, long n) {
        ops.axpy(alpha, x, y, n);
    }

    @Override
    public void scale(Buffer out, Buffer in, float alpha, long n) {
        ops.scale(out, in, alpha, n);
    }

    @Override
    public void add(Buffer out, Buffer a, Buffer b, long n) {
        ops.add(out, a, b, n);
    }

    @Override
    public void leakyReluForward(Buffer out, Buffer in, float slope, long n) {
        ops.leakyReluForward(out, in, slope, n);
    }

    @Override
    public void leakyReluBackward(Buffer dIn, Buffer dOut, Buffer in, float slope, long n) {
        ops.leakyReluBackward(dIn, dOut, in, slope, n);
    }

    @Override
    public void tanhForward(Buffer out, Buffer in, long n) {
        ops.tanhForward(out, in, n);
    }

    @Override
    public void tanhBackward(Buffer dIn, Buffer dOut, Buffer out, long n) {
        ops.tanhBackward(dIn, dOut, out, n);
    }

    @Override
    public void meanForward(Buffer out, Buffer in, long n) {
        ops.meanForward(out, in, n);
    }

    @Override
    public void meanBackward(Buffer dIn, Buffer dOut, long n) {
        ops.meanBackward(dIn, dOut, n);
    }

    @Override
    public void zero(Buffer[] dst, long[] n) {
        EmuTable t = table(n, dst);
        ops.zero(t, t.chunks());
    }

    @Override
    public void sumOfSquares(Buffer out, Buffer[] in, long[] n) {
        EmuTable t = table(n, in);
        ops.sumOfSquares(out, t, t.chunks());
    }

    /**
     * The CUDA backend's chunk table, with stand-in addresses ((j &lt;&lt; 40) + byte offset into
     * the j-th buffer of the lists, taken in order) that the emulator replaces by its own ("r:").
     */
    private static EmuTable table(long[] n, Buffer[]... lists) {
        long[][] addresses = new long[lists.length][n.length];
        List<Buffer> all = new ArrayList<>();
        for (int w = 0; w < lists.length; w++) {
            for (int k = 0; k < n.length; k++) {
                addresses[w][k] = (long) all.size() << 40;
                all.add(lists[w][k]);
            }
        }
        long[] key = ChunkTable.key(addresses, n);
        return new EmuTable(ChunkTable.build(key, lists.length), lists.length, ChunkTable.chunks(key, lists.length),
                all.toArray(new Buffer[0]));
    }

    @Override
    public void mseLossForward(Buffer out, Buffer a, Buffer b, long n) {
        ops.mseLossForward(out, a, b, n);
    }

    @Override
    public void mseLossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer b, long n) {
        ops.mseLossBackward(dA, dOut, a, b, n);
    }

    @Override
    public void l1LossForward(Buffer out, Buffer a, Buffer b, long n) {
        ops.l1LossForward(out, a, b, n);
    }

    @Override
    public void l1LossBackward(Buffer dA, Buffer dOut, Buffer a, Buffer b, long n) {
        ops.l1LossBackward(dA, dOut, a, b, n);
    }

    @Override
    public void reflectionPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int l, int r, int t, int b) {
        ops.reflectionPad2dForward(out, in, planes, h, w, l, r, t, b);
    }

    @Override
    public void reflectionPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int l, int r, int t, int b) {
        ops.reflectionPad2dBackward(dIn, dOut, planes, h, w, l, r, t, b);
    }

    @Override
    public void zeroPad2dForward(Buffer out, Buffer in, int planes, int h, int w, int l, int r, int t, int b) {
        ops.zeroPad2dForward(out, in, planes, h, w, l, r, t, b);
    }

    @Override
    public void zeroPad2dBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int l, int r, int t, int b) {
        ops.zeroPad2dBackward(dIn, dOut, planes, h, w, l, r, t, b);
    }

    @Override
    public void instanceNormForward(Buffer out, Buffer mean, Buffer rstd, Buffer in, int planes, int hw, float eps,
                                    boolean activate, float slope) {
        ops.instanceNormForward(out, mean, rstd, in, planes, hw, eps, activate, slope);
    }

    @Override
    public void instanceNormBackward(Buffer dIn, Buffer dOut, Buffer in, Buffer mean, Buffer rstd, int planes, int hw,
                                     boolean activate, float slope) {
        ops.instanceNormBackward(dIn, dOut, in, mean, rstd, planes, hw, activate, slope);
    }

    @Override
    public void upsampleNearestForward(Buffer out, Buffer in, int planes, int h, int w, int factor) {
        ops.upsampleNearestForward(out, in, planes, h, w, factor);
    }

    @Override
    public void upsampleNearestBackward(Buffer dIn, Buffer dOut, int planes, int h, int w, int factor) {
        ops.upsampleNearestBackward(dIn, dOut, planes, h, w, factor);
    }

    private static Buffer onCpu(Buffer b) {
        if (b == null) {
            return null;
        }
        Buffer c = CpuBackend.get().allocate(b.size());
        CpuBackend.get().upload(c, e(b).data());
        return c;
    }

    private static void back(Buffer cpu, Buffer emu) {
        if (cpu != null) {
            System.arraycopy(CpuBackend.get().download(cpu), 0, e(emu).data(), 0, (int) emu.size());
            cpu.close();
        }
    }

    /** The CUDA backend's phase form, with its emulated kernels and the CPU's convolution. */
    @Override
    public void upsampleConv2dForward(Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        PhaseUpsampleConv.forward(this, ops, out, in, weight, bias, s);
    }

    @Override
    public void upsampleConv2dBackward(Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight,
                                       ConvShape s) {
        PhaseUpsampleConv.backward(this, ops, dIn, dWeight, dBias, dOut, in, weight, s);
    }

    @Override
    public void channelBiasForward(Buffer out, Buffer bias, int n, int c, int h, int w) {
        ops.channelBiasForward(out, bias, n, c, h, w);
    }

    @Override
    public void channelBiasBackward(Buffer dBias, Buffer dOut, int n, int c, int hw) {
        ops.channelBiasBackward(dBias, dOut, n, c, hw);
    }

    /** The convolution itself on the CPU (stands in for cuDNN), the bias through the emulated kernel. */
    @Override
    public void conv2dForward(Buffer out, Buffer in, Buffer weight, Buffer bias, ConvShape s) {
        Buffer o = onCpu(out), i = onCpu(in), w = onCpu(weight);
        CpuBackend.get().conv2dForward(o, i, w, null, s);
        back(o, out);
        i.close();
        w.close();
        if (bias != null) {
            ops.convBiasForward(out, bias, s);
        }
    }

    @Override
    public void conv2dBackward(Buffer dIn, Buffer dWeight, Buffer dBias, Buffer dOut, Buffer in, Buffer weight, ConvShape s) {
        Buffer di = onCpu(dIn), dw = onCpu(dWeight), dy = onCpu(dOut), x = onCpu(in), w = onCpu(weight);
        CpuBackend.get().conv2dBackward(di, dw, null, dy, x, w, s);
        back(di, dIn);
        back(dw, dWeight);
        dy.close();
        if (x != null) {
            x.close();
        }
        w.close();
        if (dBias != null) {
            ops.convBiasBackward(dBias, dOut, s);
        }
    }

    @Override
    public void adamUpdate(Buffer[] param, Buffer[] grad, Buffer[] m, Buffer[] v, long[] n,
                           float lr, float beta1, float beta2, float eps, int step) {
        EmuTable t = table(n, param, grad, m, v);
        ops.adamUpdate(t, t.chunks(), lr, beta1, beta2, eps, step);
    }
}
