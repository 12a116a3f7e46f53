package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Gradient accumulation, y += alpha x ({@code Backend.axpy}: cuBLAS Saxpy on CUDA, or the axpy kernel
 * with {@code -jvmArgsAppend -Dcyclegan4j.cuda.cublas=false}), which autograd runs wherever two
 * gradients meet (the residual connections), at the generator's maps. Bytes: reads x and y, writes
 * y: 3n floats.
 */
public class AxpyBenchmark extends OpBench {

    @Param({"1x64x256x256", "1x128x128x128", "1x256x64x64"})
    public String shape;

    private Buffer x, y;
    private long n;

    @Override
    protected void allocate() {
        n = Shape.parse(shape).elements();
        x = random(n);
        y = random(n);
    }

    @Benchmark
    public void axpy(Bytes bytes) {
        bytes.add(repeat(() -> be.axpy(1e-3f, x, y, n)), 3.0 * n);
    }
}
