// instance_norm.cu - InstanceNorm2d(affine=False) forward and backward, one block per plane.
//
// Maths, per (n, c) plane of hw values x:
//   forward:  mean = sum(x) / hw;  var = sum((x - mean)^2) / hw  (biased, two-pass);
//             rstd = 1 / sqrt(var + eps);  out = (x - mean) * rstd;  mean and rstd are saved.
//   backward: xhat = (x - mean) * rstd;  mdy = mean(dy);  mdyx = mean(dy * xhat);
//             dx = rstd * (dy - mdy - xhat * mdyx)
//
// Work split: block p owns plane p (gridDim.x = planes); its threads stride over the plane
// (coalesced), accumulate in fp32 registers and combine with warp shuffles + a shared-memory
// block reduction (deterministic for a given blockDim). Launch: grid = planes, block = 1024
// threads for large planes (256 for small ones); blockDim must be a multiple of 32. The plane is
// read 3 times (forward) / 2 times (backward); for the generator's planes (<= 256 KB each) the
// re-reads come from L2.
#include "common.cuh"

extern "C" __global__ void instance_norm_forward(float* __restrict__ out, float* __restrict__ mean,
                                                 float* __restrict__ rstd, const float* __restrict__ in,
                                                 int planes, int hw, float eps) {
    __shared__ float scratch[32];
    const int p = blockIdx.x;
    if (p >= planes) {
        return;
    }
    const float* x = in + (long long)p * hw;
    float* y = out + (long long)p * hw;

    float s = 0.0f;
    for (int i = threadIdx.x; i < hw; i += blockDim.x) {
        s += x[i];
    }
    const float m = cg_block_sum(s, scratch) / (float)hw;

    float ss = 0.0f;
    for (int i = threadIdx.x; i < hw; i += blockDim.x) {
        const float d = x[i] - m;
        ss += d * d;
    }
    const float var = cg_block_sum(ss, scratch) / (float)hw;
    const float rs = 1.0f / sqrtf(var + eps);

    if (threadIdx.x == 0) {
        mean[p] = m;
        rstd[p] = rs;
    }
    for (int i = threadIdx.x; i < hw; i += blockDim.x) {
        y[i] = (x[i] - m) * rs;
    }
}

extern "C" __global__ void instance_norm_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                                  const float* __restrict__ in, const float* __restrict__ mean,
                                                  const float* __restrict__ rstd, int planes, int hw) {
    __shared__ float scratch[32];
    const int p = blockIdx.x;
    if (p >= planes) {
        return;
    }
    const float* x = in + (long long)p * hw;
    const float* dy = dOut + (long long)p * hw;
    float* dx = dIn + (long long)p * hw;
    const float m = mean[p], rs = rstd[p];

    float sdy = 0.0f, sdyx = 0.0f;
    for (int i = threadIdx.x; i < hw; i += blockDim.x) {
        const float g = dy[i];
        sdy += g;
        sdyx += g * ((x[i] - m) * rs);
    }
    const float mdy = cg_block_sum(sdy, scratch) / (float)hw;
    const float mdyx = cg_block_sum(sdyx, scratch) / (float)hw;

    for (int i = threadIdx.x; i < hw; i += blockDim.x) {
        const float xhat = (x[i] - m) * rs;
        dx[i] = rs * (dy[i] - mdy - xhat * mdyx);
    }
}
