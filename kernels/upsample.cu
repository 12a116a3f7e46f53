// upsample.cu - nearest-neighbour upsampling by an integer factor f (PyTorch's
// Upsample(scale_factor=f, mode='nearest')), per (n, c) plane.
//
// Maths: input plane h x w, output plane (h f) x (w f).
//   upsample_nearest_forward:  out[p][y][x] = in[p][y / f][x / f]
//   upsample_nearest_backward: dIn[p][y][x] = sum over dy, dx in [0, f) of dOut[p][y f + dy][x f + dx]
//                              (a gather, summed in the CPU reference's order: no atomics)
//
// Work split: one thread per output element (forward) or input element (backward), 1-D
// grid-stride over planes * plane size; any grid works.
#include "common.cuh"

extern "C" __global__ void upsample_nearest_forward(float* __restrict__ out, const float* __restrict__ in,
                                                    int planes, int h, int w, int f) {
    const int ow = w * f;
    const long long plane_out = (long long)h * f * ow;
    const long long total = plane_out * planes;
    CG_GRID_STRIDE(i, total) {
        const long long p = i / plane_out;
        const int r = (int)(i - p * plane_out);
        const int y = r / ow, x = r - y * ow;
        out[i] = in[p * h * w + (long long)(y / f) * w + x / f];
    }
}

extern "C" __global__ void upsample_nearest_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                                     int planes, int h, int w, int f) {
    const int ow = w * f;
    const long long plane_in = (long long)h * w;
    const long long total = plane_in * planes;
    CG_GRID_STRIDE(i, total) {
        const long long p = i / plane_in;
        const int r = (int)(i - p * plane_in);
        const int y = r / w, x = r - y * w;
        const float* src = dOut + p * plane_in * f * f + (long long)y * f * ow + (long long)x * f;
        float s = 0.0f;
        for (int dy = 0; dy < f; dy++) {
            for (int dx = 0; dx < f; dx++) {
                s += src[(long long)dy * ow + dx];
            }
        }
        dIn[i] = s;
    }
}
