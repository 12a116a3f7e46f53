// instance_norm.cu - InstanceNorm2d(affine=False) forward and backward, one block per plane.
//
// Maths, per (n, c) plane of hw values x:
//   forward:  mean = x[0] + sum(x - x[0]) / hw  (a common offset costs no precision, as on the CPU);
//             var = sum((x - mean)^2) / hw  (biased, two-pass);  rstd = 1 / sqrt(var + eps);
//             out = xhat = (x - mean) * rstd, or with act != 0 LeakyReLU(xhat, slope) (the ReLU /
//             LeakyReLU after the norm, fused);  mean and rstd are saved.
//   backward: xhat = (x - mean) * rstd;  g = dy, or with act its LeakyReLU gradient (sign from xhat);
//             mg = mean(g);  mgx = mean(g * xhat);  dx = rstd * (g - mg - xhat * mgx)
//
// Work split: block p owns plane p (gridDim.x = planes); its threads stride over the plane
// (coalesced; as float4 when hw is a multiple of 4, so that one block keeps enough loads in
// flight to approach the memory bandwidth), accumulate in fp32 registers and combine with warp
// shuffles + a shared-memory block reduction (deterministic for a given blockDim). Launch:
// grid = planes, block = 1024 threads for large planes (512 / 128 for smaller ones); blockDim must
// be a multiple of 32. The plane is read 3 times (forward) / 2 times (backward); for the
// generator's planes (<= 256 KB each) the re-reads mostly come from L2. Planes of up to 16,384
// floats go to the *_regs kernels at the end of this file instead, which read them once.
#include "common.cuh"

// xhat = (v - m) * rs for four values.
__device__ __forceinline__ float4 norm4(float4 v, float m, float rs) {
    return make_float4((v.x - m) * rs, (v.y - m) * rs, (v.z - m) * rs, (v.w - m) * rs);
}

// The forward pass's output for four values: xhat, or with act its LeakyReLU.
__device__ __forceinline__ float4 norm_out4(float4 v, float m, float rs, int act, float slope) {
    float4 o = norm4(v, m, rs);
    if (act) {
        o = make_float4(cg_leaky(o.x, slope), cg_leaky(o.y, slope), cg_leaky(o.z, slope), cg_leaky(o.w, slope));
    }
    return o;
}

extern "C" __global__ void __launch_bounds__(1024) instance_norm_forward(float* __restrict__ out, float* __restrict__ mean,
                                                 float* __restrict__ rstd, const float* __restrict__ in,
                                                 int planes, int hw, float eps, int act, float slope) {
    __shared__ float scratch[32];
    const int p = blockIdx.x;
    if (p >= planes) {
        return;
    }
    const float* x = in + (long long)p * hw;
    float* y = out + (long long)p * hw;

    const bool vec = (hw & 3) == 0 && cg_aligned16(x) && cg_aligned16(y);
    const int hw4 = hw >> 2;
    const float4* x4 = reinterpret_cast<const float4*>(x);

    // the sum of (x - x[0]): an offset common to the plane does not swell the partial sums
    const float first = x[0];
    float s = 0.0f;
    if (vec) {
#pragma unroll 4
        for (int i = threadIdx.x; i < hw4; i += blockDim.x) {
            const float4 v = x4[i];
            s += ((v.x - first) + (v.y - first)) + ((v.z - first) + (v.w - first));
        }
    } else {
        for (int i = threadIdx.x; i < hw; i += blockDim.x) {
            s += x[i] - first;
        }
    }
    const float m = first + cg_block_sum(s, scratch) / (float)hw;

    float ss = 0.0f;
    if (vec) {
#pragma unroll 4
        for (int i = threadIdx.x; i < hw4; i += blockDim.x) {
            const float4 v = x4[i];
            const float a = v.x - m, b = v.y - m, c = v.z - m, d = v.w - m;
            ss += (a * a + b * b) + (c * c + d * d);
        }
    } else {
        for (int i = threadIdx.x; i < hw; i += blockDim.x) {
            const float d = x[i] - m;
            ss += d * d;
        }
    }
    const float var = cg_block_sum(ss, scratch) / (float)hw;
    const float rs = 1.0f / sqrtf(var + eps);

    if (threadIdx.x == 0) {
        mean[p] = m;
        rstd[p] = rs;
    }
    if (vec) {
        float4* y4 = reinterpret_cast<float4*>(y);
#pragma unroll 4
        for (int i = threadIdx.x; i < hw4; i += blockDim.x) {
            y4[i] = norm_out4(x4[i], m, rs, act, slope);
        }
    } else {
        for (int i = threadIdx.x; i < hw; i += blockDim.x) {
            const float xhat = (x[i] - m) * rs;
            y[i] = act ? cg_leaky(xhat, slope) : xhat;
        }
    }
}

