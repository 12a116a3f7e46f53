// pad.cu - reflection and zero padding of each (n, c) plane, forward and backward, with
// asymmetric padding (left, right, top, bottom) as PyTorch's ReflectionPad2d / ZeroPad2d.
//
// Geometry: input plane h x w, output plane oh x ow with oh = h + top + bottom, ow = w + left + right.
//   reflect(i, size) = i < 0 ? -i : (i >= size ? 2*(size-1) - i : i)   (needs pad < size, as PyTorch)
//   reflection_pad_forward:  out[p][y][x] = in[p][reflect(y - top, h)][reflect(x - left, w)]
//   reflection_pad_backward: dIn[p][iy][ix] = sum of dOut[p][y][x] over every (y, x) that reads
//                            (iy, ix). Written as a *gather*: each input element finds its (at most
//                            3 x 3) source positions, so there are no atomics and the sum is
//                            taken in ascending (y, x) order, the order of the CPU reference.
//   zero_pad_forward:  out = in inside the window, 0 outside
//   zero_pad_backward: dIn[p][y][x] = dOut[p][y + top][x + left]
//
// Work split: one thread per output element (forward) or per input element (backward), 1-D
// grid-stride over planes * plane size; any grid works.
#include "common.cuh"

__device__ __forceinline__ int cg_reflect(int i, int size) {
    return i < 0 ? -i : (i >= size ? 2 * (size - 1) - i : i);
}

// The output coordinates (in ascending order) whose reflection lands on input coordinate i:
// the mirrored one in the leading pad, the direct one, the mirrored one in the trailing pad.
__device__ __forceinline__ int cg_reflect_sources(int i, int size, int lead, int trail, int* src) {
    int k = 0;
    if (i >= 1 && i <= lead) {
        src[k++] = lead - i;
    }
    src[k++] = lead + i;
    if (i <= size - 2 && i >= size - 1 - trail) {
        src[k++] = lead + 2 * (size - 1) - i;
    }
    return k;
}

extern "C" __global__ void reflection_pad_forward(float* __restrict__ out, const float* __restrict__ in,
                                                  int planes, int h, int w, int left, int right, int top, int bottom) {
    const int oh = h + top + bottom, ow = w + left + right;
    const long long plane_out = (long long)oh * ow;
    const long long total = plane_out * planes;
    CG_GRID_STRIDE(i, total) {
        const long long p = i / plane_out;
        const int r = (int)(i - p * plane_out);
        const int y = r / ow, x = r - y * ow;
        out[i] = in[p * h * w + (long long)cg_reflect(y - top, h) * w + cg_reflect(x - left, w)];
    }
}

extern "C" __global__ void reflection_pad_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                                   int planes, int h, int w, int left, int right, int top, int bottom) {
    const int oh = h + top + bottom, ow = w + left + right;
    const long long plane_in = (long long)h * w;
    const long long total = plane_in * planes;
    CG_GRID_STRIDE(i, total) {
        const long long p = i / plane_in;
        const int r = (int)(i - p * plane_in);
        const int iy = r / w, ix = r - iy * w;
        int ys[3], xs[3];
        const int ny = cg_reflect_sources(iy, h, top, bottom, ys);
        const int nx = cg_reflect_sources(ix, w, left, right, xs);
        const float* src = dOut + p * oh * ow;
        float s = 0.0f;
        for (int a = 0; a < ny; a++) {
            for (int b = 0; b < nx; b++) {
                s += src[(long long)ys[a] * ow + xs[b]];
            }
        }
        dIn[i] = s;
    }
}

extern "C" __global__ void zero_pad_forward(float* __restrict__ out, const float* __restrict__ in,
                                            int planes, int h, int w, int left, int right, int top, int bottom) {
    const int oh = h + top + bottom, ow = w + left + right;
    const long long plane_out = (long long)oh * ow;
    const long long total = plane_out * planes;
    CG_GRID_STRIDE(i, total) {
        const long long p = i / plane_out;
        const int r = (int)(i - p * plane_out);
        const int y = r / ow - top, x = r % ow - left;
        out[i] = (y >= 0 && y < h && x >= 0 && x < w) ? in[p * h * w + (long long)y * w + x] : 0.0f;
    }
}

extern "C" __global__ void zero_pad_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                             int planes, int h, int w, int left, int right, int top, int bottom) {
    const int oh = h + top + bottom, ow = w + left + right;
    const long long plane_in = (long long)h * w;
    const long long total = plane_in * planes;
    CG_GRID_STRIDE(i, total) {
        const long long p = i / plane_in;
        const int r = (int)(i - p * plane_in);
        const int y = r / w, x = r - y * w;
        dIn[i] = dOut[p * oh * ow + (long long)(y + top) * ow + (x + left)];
    }
}
