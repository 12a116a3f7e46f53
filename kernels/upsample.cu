// upsample.cu - nearest-neighbour upsampling by an integer factor f (PyTorch's
// Upsample(scale_factor=f, mode='nearest')), per (n, c) plane.
//
// Maths: input plane h x w, output plane (h f) x (w f).
//   upsample_nearest_forward:  out[p][y][x] = in[p][y / f][x / f]
//   upsample_nearest_backward: dIn[p][y][x] = sum over dy, dx in [0, f) of dOut[p][y f + dy][x f + dx]
//                              (a gather, summed in the CPU reference's order: no atomics)
//
// Work split: one warp per output row (forward) or input row (backward), its lanes along the row
// (CG_WARP_ROWS; no per-element division); any grid works.
#include "common.cuh"

extern "C" __global__ void upsample_nearest_forward(float* __restrict__ out, const float* __restrict__ in,
                                                    int planes, int h, int w, int f) {
    const int ow = w * f, lane = cg_lane();
    CG_WARP_ROWS(row, (long long)planes * h * f) {  // output rows; row = (p h + iy) f + dy
        const float* src = in + (row / f) * w;
        float* dst = out + row * ow;
        for (int ix = lane; ix < w; ix += 32) {  // each lane writes the f copies of one input value
            const float v = src[ix];
            for (int k = 0; k < f; k++) {
                dst[ix * f + k] = v;
            }
        }
    }
}

extern "C" __global__ void upsample_nearest_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                                     int planes, int h, int w, int f) {
    const int ow = w * f, lane = cg_lane();
    CG_WARP_ROWS(row, (long long)planes * h) {  // input rows; their sources are output rows row f + dy
        const float* src = dOut + row * f * ow;
        float* dst = dIn + row * w;
        for (int ix = lane; ix < w; ix += 32) {
            float s = 0.0f;
            for (int dy = 0; dy < f; dy++) {
                for (int dx = 0; dx < f; dx++) {
                    s += src[(long long)dy * ow + ix * f + dx];
                }
            }
            dst[ix] = s;
        }
    }
}
