// conv_bias.cu - the bias part of a convolution (cuDNN does the rest).
//
// Maths, out and dOut are N x C x HW (HW = h x w):
//   conv_bias_forward:  out[n][c][j] += bias[c]
//   conv_bias_backward: dBias[c] += sum over n, j of dOut[n][c][j]     (accumulates, as the
//                       Backend contract says for parameter gradients)
//
// Work split: forward runs one warp per output row (CG_WARP_ROWS; one division per row, not per
// element; any grid). Backward: block c owns channel c (gridDim.x = C); its threads stride over
// the N*HW values of that channel in fp32 (as float4 when HW is a multiple of 4) and combine them
// with a block reduction, so there are no atomics and the result is deterministic.
// Launch backward with a multiple of 32 threads (the launcher uses 256, or 1024 for large planes).
#include "common.cuh"

extern "C" __global__ void conv_bias_forward(float* __restrict__ out, const float* __restrict__ bias,
                                             int c, int h, int w, long long planes) {
    const int lane = cg_lane();
    CG_WARP_ROWS(row, planes * h) {  // rows of the N*C output planes of h x w
        const float b = bias[(row / h) % c];
        float* dst = out + row * w;
#pragma unroll 4
        for (int x = lane; x < w; x += 32) {
            dst[x] += b;
        }
    }
}

extern "C" __global__ void __launch_bounds__(1024) conv_bias_backward(float* __restrict__ dBias, const float* __restrict__ dOut,
                                              int n, int c, long long hw) {
    __shared__ float scratch[32];
    const int ch = blockIdx.x;
    if (ch >= c) {
        return;
    }
    float acc = 0.0f;
    const bool vec = (hw & 3) == 0 && cg_aligned16(dOut);
    for (int img = 0; img < n; img++) {
        const float* src = dOut + ((long long)img * c + ch) * hw;
        if (vec) {
            const float4* src4 = reinterpret_cast<const float4*>(src);
#pragma unroll 4
            for (long long j = threadIdx.x; j < (hw >> 2); j += blockDim.x) {
                acc += cg_sum4(src4[j]);
            }
        } else {
            for (long long j = threadIdx.x; j < hw; j += blockDim.x) {
                acc += src[j];
            }
        }
    }
    const float total = cg_block_sum(acc, scratch);
    if (threadIdx.x == 0) {
        dBias[ch] += total;
    }
}
