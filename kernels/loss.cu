// loss.cu - MSE and L1 losses with reduction 'mean' (PyTorch's MSELoss / L1Loss).
//
// Maths (n elements, a = prediction, b = target):
//   mse:  out[0] = sum((a - b)^2) / n          dA[i] = (2 * dOut[0] / n) * (a[i] - b[i])
//   l1:   out[0] = sum(|a - b|) / n            dA[i] = (dOut[0] / n) * sign(a[i] - b[i])
//   sign(0) = 0 (and sign keeps NaN and -0) exactly as Java's Math.signum, i.e. as PyTorch.
//
// Forward is a deterministic two-pass reduction: <loss>_partial (grid chosen from n alone; each
// thread sums its strided terms in fp32, reading float4 then the scalar tail, then a block
// reduction writes partials[blockIdx.x]),
// then loss_finish (one block of 1024 threads) writes out[0] = sum(partials) / n. The scalar stays
// on the device. Backward reads the upstream gradient dOut[0] from device memory (no host sync);
// it is a 1-D grid-stride loop.
#include "common.cuh"

extern "C" __global__ void mse_partial(float* __restrict__ partials, const float* __restrict__ a,
                                       const float* __restrict__ b, long long n) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    const long long n4 = (cg_aligned16(a) && cg_aligned16(b)) ? n >> 2 : 0;  // float4 body, scalar tail
    const float4* a4 = reinterpret_cast<const float4*>(a);
    const float4* b4 = reinterpret_cast<const float4*>(b);
    CG_GRID_STRIDE(i, n4) {
        const float4 x = a4[i], y = b4[i];
        const float d0 = x.x - y.x, d1 = x.y - y.y, d2 = x.z - y.z, d3 = x.w - y.w;
        acc += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);
    }
    CG_GRID_STRIDE_FROM(i, n4 * 4, n) {
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
    const long long n4 = (cg_aligned16(a) && cg_aligned16(b)) ? n >> 2 : 0;  // float4 body, scalar tail
    const float4* a4 = reinterpret_cast<const float4*>(a);
    const float4* b4 = reinterpret_cast<const float4*>(b);
    CG_GRID_STRIDE(i, n4) {
        const float4 x = a4[i], y = b4[i];
        acc += (fabsf(x.x - y.x) + fabsf(x.y - y.y)) + (fabsf(x.z - y.z) + fabsf(x.w - y.w));
    }
    CG_GRID_STRIDE_FROM(i, n4 * 4, n) {
        acc += fabsf(a[i] - b[i]);
    }
    float total = cg_block_sum(acc, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

extern "C" __global__ void __launch_bounds__(1024) loss_finish(float* __restrict__ out, const float* __restrict__ partials, int count, long long n) {
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
