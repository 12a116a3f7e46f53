// cuda_host_shim.h - just enough of CUDA C++ to compile kernels/*.cu as host C++ for testing.
//
// Every CUDA thread runs as host code on the calling OS thread; blocks run one after another
// (x86-64 only: the fiber switch is a few lines of assembly, without ucontext's signal-mask syscalls).
// Kernels without __syncthreads / warp shuffles (elementwise, pad, upsample, Adam) run their
// threads one after another (cg_run_block_seq). Kernels that synchronise run each CUDA thread of a
// block as a fiber (cg_run_block_fibers): __syncthreads parks the fiber until every
// live thread of the block is parked there; __shfl_xor_sync parks it until all 32 lanes of its warp
// have written their value. This is deterministic, needs no OS threads, and reports a deadlock
// (a barrier not reached by every thread) instead of hanging. __shared__ becomes static: one copy,
// right because only one block runs at a time. Checks index arithmetic, launch shapes, ragged
// tails and reduction logic; not timing, coalescing or real-GPU rounding (libm's tanhf, sqrtf).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

struct dim3 { unsigned x = 1, y = 1, z = 1; };
struct alignas(16) float4 { float x, y, z, w; };
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

inline dim3 threadIdx;
inline dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;

#define __global__
#define __device__
#define __host__
#define __launch_bounds__(...)
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static

// ---- fibers ----------------------------------------------------------------------------------

enum CgWait { CG_READY = 0, CG_AT_SYNC = 1, CG_AT_WARP = 2, CG_DONE = 3 };

struct CgFiber {
    void* sp;  // saved stack pointer while parked
    unsigned tid;
    int state;
};

// cg_switch(&save, to): pushes the callee-saved registers, saves rsp in *save, loads rsp = to,
// pops the registers saved there and returns into that context.
extern "C" void cg_switch(void** save, void* to);
__asm__(
    ".text\n"
    ".globl cg_switch\n"
    ".hidden cg_switch\n"
    ".type cg_switch, @function\n"
    "cg_switch:\n"
    "    pushq %rbp\n    pushq %rbx\n    pushq %r12\n    pushq %r13\n    pushq %r14\n    pushq %r15\n"
    "    movq %rsp, (%rdi)\n"
    "    movq %rsi, %rsp\n"
    "    popq %r15\n    popq %r14\n    popq %r13\n    popq %r12\n    popq %rbx\n    popq %rbp\n"
    "    ret\n"
    ".size cg_switch, .-cg_switch\n");

inline void* g_scheduler_sp = nullptr;
inline std::vector<CgFiber> g_fibers;
inline std::vector<char> g_fiber_stacks;
inline CgFiber* g_current = nullptr;  // null outside fiber mode
inline const std::function<void()>* g_body = nullptr;
inline float g_shuffle[32][32];
constexpr size_t CG_FIBER_STACK = 64 * 1024;

inline void cg_park(int state) {
    if (g_current == nullptr) {
        std::fprintf(stderr, "emulator: __syncthreads / __shfl_xor_sync in a kernel run without fibers\n");
        std::abort();
    }
    g_current->state = state;
    cg_switch(&g_current->sp, g_scheduler_sp);
}

inline void __syncthreads() { cg_park(CG_AT_SYNC); }

inline float __shfl_xor_sync(unsigned, float v, int lane_mask) {
    if (g_current == nullptr) cg_park(CG_AT_WARP);  // reports the misuse
    const unsigned lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    g_shuffle[warp][lane] = v;
    cg_park(CG_AT_WARP);
    const float r = g_shuffle[warp][lane ^ (unsigned)lane_mask];
    cg_park(CG_AT_WARP);
    return r;
}

// First code a fiber runs (entered by cg_switch's ret); never returns: parks as done for good.
extern "C" inline void cg_fiber_entry() {
    (*g_body)();
    g_current->state = CG_DONE;
    cg_switch(&g_current->sp, g_scheduler_sp);
    std::abort();  // a finished fiber is never resumed
}

// Runs one block (blockIdx already set) of bx threads that may synchronise.
inline void cg_run_block_fibers(const std::function<void()>& body, unsigned bx) {
    if (bx % 32 != 0 || bx > 1024) {
        std::fprintf(stderr, "emulator: a synchronising kernel needs whole warps, got %u threads\n", bx);
        std::abort();
    }
    g_body = &body;
    g_fibers.assign(bx, CgFiber{});
    if (g_fiber_stacks.size() < bx * CG_FIBER_STACK) g_fiber_stacks.resize(bx * CG_FIBER_STACK);
    for (unsigned t = 0; t < bx; t++) {
        CgFiber& f = g_fibers[t];
        f.tid = t;
        f.state = CG_READY;
        // initial stack: six zero "saved registers", then the return address cg_fiber_entry in a
        // 16-byte aligned slot (so the entry sees the stack alignment a call would give it)
        char* top = g_fiber_stacks.data() + (t + 1) * CG_FIBER_STACK;
        uintptr_t slot = ((uintptr_t)top - 64) & ~(uintptr_t)15;
        void** frame = (void**)slot;
        frame[0] = (void*)&cg_fiber_entry;
        for (int r = 1; r <= 6; r++) frame[-r] = nullptr;
        f.sp = (void*)(frame - 6);
    }
    for (;;) {
        bool ran = false;
        for (CgFiber& f : g_fibers) {
            if (f.state == CG_READY) {
                ran = true;
                g_current = &f;
                threadIdx.x = f.tid;
                cg_switch(&g_scheduler_sp, f.sp);
                g_current = nullptr;
            }
        }
        if (ran) continue;
        // nobody is ready: release every warp whose 32 lanes all wait at a shuffle ...
        bool released = false;
        for (unsigned w = 0; w < bx / 32; w++) {
            bool all = true;
            for (unsigned l = 0; l < 32; l++) all = all && g_fibers[w * 32 + l].state == CG_AT_WARP;
            if (all) {
                for (unsigned l = 0; l < 32; l++) g_fibers[w * 32 + l].state = CG_READY;
                released = true;
            }
        }
        if (released) continue;
        // ... or the block, when every thread that has not finished waits at __syncthreads
        bool anyLive = false, allSync = true;
        for (CgFiber& f : g_fibers) {
            if (f.state != CG_DONE) {
                anyLive = true;
                allSync = allSync && f.state == CG_AT_SYNC;
            }
        }
        if (!anyLive) break;
        if (!allSync) {
            std::fprintf(stderr, "emulator: deadlock in block %u (threads wait at different barriers)\n", blockIdx.x);
            std::abort();
        }
        for (CgFiber& f : g_fibers) {
            if (f.state == CG_AT_SYNC) f.state = CG_READY;
        }
    }
    g_body = nullptr;
}

// Runs one block whose threads never synchronise: one after another.
inline void cg_run_block_seq(const std::function<void()>& body, unsigned bx) {
    for (unsigned t = 0; t < bx; t++) {
        threadIdx.x = t;
        body();
    }
}
