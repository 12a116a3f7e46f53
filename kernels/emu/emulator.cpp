// emulator.cpp - runs one kernel of kernels/*.cu on the host (see cuda_host_shim.h).
//
//   emulator KERNEL GRID BLOCK seq|thr ARG...   (thr: the block's threads run as fibers, see the shim)
//   ARG: p:FILE (float32 buffer, read before and written back after the launch; the same FILE twice
//        is the same buffer), i:INT, l:LONG, f:HEXBITS (a float's raw bits, so it arrives exact),
//        r:TABLE:WIDTH:FILE0,FILE1,... (a chunk table: per chunk WIDTH int64 addresses, then a length;
//        an address is (k << 40) + a byte offset into buffer FILEk and is passed as the real one)
// Used by src/test/.../KernelEmulationTest through KernelOps, with the launch shapes the CUDA
// backend uses. Built by that test (g++ -std=c++20 -O2 -ffp-contract=off -fno-strict-aliasing:
// the kernels read float buffers as float4, as CUDA code does).
#include "cuda_host_shim.h"

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
#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

struct Arg {
    char kind;
    float* p = nullptr;
    long long* r = nullptr;
    long long l = 0;
    int i = 0;
    float f = 0;
};

template <typename T> T get(const Arg& a);
template <> float* get<float*>(const Arg& a) { if (a.kind != 'p') std::abort(); return a.p; }
template <> const float* get<const float*>(const Arg& a) { if (a.kind != 'p') std::abort(); return a.p; }
template <> const long long* get<const long long*>(const Arg& a) { if (a.kind != 'r') std::abort(); return a.r; }
template <> long long get<long long>(const Arg& a) { if (a.kind != 'l') std::abort(); return a.l; }
template <> int get<int>(const Arg& a) { if (a.kind != 'i') std::abort(); return a.i; }
template <> float get<float>(const Arg& a) { if (a.kind != 'f') std::abort(); return a.f; }

template <typename... A, std::size_t... I>
void call(void (*fn)(A...), const std::vector<Arg>& args, std::index_sequence<I...>) {
    fn(get<A>(args[I])...);
}

template <typename... A>
std::pair<std::function<void(const std::vector<Arg>&)>, std::size_t> wrap(void (*fn)(A...)) {
    return {[fn](const std::vector<Arg>& args) { call(fn, args, std::index_sequence_for<A...>{}); }, sizeof...(A)};
}

#define K(name) {#name, wrap(name)}
const std::map<std::string, std::pair<std::function<void(const std::vector<Arg>&)>, std::size_t>> kernels = {
    K(leaky_relu_forward), K(leaky_relu_backward), K(tanh_forward), K(tanh_backward),
    K(adam_update_chunks), K(conv_bias_forward), K(conv_bias_backward),
    K(add_f32), K(scale_f32), K(axpy_f32), K(mean_partial), K(mean_finish), K(mean_backward), K(zero_chunks), K(sumsq_chunks_partial), K(sum_accumulate),
    K(instance_norm_forward), K(instance_norm_backward), K(instance_norm_forward_regs), K(instance_norm_backward_regs),
    K(mse_partial), K(l1_partial), K(loss_finish), K(mse_backward), K(l1_backward),
    K(reflection_pad_forward), K(reflection_pad_backward), K(zero_pad_forward), K(zero_pad_backward),
    K(upsample_nearest_forward), K(upsample_nearest_backward),
    K(upconv_phase_weights), K(upconv_fold_grad), K(upconv_interleave), K(upconv_deinterleave),
};

bool read_file(const char* name, std::vector<char>& out) {
    FILE* in = std::fopen(name, "rb");
    if (!in) { std::perror(name); return false; }
    std::fseek(in, 0, SEEK_END);
    long bytes = std::ftell(in);
    std::fseek(in, 0, SEEK_SET);
    out.resize(bytes);
    bool ok = std::fread(out.data(), 1, out.size(), in) == out.size();
    std::fclose(in);
    if (!ok) std::perror(name);
    return ok;
}