// The fused activation's gradient for four values (dy unchanged without one).
__device__ __forceinline__ float4 act_grad4(float4 dy, float4 xhat, int act, float slope) {
    if (!act) {
        return dy;
    }
    return make_float4(cg_leaky_grad(dy.x, xhat.x, slope), cg_leaky_grad(dy.y, xhat.y, slope),
                       cg_leaky_grad(dy.z, xhat.z, slope), cg_leaky_grad(dy.w, xhat.w, slope));
}

extern "C" __global__ void __launch_bounds__(1024) instance_norm_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                                  const float* __restrict__ in, const float* __restrict__ mean,
                                                  const float* __restrict__ rstd, int planes, int hw, int act, float slope) {
    __shared__ float scratch[32];
    const int p = blockIdx.x;
    if (p >= planes) {
        return;
    }
    const float* x = in + (long long)p * hw;
    const float* dy = dOut + (long long)p * hw;
    float* dx = dIn + (long long)p * hw;
    const float m = mean[p], rs = rstd[p];

    const bool vec = (hw & 3) == 0 && cg_aligned16(x) && cg_aligned16(dy) && cg_aligned16(dx);
    const int hw4 = hw >> 2;
    const float4* x4 = reinterpret_cast<const float4*>(x);
    const float4* dy4 = reinterpret_cast<const float4*>(dy);

    float sdy = 0.0f, sdyx = 0.0f;
    if (vec) {
#pragma unroll 2
        for (int i = threadIdx.x; i < hw4; i += blockDim.x) {
            const float4 v = x4[i];
            const float4 h = norm4(v, m, rs);
            const float4 g = act_grad4(dy4[i], h, act, slope);
            sdy += cg_sum4(g);
            sdyx += (g.x * h.x + g.y * h.y) + (g.z * h.z + g.w * h.w);
        }
    } else {
        for (int i = threadIdx.x; i < hw; i += blockDim.x) {
            const float xhat = (x[i] - m) * rs;
            const float g = act ? cg_leaky_grad(dy[i], xhat, slope) : dy[i];
            sdy += g;
            sdyx += g * xhat;
        }
    }
    const float mdy = cg_block_sum(sdy, scratch) / (float)hw;
    const float mdyx = cg_block_sum(sdyx, scratch) / (float)hw;

    if (vec) {
        float4* dx4 = reinterpret_cast<float4*>(dx);
#pragma unroll 2
        for (int i = threadIdx.x; i < hw4; i += blockDim.x) {
            const float4 v = x4[i];
            const float4 h = norm4(v, m, rs);
            const float4 g = act_grad4(dy4[i], h, act, slope);
            float4 o;
            o.x = rs * (g.x - mdy - h.x * mdyx);
            o.y = rs * (g.y - mdy - h.y * mdyx);
            o.z = rs * (g.z - mdy - h.z * mdyx);
            o.w = rs * (g.w - mdy - h.w * mdyx);
            dx4[i] = o;
        }
    } else {
        for (int i = threadIdx.x; i < hw; i += blockDim.x) {
            const float xhat = (x[i] - m) * rs;
            const float g = act ? cg_leaky_grad(dy[i], xhat, slope) : dy[i];
            dx[i] = rs * (g - mdy - xhat * mdyx);
        }
    }
}

// ---- the same two kernels with the plane held in registers -------------------------------------
//
// For planes of at most CG_NORM_REG_FLOAT4 * blockDim float4 (16,384 floats with 1024 threads: the
// generator's 128x128 and 64x64 planes, the discriminator's) with hw a multiple of 4. The planes are
// then 16-byte aligned without a check, since every buffer is a whole DevicePool block, its own
// cuMemAlloc allocation (256-byte aligned). Each
// thread loads its CG_NORM_REG_FLOAT4 float4 once (indices threadIdx.x + j * blockDim.x, the last
// ones past the plane left out) and keeps them. The forward pass then reads the plane once instead
// of three times and the backward pass reads x and dy once instead of twice, with the same sums,
// formulas and block reductions. Launch: grid = planes, blockDim = a multiple of 32 with
// CG_NORM_REG_FLOAT4 * blockDim >= hw / 4 (KernelOps.registerNormThreads).
#define CG_NORM_REG_FLOAT4 4

