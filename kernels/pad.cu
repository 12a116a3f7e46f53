// pad.cu - reflection and zero padding of each (n, c) plane, forward and backward, with
// asymmetric padding (left, right, top, bottom) as PyTorch's ReflectionPad2d / ZeroPad2d.
//
// Geometry: input plane h x w, output plane oh x ow with oh = h + top + bottom, ow = w + left + right.
//   reflect(i, size) = i < 0 ? -i : (i >= size ? 2*(size-1) - i : i)   (needs pad < size, as PyTorch)
//   reflection_pad_forward:  out[p][y][x] = in[p][reflect(y - top, h)][reflect(x - left, w)]
//   reflection_pad_backward: dIn[p][iy][ix] = sum of dOut[p][y][x] over every (y, x) that reads
//                            (iy, ix). Written as a *gather*: each input element finds its (at most
//                            3 x 3) source positions, so there are no atomics, and adds them in the
//                            CPU reference's order (the direct one first), so both give the same bits.
//   zero_pad_forward:  out = in inside the window, 0 outside
//   zero_pad_backward: dIn[p][y][x] = dOut[p][y + top][x + left]
//
// Work split: one warp per output row (forward) or input row (backward), its lanes along the row
// (CG_WARP_ROWS): the row's plane and y cost one division per row; any grid works.
#include "common.cuh"

__device__ __forceinline__ int cg_reflect(int i, int size) {
    return i < 0 ? -i : (i >= size ? 2 * (size - 1) - i : i);
}

// The output coordinates whose reflection lands on input coordinate i, in ascending order: the
// mirrored one in the leading pad (or -1), the direct one, the mirrored one in the trailing pad
// (or -1). Plain values, not an array: an array indexed in a loop would live in local memory.
struct CgSources {
    int lead, direct, trail;
};

__device__ __forceinline__ CgSources cg_reflect_sources(int i, int size, int lead, int trail) {
    CgSources s;
    s.lead = i >= 1 && i <= lead ? lead - i : -1;
    s.direct = lead + i;
    s.trail = i <= size - 2 && i >= size - 1 - trail ? lead + 2 * (size - 1) - i : -1;
    return s;
}

// s + the mirrored columns' values of one output row (leading, then trailing pad).
__device__ __forceinline__ float cg_add_mirrored(float s, const float* row, CgSources x) {
    if (x.lead >= 0) {
        s += row[x.lead];
    }
    if (x.trail >= 0) {
        s += row[x.trail];
    }
    return s;
}

extern "C" __global__ void reflection_pad_forward(float* __restrict__ out, const float* __restrict__ in,
                                                  int planes, int h, int w, int left, int right, int top, int bottom) {
    const int oh = h + top + bottom, ow = w + left + right, lane = cg_lane();
    CG_WARP_ROWS(row, (long long)planes * oh) {  // output rows
        const long long p = row / oh;
        const int y = (int)(row - p * oh);
        const float* src = in + (p * h + cg_reflect(y - top, h)) * w;
        float* dst = out + row * ow;
#pragma unroll 4
        for (int x = lane; x < ow; x += 32) {
            dst[x] = src[cg_reflect(x - left, w)];
        }
    }
}

extern "C" __global__ void reflection_pad_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                                   int planes, int h, int w, int left, int right, int top, int bottom) {
    const int oh = h + top + bottom, ow = w + left + right, lane = cg_lane();
    CG_WARP_ROWS(row, (long long)planes * h) {  // input rows
        const long long p = row / h;
        const int iy = (int)(row - p * h);
        const CgSources ys = cg_reflect_sources(iy, h, top, bottom);
        const float* plane = dOut + p * oh * ow;
        const float* lead = ys.lead >= 0 ? plane + (long long)ys.lead * ow : nullptr;
        const float* direct = plane + (long long)ys.direct * ow;
        const float* trail = ys.trail >= 0 ? plane + (long long)ys.trail * ow : nullptr;
        float* dst = dIn + row * w;
        for (int ix = lane; ix < w; ix += 32) {
            // the CPU reference's order: the direct value, then output row by row (ascending) the
            // mirrored row's direct column, then that row's mirrored columns (CpuSpatial)
            const CgSources xs = cg_reflect_sources(ix, w, left, right);
            float s = direct[xs.direct];
            if (lead) {
                s = cg_add_mirrored(s + lead[xs.direct], lead, xs);
            }
            s = cg_add_mirrored(s, direct, xs);
            if (trail) {
                s = cg_add_mirrored(s + trail[xs.direct], trail, xs);
            }
            dst[ix] = s;
        }
    }
}

extern "C" __global__ void zero_pad_forward(float* __restrict__ out, const float* __restrict__ in,
                                            int planes, int h, int w, int left, int right, int top, int bottom) {
    const int oh = h + top + bottom, ow = w + left + right, lane = cg_lane();
    CG_WARP_ROWS(row, (long long)planes * oh) {  // output rows
        const long long p = row / oh;
        const int y = (int)(row - p * oh) - top;
        float* dst = out + row * ow;
        if (y < 0 || y >= h) {
            for (int x = lane; x < ow; x += 32) {
                dst[x] = 0.0f;
            }
            continue;
        }
        const float* src = in + (p * h + y) * w;
#pragma unroll 4
        for (int x = lane; x < ow; x += 32) {
            const int ix = x - left;
            dst[x] = (ix >= 0 && ix < w) ? src[ix] : 0.0f;
        }
    }
}

extern "C" __global__ void zero_pad_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                             int planes, int h, int w, int left, int right, int top, int bottom) {
    const int oh = h + top + bottom, ow = w + left + right, lane = cg_lane();
    CG_WARP_ROWS(row, (long long)planes * h) {  // input rows
        const long long p = row / h;
        const int y = (int)(row - p * h);
        const float* src = dOut + (p * oh + y + top) * ow + left;
        float* dst = dIn + row * w;
#pragma unroll 4
        for (int x = lane; x < w; x += 32) {
            dst[x] = src[x];
        }
    }
}
