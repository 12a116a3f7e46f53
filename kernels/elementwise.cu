// elementwise.cu - add, scale, axpy, mean (forward and backward), sum of squares of many buffers.
// (fill is cuMemsetD32Async.)
//
// Maths (n elements, float32):
//   add_f32:        out[i] = a[i] + b[i]
//   scale_f32:      out[i] = alpha * in[i]            (out may alias in)
//   axpy_f32:       y[i]  += alpha * x[i]             (used when cuBLAS is switched off)
//   mean_partial:   partials[b] = sum of in[i] over the i that block b visits
//   mean_finish:    out[0] = sum(partials) / n       (second pass, one block)
//   mean_backward:  dIn[i] = dOut[0] / n             (dOut is read on the device: no host sync)
//   zero_chunks:    x[i] = 0 over every chunk of a chunk table (an optimizer's zero_grad in one launch)
//   sumsq_chunks_partial: partials[b] = sum of x^2 over the chunks b, b + gridDim.x, ... of a
//                   chunk table (below): one launch covers all of a network's parameter gradients
//   sum_accumulate: out[0] += sum(partials)           (second pass, one block; gradient norms add
//                                                      the squared norms of a network's parameters)
//
// Work split: elementwise kernels are 1-D grid-stride loops, one thread per element per step;
// launch with any grid (the launcher uses 256 threads and ceil(n/256) blocks, capped).
// mean_partial: every thread accumulates its strided elements in fp32 (as float4,
// then the scalar tail), then a block reduction; the grid size is chosen from n alone, so the
// result is deterministic. sumsq_chunks_partial reads a table of (device address, length in floats)
// pairs, two long longs per chunk, that the host builds once for a list of buffers (ChunkTable);
// block b sums its chunks in table order, so the result is fixed by the table and the grid. Launch
// mean_finish and sum_accumulate with one block of 1024 threads and count = the first pass's grid.
#include "common.cuh"

extern "C" __global__ void add_f32(float* __restrict__ out, const float* __restrict__ a,
                                   const float* __restrict__ b, long long n) {
    CG_GRID_STRIDE(i, n) {
        out[i] = a[i] + b[i];
    }
}

// No __restrict__: out may be the same buffer as in.
extern "C" __global__ void scale_f32(float* out, const float* in, float alpha, long long n) {
    CG_GRID_STRIDE(i, n) {
        out[i] = alpha * in[i];
    }
}

extern "C" __global__ void axpy_f32(float alpha, const float* __restrict__ x, float* __restrict__ y, long long n) {
    CG_GRID_STRIDE(i, n) {
        y[i] += alpha * x[i];
    }
}

// First pass of a mean: partials[blockIdx.x] = the sum of in[i] over the i this block visits
// (float4 body, then the scalar tail), in a fixed order.
extern "C" __global__ void mean_partial(float* __restrict__ partials, const float* __restrict__ in, long long n) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    const long long n4 = cg_aligned16(in) ? n >> 2 : 0;
    const float4* in4 = reinterpret_cast<const float4*>(in);
    CG_GRID_STRIDE(i, n4) {
        acc += cg_sum4(in4[i]);
    }
    CG_GRID_STRIDE_FROM(i, n4 * 4, n) {
        acc += in[i];
    }
    const float total = cg_block_sum(acc, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

extern "C" __global__ void __launch_bounds__(1024) mean_finish(float* __restrict__ out, const float* __restrict__ partials, int count, long long n) {
    cg_finish_partials(out, partials, count, (float)n);
}

extern "C" __global__ void mean_backward(float* __restrict__ dIn, const float* __restrict__ dOut, long long n) {
    const float g = dOut[0] / (float)n;
    CG_GRID_STRIDE(i, n) {
        dIn[i] = g;
    }
}

extern "C" __global__ void zero_chunks(const long long* __restrict__ table, int chunks) {
    for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
        float* x = reinterpret_cast<float*>(table[2 * c]);
        const int len = (int)table[2 * c + 1];
        for (int i = threadIdx.x; i < len; i += blockDim.x) {
            x[i] = 0.0f;
        }
    }
}

extern "C" __global__ void sumsq_chunks_partial(float* __restrict__ partials, const long long* __restrict__ table, int chunks) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
        const float* x = reinterpret_cast<const float*>(table[2 * c]);
        const int len = (int)table[2 * c + 1];
        const int len4 = cg_aligned16(x) ? len >> 2 : 0;
        const float4* x4 = reinterpret_cast<const float4*>(x);
        for (int i = threadIdx.x; i < len4; i += blockDim.x) {
            const float4 v = x4[i];
            acc += (v.x * v.x + v.y * v.y) + (v.z * v.z + v.w * v.w);
        }
        for (int i = len4 * 4 + threadIdx.x; i < len; i += blockDim.x) {
            acc += x[i] * x[i];
        }
    }
    const float total = cg_block_sum(acc, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

extern "C" __global__ void __launch_bounds__(1024) sum_accumulate(float* __restrict__ out, const float* __restrict__ partials, int count) {
    const float total = cg_partials_total(partials, count);
    if (threadIdx.x == 0) {
        out[0] += total;
    }
}
