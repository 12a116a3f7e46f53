// upsample_conv.cu - the kernels around cuDNN of the fused nearest 2x upsampling + 3x3 convolution
// (stride 1, zero pad 1; the generator's u128 and u64) in its phase form (PhaseUpsampleConv.java,
// and UpsampleConv.java on the CPU, which explains the maths).
//
// Output pixel (2y+py, 2x+px) of the upsampled convolution is a 2x2 convolution of the small input
// zero-padded by one, read from (y+py, x+px), with the phase (py, px)'s kernel, whose taps are sums
// of the 3x3 taps: tap a of phase bit q sums kernel rows (or columns) first(q, a) .. last(q, a).
// The backend stacks the four phase kernels as one cuDNN filter of 4*cOut output channels (phase
// p = 2*py + px owns channels p*cOut .. p*cOut + cOut - 1), so one cuDNN 2x2 convolution with zero
// padding 1 gives all phases, [n][4*cOut][h+1][w+1] ("phases"); phase p's output (y, x) is at
// row y + py, column x + px of its channel.
//
//   upconv_phase_weights:  wp[p][co][ci][a][b] = sum of w[co][ci][ky][kx] over ky in rows(py, a),
//                          kx in rows(px, b); one thread per (co, ci) pair
//   upconv_fold_grad:      dw[co][ci][ky][kx] += the sum of the dwp entries whose sums contain
//                          (ky, kx) (the transpose of the above; accumulates, as weight gradients do)
//   upconv_interleave:     out[n][co][2y+py][2x+px] = phases[n][p*cOut+co][y+py][x+px] + bias[co]
//   upconv_deinterleave:   its transpose: dPhases[n][p*cOut+co][y'][x'] = dOut[n][co][2y+py][2x+px]
//                          with y = y'-py, x = x'-px, and 0 where that falls outside the h x w input
// The two (de)interleave kernels run one warp per row (CG_WARP_ROWS). h and w are the small input's.
#include "common.cuh"

// First and last 3x3 kernel row (or column) that tap a of phase bit q sums: {0}, {1, 2} for q = 0;
// {0, 1}, {2} for q = 1.
__device__ __forceinline__ int uc_first(int q, int a) {
    return a == 0 ? 0 : 1 + q;
}

__device__ __forceinline__ int uc_last(int q, int a) {
    return a == 0 ? q : 2;
}

extern "C" __global__ void upconv_phase_weights(float* __restrict__ wp, const float* __restrict__ w, long long pairs) {
    CG_GRID_STRIDE(r, pairs) {
        const float* k = w + r * 9;
        for (int p = 0; p < 4; p++) {
            const int py = p >> 1, px = p & 1;
            for (int t = 0; t < 4; t++) {
                const int a = t >> 1, b = t & 1;
                float s = 0.0f;
                for (int ky = uc_first(py, a); ky <= uc_last(py, a); ky++) {
                    for (int kx = uc_first(px, b); kx <= uc_last(px, b); kx++) {
                        s += k[ky * 3 + kx];
                    }
                }
                wp[(p * pairs + r) * 4 + t] = s;
            }
        }
    }
}

extern "C" __global__ void upconv_fold_grad(float* __restrict__ dw, const float* __restrict__ dwp, long long pairs) {
    CG_GRID_STRIDE(r, pairs) {
        float g[9] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        for (int p = 0; p < 4; p++) {
            const int py = p >> 1, px = p & 1;
            for (int t = 0; t < 4; t++) {
                const int a = t >> 1, b = t & 1;
                const float d = dwp[(p * pairs + r) * 4 + t];
                for (int ky = uc_first(py, a); ky <= uc_last(py, a); ky++) {
                    for (int kx = uc_first(px, b); kx <= uc_last(px, b); kx++) {
                        g[ky * 3 + kx] += d;
                    }
                }
            }
        }
        for (int k = 0; k < 9; k++) {
            dw[r * 9 + k] += g[k];
        }
    }
}

// planes = n * cOut output planes of 2h x 2w; bias is read only when hasBias != 0.
extern "C" __global__ void upconv_interleave(float* __restrict__ out, const float* __restrict__ phases,
                                             const float* __restrict__ bias, int hasBias, int cOut, int h, int w,
                                             long long planes) {
    const int lane = cg_lane(), oh = 2 * h, ow = 2 * w;
    const long long phasePlane = (long long)(h + 1) * (w + 1);
    CG_WARP_ROWS(row, planes * oh) {
        const long long plane = row / oh;
        const int oy = (int)(row - plane * oh), py = oy & 1, y = oy >> 1;
        const long long img = plane / cOut;
        const int co = (int)(plane - img * cOut);
        const float b = hasBias ? bias[co] : 0.0f;
        // row y + py of phase (py, 0) and, cOut channels on, of phase (py, 1)
        const float* even = phases + ((img * 4 + 2 * py) * cOut + co) * phasePlane + (long long)(y + py) * (w + 1);
        const float* odd = even + cOut * phasePlane + 1; // and one column on: x + px
        float* dst = out + row * ow;
        for (int ox = lane; ox < ow; ox += 32) {
            dst[ox] = ((ox & 1) ? odd[ox >> 1] : even[ox >> 1]) + b;
        }
    }
}

// n images; dPhases is [n][4*cOut][h+1][w+1], every element written.
extern "C" __global__ void upconv_deinterleave(float* __restrict__ dPhases, const float* __restrict__ dOut, int cOut,
                                               int h, int w, long long n) {
    const int lane = cg_lane(), ow = 2 * w;
    CG_WARP_ROWS(row, n * 4 * cOut * (h + 1)) {
        const long long plane = row / (h + 1);
        const int yy = (int)(row - plane * (h + 1));
        const long long img = plane / (4 * cOut);
        const int c = (int)(plane - img * 4 * cOut), p = c / cOut, co = c - p * cOut;
        const int py = p >> 1, px = p & 1, y = yy - py;
        float* dst = dPhases + row * (w + 1);
        if (y < 0 || y >= h) { // a row of the padding: no output pixel reads it in this phase
            for (int xx = lane; xx <= w; xx += 32) {
                dst[xx] = 0.0f;
            }
            continue;
        }
        const float* src = dOut + ((img * cOut + co) * 2 * h + 2 * y + py) * (long long)ow + px;
        for (int xx = lane; xx <= w; xx += 32) {
            const int x = xx - px;
            dst[xx] = (x >= 0 && x < w) ? src[2 * x] : 0.0f;
        }
    }
}