// A float32 buffer file, read once per launch (the same name twice is the same buffer).
float* load(std::map<std::string, std::vector<float>>& files, const char* name) {
    auto f = files.find(name);
    if (f == files.end()) {
        std::vector<char> raw;
        if (!read_file(name, raw)) return nullptr;
        std::vector<float> data(raw.size() / 4);
        std::memcpy(data.data(), raw.data(), data.size() * 4);
        f = files.emplace(name, std::move(data)).first;
    }
    return f->second.data();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: emulator KERNEL GRID BLOCK seq|thr ARG...\n");
        return 2;
    }
    auto it = kernels.find(argv[1]);
    if (it == kernels.end()) {
        std::fprintf(stderr, "emulator: unknown kernel %s\n", argv[1]);
        return 2;
    }
    gridDim.x = (unsigned)std::atoi(argv[2]);
    blockDim.x = (unsigned)std::atoi(argv[3]);
    const bool threaded = std::strcmp(argv[4], "thr") == 0;

    std::map<std::string, std::vector<float>> files;
    std::vector<Arg> args;
    std::vector<std::vector<long long>> tables;
    tables.reserve(argc);  // stable addresses for the r: arguments
    for (int a = 5; a < argc; a++) {
        const char* s = argv[a];
        Arg arg{s[0]};
        const char* v = s + 2;
        switch (s[0]) {
            case 'p': {
                float* data = load(files, v);
                if (!data) return 1;
                arg.p = data;
                break;
            }
            case 'r': {
                std::string spec(v);
                size_t colon = spec.find(':'), colon2 = spec.find(':', colon + 1);
                std::vector<char> raw;
                if (colon2 == std::string::npos || !read_file(spec.substr(0, colon).c_str(), raw)) return 2;
                const size_t width = (size_t)std::atoi(spec.substr(colon + 1, colon2 - colon - 1).c_str());
                std::vector<float*> bases;
                for (size_t from = colon2 + 1; from <= spec.size();) {
                    size_t comma = std::min(spec.find(',', from), spec.size());
                    float* data = load(files, spec.substr(from, comma - from).c_str());
                    if (!data) return 1;
                    bases.push_back(data);
                    from = comma + 1;
                }
                std::vector<long long>& t = tables.emplace_back(raw.size() / 8);
                std::memcpy(t.data(), raw.data(), t.size() * 8);
                for (size_t c = 0; width > 0 && c + width < t.size(); c += width + 1) {
                    for (size_t w = c; w < c + width; w++) {
                        const size_t k = (size_t)(t[w] >> 40);
                        if (k >= bases.size()) { std::fprintf(stderr, "emulator: table names buffer %zu\n", k); return 2; }
                        t[w] = (long long)(reinterpret_cast<char*>(bases[k]) + (t[w] & ((1ll << 40) - 1)));
                    }
                }
                arg.r = t.data();
                break;
            }
            case 'l': arg.l = std::atoll(v); break;
            case 'i': arg.i = std::atoi(v); break;
            case 'f': { uint32_t bits = (uint32_t)std::strtoul(v, nullptr, 16); std::memcpy(&arg.f, &bits, 4); break; }
            default: std::fprintf(stderr, "emulator: bad argument %s\n", s); return 2;
        }
        args.push_back(arg);
    }
    if (args.size() != it->second.second) {
        std::fprintf(stderr, "emulator: %s takes %zu arguments, got %zu\n", argv[1], it->second.second, args.size());
        return 2;
    }
    const auto& fn = it->second.first;
    const std::function<void()> body = [&] { fn(args); };
    for (unsigned b = 0; b < gridDim.x; b++) {
        blockIdx.x = b;
        if (threaded) {
            cg_run_block_fibers(body, blockDim.x);
        } else {
            cg_run_block_seq(body, blockDim.x);
        }
    }
    for (auto& [name, data] : files) {
        FILE* out = std::fopen(name.c_str(), "wb");
        if (!out || std::fwrite(data.data(), 4, data.size(), out) != data.size()) { std::perror(name.c_str()); return 1; }
        std::fclose(out);
    }
    return 0;
}
