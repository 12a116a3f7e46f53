// adam.cu - one fused Adam step (torch.optim.Adam, no weight decay, no amsgrad).
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
// Work split: 1-D grid-stride loop, one parameter per thread per step; reads p, g, m, v and
// writes p, m, v (7 x 4 bytes per element).
#include "common.cuh"

extern "C" __global__ void adam_update(float* __restrict__ p, const float* __restrict__ g,
                                       float* __restrict__ m, float* __restrict__ v, long long n,
                                       float one_minus_beta1, float beta2, float one_minus_beta2,
                                       float step_size, float bc2_sqrt, float eps) {
    CG_GRID_STRIDE(i, n) {
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
