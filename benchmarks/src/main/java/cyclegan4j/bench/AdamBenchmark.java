package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The fused Adam update ({@code Backend.adamUpdate}, the model's lr and betas, step 10), which an
 * optimizer runs once per step over all its parameters: 589824 is a residual block's 256x256x3x3
 * weight alone (18 of them hold 93% of the 9-block generator's parameters); generator is all 48
 * tensors of the 9-block generator (11,378,179 floats) in one call, as `train` runs it. Bytes: reads
 * param, grad, m, v and writes param, m, v: 7 floats per parameter.
 */
public class AdamBenchmark extends OpBench {

    @Param({"589824", "generator"})
    public String shape;

    private Buffer[] param, grad, m, v;
    private long[] n;
    private long total;

    @Override
    protected void allocate() {
        n = Shape.tensors(shape);
        int k = n.length;
        param = new Buffer[k];
        grad = new Buffer[k];
        m = new Buffer[k];
        v = new Buffer[k];
        total = 0;
        for (int i = 0; i < k; i++) {
            param[i] = random(n[i]);
            grad[i] = random(n[i]);
            m[i] = filled(n[i], 0f);
            v[i] = filled(n[i], 0f);
            total += n[i];
        }
    }

    @Benchmark
    public void update(Bytes bytes) {
        bytes.add(repeat(() -> be.adamUpdate(param, grad, m, v, n, 2e-4f, 0.5f, 0.999f, 1e-8f, 10)), 7.0 * total);
    }
}
