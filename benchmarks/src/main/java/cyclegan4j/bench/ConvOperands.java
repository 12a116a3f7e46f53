package cyclegan4j.bench;

import cyclegan4j.backend.Buffer;
import cyclegan4j.backend.ConvShape;

/**
 * The buffers of one convolution benchmark: input, weights and bias (random), output, output
 * gradient (random), and the three gradients, made through the benchmark so that it closes them.
 */
final class ConvOperands {

    final Buffer x, weight, bias, y, dy, dx, dWeight, dBias;

    /** @param inputs floats of the input (the convolution's own, or the smaller one an op upsamples first) */
    ConvOperands(OpBench bench, ConvShape s, long inputs) {
        long outputs = (long) s.n() * s.cOut() * s.outH() * s.outW(), weights = (long) s.cOut() * s.patch();
        x = bench.random(inputs);
        weight = bench.random(weights);
        bias = bench.random(s.cOut());
        y = bench.filled(outputs, 0f);
        dy = bench.random(outputs);
        dx = bench.filled(inputs, 0f);
        dWeight = bench.filled(weights, 0f);
        dBias = bench.filled(s.cOut(), 0f);
    }
}
