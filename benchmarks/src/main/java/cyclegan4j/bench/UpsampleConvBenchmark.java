package cyclegan4j.bench;

import cyclegan4j.backend.ConvShape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The decoder's nearest 2x upsampling + 3x3 convolution as one op ({@code Backend.upsampleConv2d*},
 * what the generator's u128 and u64 run). {@code upsampledLayer} is the convolution on the
 * upsampled image, in {@link Shape}'s {@code NxCxHxW:OkKsSpP} form (3x3, stride 1, pad 1, even H
 * and W); the op's input has half that height and width. Its own parameter name, not
 * {@code layer}, so that a {@code -p layer=...} for {@link ConvBenchmark} does not reach it.
 *
 * <p>{@code gflops} counts the convolution on the upsampled image ({@link ConvShape#flops()}, twice
 * that backward), as {@link ConvBenchmark} does for its u128 layer, so the two rates compare
 * directly: the fused op's gain is the ratio. The CPU and CUDA backends' phase forms do 4/9 of
 * those FLOPs; the composite (the Backend default, CUDA's with
 * {@code -Dcyclegan4j.cuda.phaseUpsampleConv=false}) upsamples into a temporary and convolves it.
 */
public class UpsampleConvBenchmark extends OpBench {

    @Param({"1x256x128x128:128k3s1p1", "1x128x256x256:64k3s1p1"})
    public String upsampledLayer;

    private ConvShape s;
    private ConvOperands o;

    @Override
    protected void allocate() {
        s = Shape.conv(upsampledLayer).requireUpsampledConv();
        o = new ConvOperands(this, s, (long) s.n() * s.cIn() * (s.h() / 2) * (s.w() / 2));
    }

    @Benchmark
    public void forward(Flops flops) {
        flops.gflops += repeat(() -> be.upsampleConv2dForward(o.y, o.x, o.weight, o.bias, s)) * s.flops() / 1e9;
    }

    @Benchmark
    public void backward(Flops flops) {
        flops.gflops += repeat(() -> be.upsampleConv2dBackward(o.dx, o.dWeight, o.dBias, o.dy, o.x, o.weight, s)) * 2 * s.flops() / 1e9;
    }
}
