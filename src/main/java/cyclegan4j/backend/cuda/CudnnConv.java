package cyclegan4j.backend.cuda;

import cyclegan4j.backend.ConvShape;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnTensorDescriptor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.stream.Stream;

import static jcuda.jcudnn.JCudnn.*;
import static jcuda.jcudnn.cudnnConvolutionMode.CUDNN_CROSS_CORRELATION;
import static jcuda.jcudnn.cudnnDataType.CUDNN_DATA_FLOAT;
import static jcuda.jcudnn.cudnnDeterminism.CUDNN_DETERMINISTIC;
import static jcuda.jcudnn.cudnnMathType.CUDNN_DEFAULT_MATH;
import static jcuda.jcudnn.cudnnMathType.CUDNN_FMA_MATH;
import static jcuda.jcudnn.cudnnStatus.CUDNN_STATUS_SUCCESS;
import static jcuda.jcudnn.cudnnTensorFormat.CUDNN_TENSOR_NCHW;

/**
 * cuDNN convolutions: forward, backward data ({@code beta = 0}: the input gradient is written) and
 * backward filter ({@code beta = 1}: the weight gradient accumulates).
 *
 * <p>For each {@link ConvShape} a {@link Plan} caches the tensor, filter and convolution
 * descriptors, the algorithm of each direction and its workspace size. Algorithms come from
 * cuDNN's heuristics ({@code cudnnGet…_v7}, the first one that reports success), or from timed
 * runs ({@code cudnnFind…}) with {@code -Dcyclegan4j.cudnn.find=true}. The workspace is one pool
 * block shared by every shape (one stream runs one convolution at a time), grown when a shape needs
 * more.
 *
 * <p>Math: by default cuDNN may use TF32 tensor cores for these float32 convolutions, as PyTorch
 * allows for convolutions ({@code CUDNN_DEFAULT_MATH}, then the math type the chosen algorithm
 * reports). With TF32 off every descriptor is {@code CUDNN_FMA_MATH}: plain fp32 FMA, which the
 * parity tests use.
 *
 * <p>Some cuDNN algorithms (e.g. backward-filter algorithm 0) add with atomics, so two runs may differ in
 * the last bits, as in PyTorch; {@code -Dcyclegan4j.cudnn.deterministic=true} only accepts algorithms
 * that cuDNN reports as deterministic (PyTorch's {@code cudnn.deterministic}).
 */
final class CudnnConv implements AutoCloseable {

    private final CudaBackend backend;
    private final cudnnHandle handle;
    private final boolean allowTf32;
    private final boolean find;
    private final boolean deterministic = Boolean.getBoolean("cyclegan4j.cudnn.deterministic");
    private static final int RANKED = 8; // how many of cuDNN's ranked algorithms to look at
    /**
     * Plans kept, least recently used first. Training with --preprocess none meets new image sizes
     * all along (and translate does over a folder of photos), each bringing some 15 convolution
     * shapes: unbounded, the plans' descriptors would grow with every new size. Past the cap the
     * least recently used plan is destroyed; it is rebuilt (heuristics: microseconds) if its shape
     * comes back.
     */
    private final LinkedHashMap<ConvShape, Plan> plans = new LinkedHashMap<>(64, 0.75f, true);
    private int maxPlans = Integer.getInteger("cyclegan4j.cudnn.maxPlans", 4096);
    private final Pointer one = Pointer.to(new float[]{1f});
    private final Pointer zero = Pointer.to(new float[]{0f});
    private DevicePtr workspace;

    /** Descriptors, algorithms and workspace sizes for one geometry. */
    static final class Plan {
        final cudnnTensorDescriptor x = new cudnnTensorDescriptor();
        final cudnnTensorDescriptor y = new cudnnTensorDescriptor();
        final cudnnFilterDescriptor w = new cudnnFilterDescriptor();
        final cudnnConvolutionDescriptor fwd = new cudnnConvolutionDescriptor();
        final cudnnConvolutionDescriptor bwdData = new cudnnConvolutionDescriptor();
        final cudnnConvolutionDescriptor bwdFilter = new cudnnConvolutionDescriptor();
        int fwdAlgo = -1, bwdDataAlgo = -1, bwdFilterAlgo = -1;
        long fwdBytes, bwdDataBytes, bwdFilterBytes;
    }

    CudnnConv(CudaBackend backend, cudnnHandle handle, boolean allowTf32, boolean find) {
        this.backend = backend;
        this.handle = handle;
        this.allowTf32 = allowTf32;
        this.find = find;
    }

    boolean allowTf32() {
        return allowTf32;
    }

