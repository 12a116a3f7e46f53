package cyclegan4j.bench;

import cyclegan4j.backend.ConvShape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Convolution through the Backend's primitives (im2col + GEMM on the CPU, cuDNN on CUDA), with bias,
 * at the model's layers ({@code layer} is {@code NxCxHxW:OkKsSpP}, see {@link Shape}): the
 * generator's c7s1-64 (7x7 on the reflection-padded image), d128 and d256 (3x3 stride 2), a
 * residual-block conv (3x3 on the reflection-padded 66x66 map: the GEMM of {@link GemmBenchmark},
 * M = 256, N = 4096, K = 2304) and u128 (3x3 after the first upsampling, its most FLOP), and the
 * discriminator's second conv (4x4 stride 2).
 *
 * <ul>
 *   <li>{@code forward}: {@code conv2dForward}, output plus bias.</li>
 *   <li>{@code backward}: {@code conv2dBackward} with all three gradients: input (written), weight
 *       and bias (accumulated).</li>
 * </ul>
 * {@code gflops} counts {@link ConvShape#flops()} (2 x multiply-adds) for the forward pass and twice
 * that for the backward pass (data and filter); bias work, im2col/col2im and cuDNN's workspace
 * traffic are timed but not counted. On the CPU the engine uses the native BLAS when it loads;
 * {@code -jvmArgsAppend -Dcyclegan4j.gemm=java} runs it on the Java GEMM instead.
 */
public class ConvBenchmark extends OpBench {

    static final String RESIDUAL = "1x256x66x66:256k3s1p0";

    @Param({"1x3x262x262:64k7s1p0", "1x64x256x256:128k3s2p1", "1x128x128x128:256k3s2p1", RESIDUAL,
            "1x256x128x128:128k3s1p1", "1x64x128x128:128k4s2p1"})
    public String layer;

    private ConvShape s;
    private ConvOperands o;

    @Override
    protected void allocate() {
        s = Shape.conv(layer);
        o = new ConvOperands(this, s, (long) s.n() * s.cIn() * s.h() * s.w());
    }

    @Benchmark
    public void forward(Flops flops) {
        flops.gflops += repeat(() -> be.conv2dForward(o.y, o.x, o.weight, o.bias, s)) * s.flops() / 1e9;
    }

    @Benchmark
    public void backward(Flops flops) {
        flops.gflops += repeat(() -> be.conv2dBackward(o.dx, o.dWeight, o.dBias, o.dy, o.x, o.weight, s)) * 2 * s.flops() / 1e9;
    }
}
