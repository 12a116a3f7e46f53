// cuda_host_shim.h - just enough of CUDA C++ to compile kernels/*.cu as host C++ for testing.
//
// Every CUDA thread runs as host code: blockIdx/threadIdx are thread_local; blocks run one after
// another. In "seq" mode the threads of a block run one after another on one OS thread (fine for
// kernels without __syncthreads / warp shuffles: elementwise, pad, upsample, Adam); in "thr" mode
// each CUDA thread of the block is an OS thread, __syncthreads is a std::barrier over the block and
// __shfl_xor_sync exchanges values through a per-warp array between two barriers over the warp.
// __shared__ becomes static: one copy, which is right because only one block runs at a time.
// This checks index arithmetic, launch shapes, ragged tails and reduction logic; it cannot check
// timing, memory coalescing or real-GPU rounding (tanhf, sqrtf come from the host libm).
#pragma once
#include <barrier>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

struct dim3 { unsigned x = 1, y = 1, z = 1; };
struct alignas(16) float4 { float x, y, z, w; };
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;

inline std::barrier<>* g_block_barrier = nullptr;               // null in seq mode
inline std::vector<std::unique_ptr<std::barrier<>>> g_warp_barriers;
inline float g_shuffle[32][32];

#define __global__
#define __device__
#define __host__
#define __launch_bounds__(...)
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static

inline void cg_need_threads(const char* what) {
    if (g_block_barrier == nullptr) {
        std::fprintf(stderr, "emulator: %s used in seq mode (run this kernel in thr mode)\n", what);
        std::abort();
    }
}

inline void __syncthreads() {
    cg_need_threads("__syncthreads");
    g_block_barrier->arrive_and_wait();
}

inline float __shfl_xor_sync(unsigned, float v, int lane_mask) {
    cg_need_threads("__shfl_xor_sync");
    const unsigned lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    g_shuffle[warp][lane] = v;
    g_warp_barriers[warp]->arrive_and_wait();
    const float r = g_shuffle[warp][lane ^ (unsigned)lane_mask];
    g_warp_barriers[warp]->arrive_and_wait();
    return r;
}