    int cachedPlans() {
        return plans.size();
    }

    /** For tests: keep at most {@code n} plans (the least recently used are destroyed first). */
    void maxPlans(int n) {
        maxPlans = Math.max(1, n);
        trim();
    }

    private void trim() {
        for (var it = plans.values().iterator(); plans.size() > maxPlans && it.hasNext(); ) {
            destroy(it.next()); // descriptors are host objects: the calls already queued no longer read them
            it.remove();
        }
    }

    void forward(DevicePtr out, DevicePtr in, DevicePtr weight, ConvShape s) {
        Plan p = plan(s);
        if (p.fwdAlgo < 0) {
            chooseForward(p, s);
        }
        DevicePtr ws = workspace(p.fwdBytes);
        try {
            cudnnConvolutionForward(handle, one, p.x, in, p.w, weight, p.fwd, p.fwdAlgo, ws, p.fwdBytes, zero, p.y, out);
        } catch (CudaException e) {
            throw fail("forward", s, e);
        }
    }

    /** dIn = conv_transpose(dOut, weight), written (beta 0). */
    void backwardData(DevicePtr dIn, DevicePtr dOut, DevicePtr weight, ConvShape s) {
        Plan p = plan(s);
        if (p.bwdDataAlgo < 0) {
            chooseBackwardData(p, s);
        }
        DevicePtr ws = workspace(p.bwdDataBytes);
        try {
            cudnnConvolutionBackwardData(handle, one, p.w, weight, p.y, dOut, p.bwdData, p.bwdDataAlgo, ws, p.bwdDataBytes,
                    zero, p.x, dIn);
        } catch (CudaException e) {
            throw fail("backward data", s, e);
        }
    }

    /** dWeight += corr(in, dOut) (beta 1). */
    void backwardFilter(DevicePtr dWeight, DevicePtr dOut, DevicePtr in, ConvShape s) {
        Plan p = plan(s);
        if (p.bwdFilterAlgo < 0) {
            chooseBackwardFilter(p, s);
        }
        DevicePtr ws = workspace(p.bwdFilterBytes);
        try {
            cudnnConvolutionBackwardFilter(handle, one, p.x, in, p.y, dOut, p.bwdFilter, p.bwdFilterAlgo, ws, p.bwdFilterBytes,
                    one, p.w, dWeight);
        } catch (CudaException e) {
            throw fail("backward filter", s, e);
        }
    }

    private Plan plan(ConvShape s) {
        Plan p = plans.get(s);
        if (p != null) {
            return p;
        }
        p = new Plan();
        try {
            cudnnCreateTensorDescriptor(p.x);
            cudnnSetTensor4dDescriptor(p.x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.n(), s.cIn(), s.h(), s.w());
            cudnnCreateTensorDescriptor(p.y);
            cudnnSetTensor4dDescriptor(p.y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.n(), s.cOut(), s.outH(), s.outW());
            cudnnCreateFilterDescriptor(p.w);
            cudnnSetFilter4dDescriptor(p.w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, s.cOut(), s.cIn(), s.kh(), s.kw());
            for (cudnnConvolutionDescriptor d : new cudnnConvolutionDescriptor[]{p.fwd, p.bwdData, p.bwdFilter}) {
                cudnnCreateConvolutionDescriptor(d);
                cudnnSetConvolution2dDescriptor(d, s.pad(), s.pad(), s.stride(), s.stride(), 1, 1,
                        CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT);
                cudnnSetConvolutionMathType(d, allowTf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH);
            }
        } catch (CudaException e) {
            throw fail("descriptor setup", s, e);
        }
        plans.put(s, p);
        trim(); // the new plan is the most recently used: it stays
        return p;
    }

    /** One entry of cuDNN's ranked algorithm list (its three perf classes share these fields). */
    private record Candidate(int algo, int status, int mathType, int determinism) {
    }

