// adam.cu - one fused Adam step for all of an optimizer's parameters (torch.optim.Adam, no weight
// decay, no amsgrad).
//
// Maths, per element, in exactly the order of CpuBackend.adamUpdate (and torch's single-tensor
// Adam); with -fmad=false every operation rounds as in Java, so the two backends agree bit for bit:
//   m += (g - m) * (1 - beta1)
//   v  = v * beta2 + (1 - beta2) * g * g
//   denom = sqrt(v) / sqrt(1 - beta2^t) + eps
//   p -= step_size * m / denom,          step_size = lr / (1 - beta1^t)
// The bias corrections depend only on the step number: the host computes step_size and
// bc2_sqrt (in double, then rounded to float, as the CPU backend does) and passes them in.
//
// Work split: a chunk table (ChunkTable: per chunk the addresses of p, g, m, v, then its length in
// floats) covers all of an optimizer's parameters, so one launch updates them all; block b takes
// chunks b, b + gridDim.x, ..., its threads one element each per round. Reads p, g, m, v and
// writes p, m, v (7 x 4 bytes per element). Launch: any grid (the backend uses one block per
// chunk, capped), 256 threads.
#include "common.cuh"

extern "C" __global__ void adam_update_chunks(const long long* __restrict__ table, int chunks,
                                              float one_minus_beta1, float beta2, float one_minus_beta2,
                                              float step_size, float bc2_sqrt, float eps) {
    for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
        const long long* e = table + 5 * c;
        float* __restrict__ p = reinterpret_cast<float*>(e[0]);
        const float* __restrict__ g = reinterpret_cast<const float*>(e[1]);
        float* __restrict__ m = reinterpret_cast<float*>(e[2]);
        float* __restrict__ v = reinterpret_cast<float*>(e[3]);
        const int len = (int)e[4];
        for (int i = threadIdx.x; i < len; i += blockDim.x) {
            const float gi = g[i];
            float mi = m[i];
            mi += (gi - mi) * one_minus_beta1;
            const float vi = v[i] * beta2 + one_minus_beta2 * gi * gi;
            const float denom = sqrtf(vi) / bc2_sqrt + eps;
            p[i] -= step_size * mi / denom;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
