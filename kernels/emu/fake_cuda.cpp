// fake_cuda.cpp - a fake libcuda.so.1 for testing the CUDA backend's Java code without a GPU.
//
// Implements the subset of the CUDA driver API that JCuda's driver binding calls for cyclegan4j:
// "device" memory is host memory (a CUdeviceptr is a host address), streams and events are no-ops
// (everything runs synchronously, in order), cuModuleGetFunction finds the kernels of kernels/*.cu
// compiled into this library for the host (cuda_host_shim.h), and cuLaunchKernel runs them with the
// kernel-parameter array exactly as the driver receives it. cuMemAlloc fails with
// CUDA_ERROR_OUT_OF_MEMORY beyond FAKE_CUDA_MEMORY bytes (default 4 GiB) so the pool's
// trim-and-retry path runs too. Host waits go to FAKE_CUDA_WAIT_LOG, and
// FAKE_CUDA_SKIP_WORK=1 skips the device work (fake_gpu.h). FAKE_CUDA_DEVICES=N (default 1) makes it
// report N devices; device d > 0 is named "Fake GPU d (host emulation)". Build:
//   g++ -std=c++20 -O2 -fPIC -shared -ffp-contract=off -fno-strict-aliasing \
//       -Wl,-soname,libcuda.so.1 -o libcuda.so.1 fake_cuda.cpp
#include "cuda_host_shim.h"
#include "fake_gpu.h"

#include "../activation.cu"
#include "../adam.cu"
#include "../conv_bias.cu"
#include "../elementwise.cu"
#include "../instance_norm.cu"
#include "../loss.cu"
#include "../pad.cu"
#include "../upsample.cu"
#include "../upsample_conv.cu"

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

namespace {

struct FakeKernel {
    std::function<void(void**)> call;
    bool threaded;  // uses __syncthreads / warp shuffles: the block's threads run as fibers
};

template <typename... A, std::size_t... I>
void invoke(void (*fn)(A...), void** params, std::index_sequence<I...>) {
    fn(*static_cast<std::remove_reference_t<A>*>(params[I])...);
}

template <typename... A>
FakeKernel kernel(void (*fn)(A...), bool threaded) {
    return {[fn](void** p) { invoke(fn, p, std::index_sequence_for<A...>{}); }, threaded};
}

#define SEQ(name) {#name, kernel(name, false)}
#define THR(name) {#name, kernel(name, true)}
const std::map<std::string, FakeKernel> kernels = {
    SEQ(leaky_relu_forward), SEQ(leaky_relu_backward), SEQ(tanh_forward), SEQ(tanh_backward),
    SEQ(adam_update_chunks), SEQ(conv_bias_forward), THR(conv_bias_backward),
    SEQ(add_f32), SEQ(scale_f32), SEQ(axpy_f32), THR(mean_partial), THR(mean_finish), SEQ(mean_backward), SEQ(zero_chunks), THR(sumsq_chunks_partial), THR(sum_accumulate),
    THR(instance_norm_forward), THR(instance_norm_backward), THR(instance_norm_forward_regs), THR(instance_norm_backward_regs),
    THR(mse_partial), THR(l1_partial), THR(loss_finish), SEQ(mse_backward), SEQ(l1_backward),
    SEQ(reflection_pad_forward), SEQ(reflection_pad_backward), SEQ(zero_pad_forward), SEQ(zero_pad_backward),
    SEQ(upsample_nearest_forward), SEQ(upsample_nearest_backward),
    SEQ(upconv_phase_weights), SEQ(upconv_fold_grad), SEQ(upconv_interleave), SEQ(upconv_deinterleave),
};

std::mutex mu;
std::map<uintptr_t, size_t> allocations;
size_t allocated = 0;
size_t limit() {
    const char* env = std::getenv("FAKE_CUDA_MEMORY");
    return env ? std::strtoull(env, nullptr, 10) : (4ull << 30);
}
int launches = 0;

}  // namespace

extern "C" {

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
enum { OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_FOUND = 500, INVALID_HANDLE = 400 };

CUresult cuInit(unsigned) { return OK; }
CUresult cuDriverGetVersion(int* v) { *v = 13000; return OK; }
int device_count() {
    const char* env = std::getenv("FAKE_CUDA_DEVICES");
    return env ? std::atoi(env) : 1;
}
CUresult cuDeviceGetCount(int* n) { *n = device_count(); return OK; }
CUresult cuDeviceGet(CUdevice* d, int ordinal) {
    if (ordinal < 0 || ordinal >= device_count()) return INVALID_VALUE;
    *d = ordinal;
    return OK;
}
CUresult cuDeviceGetName(char* name, int len, CUdevice d) {
    if (d == 0) {
        std::snprintf(name, len, "Fake GPU (host emulation)");
    } else {
        std::snprintf(name, len, "Fake GPU %d (host emulation)", d);
    }
    return OK;
}
CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice) { *bytes = limit(); return OK; }
CUresult cuDevicePrimaryCtxRetain(void** ctx, CUdevice) { static int c; *ctx = &c; return OK; }
CUresult cuCtxSetCurrent(void*) { return OK; }
CUresult cuCtxGetCurrent(void** ctx) { static int c; *ctx = &c; return OK; }
CUresult cuStreamCreate(void** s, unsigned) { static int st; *s = &st; return OK; }
CUresult cuStreamSynchronize(void*) { host_wait(__func__); return OK; }
CUresult cuEventCreate(void** e, unsigned) { *e = new int(0); return OK; }
CUresult cuEventRecord(void*, void*) { return OK; }
CUresult cuEventSynchronize(void*) { host_wait(__func__); return OK; }
CUresult cuEventElapsedTime(float* ms, void*, void*) { *ms = 0.001f; return OK; }
CUresult cuEventDestroy_v2(void* e) { delete static_cast<int*>(e); return OK; }
CUresult cuProfilerStart() { return OK; }
CUresult cuProfilerStop() { return OK; }
CUresult cuGetErrorName(CUresult, const char** s) { *s = "FAKE_ERROR"; return OK; }
CUresult cuGetErrorString(CUresult, const char** s) { *s = "fake error"; return OK; }