    /**
     * The first candidate that succeeded (and, with -Dcyclegan4j.cudnn.deterministic=true, is
     * deterministic); its math type goes on the descriptor when TF32 is allowed. With TF32 off the
     * descriptor stays CUDNN_FMA_MATH whatever the entry reports (the descriptor is what cuDNN obeys).
     */
    private Candidate pick(Stream<Candidate> ranked, cudnnConvolutionDescriptor d, String what, ConvShape s) {
        Candidate c = ranked
                .filter(e -> e.status() == CUDNN_STATUS_SUCCESS && e.mathType() >= 0
                        && (!deterministic || e.determinism() == CUDNN_DETERMINISTIC))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("cuDNN found no " + what + " algorithm for " + s));
        if (allowTf32) {
            cudnnSetConvolutionMathType(d, c.mathType());
        }
        return c;
    }

    private void chooseForward(Plan p, ConvShape s) {
        cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[RANKED];
        Arrays.setAll(perf, i -> new cudnnConvolutionFwdAlgoPerf());
        int[] count = new int[1];
        long[] bytes = new long[1];
        try {
            if (find) {
                cudnnFindConvolutionForwardAlgorithm(handle, p.x, p.w, p.fwd, p.y, RANKED, count, perf);
            } else {
                cudnnGetConvolutionForwardAlgorithm_v7(handle, p.x, p.w, p.fwd, p.y, RANKED, count, perf);
            }
            p.fwdAlgo = pick(Arrays.stream(perf, 0, count[0]).map(e -> new Candidate(e.algo, e.status, e.mathType, e.determinism)),
                    p.fwd, "forward", s).algo();
            cudnnGetConvolutionForwardWorkspaceSize(handle, p.x, p.w, p.fwd, p.y, p.fwdAlgo, bytes);
            p.fwdBytes = bytes[0];
        } catch (CudaException e) {
            throw fail("forward algorithm choice", s, e);
        }
    }

    private void chooseBackwardData(Plan p, ConvShape s) {
        cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[RANKED];
        Arrays.setAll(perf, i -> new cudnnConvolutionBwdDataAlgoPerf());
        int[] count = new int[1];
        long[] bytes = new long[1];
        try {
            if (find) {
                cudnnFindConvolutionBackwardDataAlgorithm(handle, p.w, p.y, p.bwdData, p.x, RANKED, count, perf);
            } else {
                cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, p.w, p.y, p.bwdData, p.x, RANKED, count, perf);
            }
            p.bwdDataAlgo = pick(Arrays.stream(perf, 0, count[0]).map(e -> new Candidate(e.algo, e.status, e.mathType, e.determinism)),
                    p.bwdData, "backward-data", s).algo();
            cudnnGetConvolutionBackwardDataWorkspaceSize(handle, p.w, p.y, p.bwdData, p.x, p.bwdDataAlgo, bytes);
            p.bwdDataBytes = bytes[0];
        } catch (CudaException e) {
            throw fail("backward-data algorithm choice", s, e);
        }
    }

    private void chooseBackwardFilter(Plan p, ConvShape s) {
        cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[RANKED];
        Arrays.setAll(perf, i -> new cudnnConvolutionBwdFilterAlgoPerf());
        int[] count = new int[1];
        long[] bytes = new long[1];
        try {
            if (find) {
                cudnnFindConvolutionBackwardFilterAlgorithm(handle, p.x, p.y, p.bwdFilter, p.w, RANKED, count, perf);
            } else {
                cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, p.x, p.y, p.bwdFilter, p.w, RANKED, count, perf);
            }
            p.bwdFilterAlgo = pick(Arrays.stream(perf, 0, count[0]).map(e -> new Candidate(e.algo, e.status, e.mathType, e.determinism)),
                    p.bwdFilter, "backward-filter", s).algo();
            cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, p.x, p.y, p.bwdFilter, p.w, p.bwdFilterAlgo, bytes);
            p.bwdFilterBytes = bytes[0];
        } catch (CudaException e) {
            throw fail("backward-filter algorithm choice", s, e);
        }
    }

    /** The shared workspace, grown (through the pool) to at least {@code bytes}; null for 0 bytes. */
    private DevicePtr workspace(long bytes) {
        if (bytes == 0) {
            return null;
        }
        if (workspace == null || workspace.bytes < bytes) {
            if (workspace != null) {
                backend.pool().release(workspace); // stream order keeps queued users safe
            }
            workspace = backend.pool().acquire(bytes);
        }
        return workspace;
    }

    private static void destroy(Plan p) {
        cudnnDestroyTensorDescriptor(p.x);
        cudnnDestroyTensorDescriptor(p.y);
        cudnnDestroyFilterDescriptor(p.w);
        cudnnDestroyConvolutionDescriptor(p.fwd);
        cudnnDestroyConvolutionDescriptor(p.bwdData);
        cudnnDestroyConvolutionDescriptor(p.bwdFilter);
    }

    private static IllegalStateException fail(String what, ConvShape s, CudaException e) {
        return new IllegalStateException("cuDNN convolution " + what + " failed for " + s + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        plans.values().forEach(CudnnConv::destroy);
        plans.clear();
        if (workspace != null) {
            backend.pool().release(workspace);
            workspace = null;
        }
    }
}