extern "C" __global__ void __launch_bounds__(1024) instance_norm_forward_regs(float* __restrict__ out, float* __restrict__ mean,
                                                      float* __restrict__ rstd, const float* __restrict__ in,
                                                      int planes, int hw, float eps, int act, float slope) {
    __shared__ float scratch[32];
    const int p = blockIdx.x;
    if (p >= planes) {
        return;
    }
    const float4* x4 = reinterpret_cast<const float4*>(in + (long long)p * hw);
    float4* y4 = reinterpret_cast<float4*>(out + (long long)p * hw);
    const int hw4 = hw >> 2;
    const float first = in[(long long)p * hw];

    float4 v[CG_NORM_REG_FLOAT4];
    float s = 0.0f;
#pragma unroll
    for (int j = 0; j < CG_NORM_REG_FLOAT4; j++) {
        const int i = threadIdx.x + j * blockDim.x;
        v[j] = i < hw4 ? x4[i] : make_float4(first, first, first, first);  // adds 0 to s below
        s += ((v[j].x - first) + (v[j].y - first)) + ((v[j].z - first) + (v[j].w - first));
    }
    const float m = first + cg_block_sum(s, scratch) / (float)hw;

    float ss = 0.0f;
#pragma unroll
    for (int j = 0; j < CG_NORM_REG_FLOAT4; j++) {
        if (threadIdx.x + j * blockDim.x < hw4) {
            const float a = v[j].x - m, b = v[j].y - m, c = v[j].z - m, d = v[j].w - m;
            ss += (a * a + b * b) + (c * c + d * d);
        }
    }
    const float var = cg_block_sum(ss, scratch) / (float)hw;
    const float rs = 1.0f / sqrtf(var + eps);

    if (threadIdx.x == 0) {
        mean[p] = m;
        rstd[p] = rs;
    }
#pragma unroll
    for (int j = 0; j < CG_NORM_REG_FLOAT4; j++) {
        const int i = threadIdx.x + j * blockDim.x;
        if (i < hw4) {
            y4[i] = norm_out4(v[j], m, rs, act, slope);
        }
    }
}

extern "C" __global__ void __launch_bounds__(1024) instance_norm_backward_regs(float* __restrict__ dIn, const float* __restrict__ dOut,
                                                       const float* __restrict__ in, const float* __restrict__ mean,
                                                       const float* __restrict__ rstd, int planes, int hw, int act, float slope) {
    __shared__ float scratch[32];
    const int p = blockIdx.x;
    if (p >= planes) {
        return;
    }
    const float4* x4 = reinterpret_cast<const float4*>(in + (long long)p * hw);
    const float4* dy4 = reinterpret_cast<const float4*>(dOut + (long long)p * hw);
    float4* dx4 = reinterpret_cast<float4*>(dIn + (long long)p * hw);
    const int hw4 = hw >> 2;
    const float m = mean[p], rs = rstd[p];

    float4 h[CG_NORM_REG_FLOAT4], g[CG_NORM_REG_FLOAT4];  // xhat and the gradient into the norm, kept
    float sdy = 0.0f, sdyx = 0.0f;
#pragma unroll
    for (int j = 0; j < CG_NORM_REG_FLOAT4; j++) {
        const int i = threadIdx.x + j * blockDim.x;
        const float4 v = i < hw4 ? x4[i] : make_float4(m, m, m, m);
        h[j] = norm4(v, m, rs);
        g[j] = act_grad4(i < hw4 ? dy4[i] : make_float4(0.0f, 0.0f, 0.0f, 0.0f), h[j], act, slope);  // zeros past the plane
        sdy += cg_sum4(g[j]);
        sdyx += (g[j].x * h[j].x + g[j].y * h[j].y) + (g[j].z * h[j].z + g[j].w * h[j].w);
    }
    const float mdy = cg_block_sum(sdy, scratch) / (float)hw;
    const float mdyx = cg_block_sum(sdyx, scratch) / (float)hw;

#pragma unroll
    for (int j = 0; j < CG_NORM_REG_FLOAT4; j++) {
        const int i = threadIdx.x + j * blockDim.x;
        if (i < hw4) {
            float4 o;
            o.x = rs * (g[j].x - mdy - h[j].x * mdyx);
            o.y = rs * (g[j].y - mdy - h[j].y * mdyx);
            o.z = rs * (g[j].z - mdy - h[j].z * mdyx);
            o.w = rs * (g[j].w - mdy - h[j].w * mdyx);
            dx4[i] = o;
        }
    }
}
