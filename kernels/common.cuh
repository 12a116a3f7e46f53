// common.cuh - helpers shared by every kernel family (included, never compiled on its own).
//
// Conventions for all kernels in kernels/*.cu:
//   * extern "C" names (<op>_<forward|backward> or a verb) so the Java side finds them by name
//     with cuModuleGetFunction; one .cu file = one PTX module.
//   * float32, NCHW, contiguous; element counts that may exceed 2^31 are long long.
//   * 1-D launches use a grid-stride loop, so any grid size is correct and ragged tails need no
//     special case; the Java side caps the grid (KernelOps.grid). Kernels over rows of planes use
//     one warp per row instead (CG_WARP_ROWS): no per-element 64-bit division in the index math.
//   * Kernels launched with 1024 threads per block say so with __launch_bounds__(1024), so the
//     driver's JIT never gives them more registers than a 1024-thread block can have.
//   * Files are compiled with -fmad=false (see the Makefile): a*b+c is not contracted into an
//     FMA, so elementwise arithmetic rounds exactly like the Java reference (CpuBackend).
#pragma once

#define CG_FULL_MASK 0xffffffffu

// Grid-stride loop over [0, n): i starts at the thread's global index, steps by the grid size.
#define CG_GRID_STRIDE(i, n)                                                        \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n);  \
         i += (long long)blockDim.x * gridDim.x)

// Grid-stride loop over [start, n) (e.g. the scalar tail after a float4 loop).
#define CG_GRID_STRIDE_FROM(i, start, n)                                                         \
    for (long long i = (start) + (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n);     \
         i += (long long)blockDim.x * gridDim.x)

// Warp-per-row loop for kernels over the rows of planes (padding, upsampling, bias): the grid's
// warps take rows row, row + warps, ...; the kernel derives the row's plane and y (one division per
// row, not per element) and its lanes (threadIdx.x & 31) walk the row's columns. blockDim must be a
// multiple of 32; launch with about 32 threads per row (KernelOps.rows).
#define CG_WARP_ROWS(row, rows)                                                                    \
    for (long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5; row < (rows);  \
         row += ((long long)blockDim.x * gridDim.x) >> 5)

__device__ __forceinline__ int cg_lane() {
    return threadIdx.x & 31;
}

__device__ __forceinline__ long long cg_ceil_div(long long a, long long b) {
    return (a + b - 1) / b;
}

// True when p may be read as float4 (16-byte aligned). cuMemAlloc blocks are 256-byte aligned, so
// this holds for whole buffers and for planes whose length is a multiple of 4.
__device__ __forceinline__ bool cg_aligned16(const void* p) {
    return ((unsigned long long)p & 15ull) == 0;
}

// LeakyReLU (slope 0: ReLU) and its gradient, whose sign comes from x (the op's input, or for
// slope >= 0 its output): the one definition activation.cu and the fused instance norm share.
__device__ __forceinline__ float cg_leaky(float v, float slope) {
    return v > 0.0f ? v : slope * v;
}

__device__ __forceinline__ float cg_leaky_grad(float g, float x, float slope) {
    return x > 0.0f ? g : slope * g;
}

// Sum of the four lanes of a float4, in a fixed order.
__device__ __forceinline__ float cg_sum4(float4 v) {
    return (v.x + v.y) + (v.z + v.w);
}

// Sum over the 32 lanes of a warp (butterfly: every lane ends with the total).
__device__ __forceinline__ float cg_warp_sum(float v) {
    for (int off = 16; off > 0; off >>= 1) {
        v += __shfl_xor_sync(CG_FULL_MASK, v, off);
    }
    return v;
}

// Sum over the whole block (blockDim.x a multiple of 32, at most 1024). Every thread gets the
// total. `scratch` is __shared__ float[32]; the function synchronises before reusing it, so it
// can be called several times in a row with the same scratch. Deterministic: the order of the
// additions depends only on blockDim.x.
__device__ __forceinline__ float cg_block_sum(float v, float* scratch) {
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = (blockDim.x + 31) >> 5;
    v = cg_warp_sum(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    v = (threadIdx.x < warps) ? scratch[threadIdx.x] : 0.0f;
    if (warp == 0) {
        v = cg_warp_sum(v);
        if (lane == 0) {
            scratch[0] = v;
        }
    }
    __syncthreads();
    return scratch[0];
}

// Second pass of a two-pass reduction: one block sums `count` per-block partial sums in a fixed
// order; every thread gets the total. Launch: 1 block, blockDim a multiple of 32.
__device__ __forceinline__ float cg_partials_total(const float* partials, int count) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    for (int i = threadIdx.x; i < count; i += blockDim.x) {
        acc += partials[i];
    }
    return cg_block_sum(acc, scratch);
}

// The second pass of a mean: out[0] = total / divisor.
__device__ __forceinline__ void cg_finish_partials(float* out, const float* partials, int count, float divisor) {
    const float total = cg_partials_total(partials, count);
    if (threadIdx.x == 0) {
        out[0] = total / divisor;
    }
}
