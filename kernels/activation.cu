// activation.cu - LeakyReLU (slope 0 is ReLU) and tanh, forward and backward.
//
// Maths (n elements):
//   leaky_relu_forward:  out = in > 0 ? in : slope * in
//   leaky_relu_backward: dIn = in > 0 ? dOut : slope * dOut      (from the forward input, or its
//                        output: for slope >= 0 both have the same sign)
//   tanh_forward:        out = tanh(in)
//   tanh_backward:       dIn = dOut * (1 - out^2)                 (from the forward *output*)
//
// Work split: 1-D grid-stride loop, one element per thread per step; any grid works.
#include "common.cuh"

// out may be in (the in-place ReLU of the models), so neither pointer is __restrict__.
extern "C" __global__ void leaky_relu_forward(float* out, const float* in, float slope, long long n) {
    CG_GRID_STRIDE(i, n) {
        out[i] = cg_leaky(in[i], slope);
    }
}

extern "C" __global__ void leaky_relu_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                               const float* __restrict__ in, float slope, long long n) {
    CG_GRID_STRIDE(i, n) {
        dIn[i] = cg_leaky_grad(dOut[i], in[i], slope);
    }
}

extern "C" __global__ void tanh_forward(float* __restrict__ out, const float* __restrict__ in, long long n) {
    CG_GRID_STRIDE(i, n) {
        out[i] = tanhf(in[i]);
    }
}

extern "C" __global__ void tanh_backward(float* __restrict__ dIn, const float* __restrict__ dOut,
                                         const float* __restrict__ out, long long n) {
    CG_GRID_STRIDE(i, n) {
        const float y = out[i];
        dIn[i] = dOut[i] * (1.0f - y * y);
    }
}