CUresult cuMemAllocHost_v2(void** p, size_t bytes) { *p = std::aligned_alloc(256, (bytes + 255) / 256 * 256); return *p ? OK : OUT_OF_MEMORY; }
CUresult cuMemFreeHost(void* p) { host_wait(__func__); std::free(p); return OK; }

CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) {
    std::lock_guard<std::mutex> lock(mu);
    if (bytes == 0) return INVALID_VALUE;
    if (allocated + bytes > limit()) return OUT_OF_MEMORY;
    void* mem = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (!mem) return OUT_OF_MEMORY;
    if (!skipping("fake libcuda")) std::memset(mem, 0xFF, bytes);  // garbage (NaN pattern), as fresh device memory may hold
    *p = (CUdeviceptr)mem;
    allocations[*p] = bytes;
    allocated += bytes;
    return OK;
}

CUresult cuMemFree_v2(CUdeviceptr p) {
    host_wait(__func__);
    std::lock_guard<std::mutex> lock(mu);
    auto it = allocations.find(p);
    if (it == allocations.end()) return INVALID_VALUE;  // not a block start: a real driver fails too
    allocated -= it->second;
    allocations.erase(it);
    std::free((void*)p);
    return OK;
}

CUresult cuMemGetInfo_v2(size_t* free_bytes, size_t* total) { *total = limit(); *free_bytes = limit() - allocated; return OK; }

// Checks that [p, p + bytes) lies inside one allocation: catches out-of-bounds copies.
static bool inside(CUdeviceptr p, size_t bytes) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) return false;
    --it;
    return p >= it->first && p + bytes <= it->first + it->second;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, void*) {
    if (!inside(dst, bytes)) return INVALID_VALUE;
    std::memcpy((void*)dst, src, bytes);
    return OK;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
    host_wait(__func__);
    return cuMemcpyHtoDAsync_v2(dst, src, bytes, nullptr);
}
CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
    host_wait(__func__);
    if (!inside(src, bytes)) return INVALID_VALUE;
    std::memcpy(dst, (const void*)src, bytes);
    return OK;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, void*) {
    if (!inside(dst, bytes) || !inside(src, bytes)) return INVALID_VALUE;
    if (skip_work("fake libcuda")) return OK;
    std::memmove((void*)dst, (const void*)src, bytes);
    return OK;
}
CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t n, void*) {
    if (!inside(dst, n * 4)) return INVALID_VALUE;
    if (skip_work("fake libcuda")) return OK;
    uint32_t* d = (uint32_t*)dst;
    for (size_t i = 0; i < n; i++) d[i] = value;
    return OK;
}

CUresult cuModuleLoadData(void** module, const void* image) {
    if (image == nullptr || std::strstr((const char*)image, ".target sm_75") == nullptr) return INVALID_VALUE;
    *module = (void*)image;  // any non-null handle
    return OK;
}

CUresult cuModuleGetFunction(void** fn, void* module, const char* name) {
    auto it = kernels.find(name);
    if (it == kernels.end()) return NOT_FOUND;
    // the module must be the PTX that declares this kernel
    std::string entry = std::string(".entry ") + name + "(";
    if (std::strstr((const char*)module, entry.c_str()) == nullptr) return NOT_FOUND;
    *fn = (void*)&it->second;
    return OK;
}

CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shmem, void*, void** params, void** extra) {
    if (f == nullptr || params == nullptr || extra != nullptr || gy != 1 || gz != 1 || by != 1 || bz != 1 || shmem != 0) {
        return INVALID_VALUE;
    }
    if (gx == 0 || bx == 0 || bx > 1024 || gx > 2147483647u) return INVALID_VALUE;
    const FakeKernel& k = *static_cast<const FakeKernel*>(f);
    if (k.threaded && (bx % 32) != 0) return INVALID_VALUE;  // our block reductions need whole warps
    if (skip_work("fake libcuda")) return OK;
    std::lock_guard<std::mutex> lock(mu);
    launches++;
    gridDim.x = gx;
    blockDim.x = bx;
    const std::function<void()> body = [&] { k.call(params); };
    for (unsigned b = 0; b < gx; b++) {
        blockIdx.x = b;
        if (k.threaded) {
            cg_run_block_fibers(body, bx);
        } else {
            cg_run_block_seq(body, bx);
        }
    }
    return OK;
}

}  // extern "C"
