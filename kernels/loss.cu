// loss.cu - MSE and L1 losses with reduction 'mean' (PyTorch's MSELoss / L1Loss).
//
// Maths (n elements, a = prediction, b = target):
//   mse:  out[0] = sum((a - b)^2) / n          dA[i] = (2 * dOut[0] / n) * (a[i] - b[i])
//   l1:   out[0] = sum(|a - b|) / n            dA[i] = (dOut[0] / n) * sign(a[i] - b[i])
//   sign(0) = 0 (and sign keeps NaN and -0) exactly as Java's Math.signum, i.e. as PyTorch.
//
// Forward is a deterministic two-pass reduction: <loss>_partial (grid chosen from n alone; each
// thread sums its strided terms in fp32, then a block reduction writes partials[blockIdx.x]),
// then loss_finish (one block of 1024 threads) writes out[0] = sum(partials) / n. The scalar stays
// on the device. Backward reads the upstream gradient dOut[0] from device memory (no host sync);
// it is a 1-D grid-stride loop.
#include "common.cuh"

extern "C" __global__ void mse_partial(float* __restrict__ partials, const float* __restrict__ a,
                                       const float* __restrict__ b, long long n) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    CG_GRID_STRIDE(i, n) {
        const float d = a[i] - b[i];
        acc += d * d;
    }
    float total = cg_block_sum(acc, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

extern "C" __global__ void l1_partial(float* __restrict__ partials, const float* __restrict__ a,
                                      const float* __restrict__ b, long long n) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    CG_GRID_STRIDE(i, n) {
        acc += fabsf(a[i] - b[i]);
    }
    float total = cg_block_sum(acc, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

extern "C" __global__ void loss_finish(float* __restrict__ out, const float* __restrict__ partials, int count, long long n) {
    cg_finish_partials(out, partials, count, (float)n);
}

extern "C" __global__ void mse_backward(float* __restrict__ dA, const float* __restrict__ dOut,
                                        const float* __restrict__ a, const float* __restrict__ b, long long n) {
    const float k = 2.0f * dOut[0] / (float)n;
    CG_GRID_STRIDE(i, n) {
        dA[i] = k * (a[i] - b[i]);
    }
}

extern "C" __global__ void l1_backward(float* __restrict__ dA, const float* __restrict__ dOut,
                                       const float* __restrict__ a, const float* __restrict__ b, long long n) {
    const float k = dOut[0] / (float)n;
    CG_GRID_STRIDE(i, n) {
        const float d = a[i] - b[i];
        const float s = d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : d);  // Math.signum: keeps 0, -0, NaN
        dA[i] = k * s;
    }
}
