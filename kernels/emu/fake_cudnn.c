/* fake_cudnn.c - a fake libcudnn.so.9 (convolutions as plain host loops) for testing the CUDA
 * backend's cuDNN plumbing without a GPU: descriptors are checked for consistency (output size,
 * filter channels), alpha/beta are honoured, algorithms report a workspace that must be passed in,
 * the heuristic (Get_v7) and timed (Find) searches rank a failing algorithm first.
 * Pairs with fake_cuda.cpp (device pointers are host addresses).
 *   gcc -O2 -fPIC -shared -Wl,-soname,libcudnn.so.9 -o libcudnn.so.9 fake_cudnn.c */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fake_gpu.h"

enum { OK = 0, BAD_PARAM = 3, NOT_SUPPORTED = 9 };
#define WS 4096 /* every algorithm "needs" this much workspace */

typedef struct { int n, c, h, w; } Tensor;
typedef struct { int k, c, h, w; } Filter;
typedef struct { int padH, padW, u, v, dh, dw, math; } Conv;
typedef struct { int algo; int status; float time; size_t memory; int determinism; int mathType; int reserved[3]; } Perf;

size_t cudnnGetVersion(void) { return 91400; }
const char* cudnnGetErrorString(int s) { return s == 0 ? "CUDNN_STATUS_SUCCESS" : "CUDNN_STATUS_BAD_PARAM (fake)"; }
int cudnnCreate(void** h) { *h = malloc(8); return OK; }
int cudnnDestroy(void* h) { free(h); return OK; }
int cudnnSetStream(void* h, void* s) { return h ? OK : BAD_PARAM; }
int cudnnCreateTensorDescriptor(void** d) { *d = calloc(1, sizeof(Tensor)); return OK; }
int cudnnDestroyTensorDescriptor(void* d) { free(d); return OK; }
int cudnnSetTensor4dDescriptor(Tensor* t, int format, int dtype, int n, int c, int h, int w) {
    if (format != 0 || dtype != 0 || n <= 0 || c <= 0 || h <= 0 || w <= 0) return BAD_PARAM; /* NCHW, float */
    t->n = n; t->c = c; t->h = h; t->w = w;
    return OK;
}
int cudnnCreateFilterDescriptor(void** d) { *d = calloc(1, sizeof(Filter)); return OK; }
int cudnnDestroyFilterDescriptor(void* d) { free(d); return OK; }
int cudnnSetFilter4dDescriptor(Filter* f, int dtype, int format, int k, int c, int h, int w) {
    if (format != 0 || dtype != 0 || k <= 0 || c <= 0 || h <= 0 || w <= 0) return BAD_PARAM;
    f->k = k; f->c = c; f->h = h; f->w = w;
    return OK;
}
int cudnnCreateConvolutionDescriptor(void** d) { *d = calloc(1, sizeof(Conv)); return OK; }
int cudnnDestroyConvolutionDescriptor(void* d) { free(d); return OK; }
int cudnnSetConvolution2dDescriptor(Conv* c, int ph, int pw, int u, int v, int dh, int dw, int mode, int dtype) {
    if (mode != 1 || dtype != 0 || u <= 0 || v <= 0 || dh != 1 || dw != 1 || ph < 0 || pw < 0) return BAD_PARAM; /* cross-correlation */
    c->padH = ph; c->padW = pw; c->u = u; c->v = v; c->dh = dh; c->dw = dw;
    return OK;
}
int cudnnSetConvolutionMathType(Conv* c, int m) { if (m < 0 || m > 3) return BAD_PARAM; c->math = m; return OK; }

static int consistent(const Tensor* x, const Filter* w, const Conv* c, const Tensor* y) {
    int oh = (x->h + 2 * c->padH - w->h) / c->u + 1, ow = (x->w + 2 * c->padW - w->w) / c->v + 1;
    return x->c == w->c && y->c == w->k && y->n == x->n && y->h == oh && y->w == ow;
}

/* A ranked list as cuDNN returns it: the top entry (algorithm 0) reports CUDNN_STATUS_NOT_SUPPORTED,
 * so a caller that does not skip failed entries gets BAD_PARAM from the convolution; algorithm 1 works. */
static int ranked(int ok, int req, int* ret, Perf* p, int math) {
    if (!ok || req < 2) return BAD_PARAM;
    for (int i = 0; i < 2; i++) {
        memset(&p[i], 0, sizeof(p[i]));
        p[i].algo = i; p[i].status = i == 0 ? NOT_SUPPORTED : OK;
        p[i].memory = WS; p[i].determinism = 1; p[i].mathType = math;
    }
    *ret = 2;
    return OK;
}

int cudnnGetConvolutionForwardAlgorithm_v7(void* h, Tensor* x, Filter* w, Conv* c, Tensor* y, int req, int* ret, Perf* p) {
    return ranked(consistent(x, w, c, y), req, ret, p, c->math);
}
int cudnnGetConvolutionBackwardDataAlgorithm_v7(void* h, Filter* w, Tensor* dy, Conv* c, Tensor* dx, int req, int* ret, Perf* p) {
    return ranked(consistent(dx, w, c, dy), req, ret, p, c->math);
}
int cudnnGetConvolutionBackwardFilterAlgorithm_v7(void* h, Tensor* x, Tensor* dy, Conv* c, Filter* dw, int req, int* ret, Perf* p) {
    return ranked(consistent(x, dw, c, dy), req, ret, p, c->math);
}

/* The timed searches (-Dcyclegan4j.cudnn.find=true): they run every algorithm, so the host waits. */
int cudnnFindConvolutionForwardAlgorithm(void* h, Tensor* x, Filter* w, Conv* c, Tensor* y, int req, int* ret, Perf* p) {
    host_wait(__func__);
    return ranked(consistent(x, w, c, y), req, ret, p, c->math);
}
int cudnnFindConvolutionBackwardDataAlgorithm(void* h, Filter* w, Tensor* dy, Conv* c, Tensor* dx, int req, int* ret, Perf* p) {
    host_wait(__func__);
    return ranked(consistent(dx, w, c, dy), req, ret, p, c->math);
}
int cudnnFindConvolutionBackwardFilterAlgorithm(void* h, Tensor* x, Tensor* dy, Conv* c, Filter* dw, int req, int* ret, Perf* p) {
    host_wait(__func__);
    return ranked(consistent(x, dw, c, dy), req, ret, p, c->math);
}
int cudnnGetConvolutionForwardWorkspaceSize(void* h, Tensor* x, Filter* w, Conv* c, Tensor* y, int algo, size_t* b) { *b = WS; return consistent(x, w, c, y) ? OK : BAD_PARAM; }
int cudnnGetConvolutionBackwardDataWorkspaceSize(void* h, Filter* w, Tensor* dy, Conv* c, Tensor* dx, int algo, size_t* b) { *b = WS; return consistent(dx, w, c, dy) ? OK : BAD_PARAM; }
int cudnnGetConvolutionBackwardFilterWorkspaceSize(void* h, Tensor* x, Tensor* dy, Conv* c, Filter* dw, int algo, size_t* b) { *b = WS; return consistent(x, dw, c, dy) ? OK : BAD_PARAM; }

/* The output columns [lo, hi) whose input column ox * stride - pad + kx lies inside [0, size). */
static void inside(int kx, int stride, int pad, int size, int outSize, int* lo, int* hi) {
    int l = pad - kx > 0 ? (pad - kx + stride - 1) / stride : 0;
    int h = (size - 1 + pad - kx) >= 0 ? (size - 1 + pad - kx) / stride + 1 : 0;
    *lo = l;
    *hi = h < outSize ? h : outSize;
    if (*hi < *lo) *hi = *lo;
}

/* x[n][c][iy][ix] * w[k][c][ky][kx] summed into y[n][k][oy][ox]; the three directions share this
 * walk. The in-bounds columns of each kernel column are computed once, so the inner loop has no
 * branch (same additions in the same order as testing every column). */
#define WALK(BODY)                                                                                       \
    for (int n = 0; n < x->n; n++)                                                                       \
        for (int k = 0; k < w->k; k++)                                                                   \
            for (int ci = 0; ci < w->c; ci++)                                                            \
                for (int ky = 0; ky < w->h; ky++)                                                        \
                    for (int kx = 0; kx < w->w; kx++) {                                                  \
                        long wi = (((long)k * w->c + ci) * w->h + ky) * w->w + kx;                       \
                        int lo, hi;                                                                      \
                        inside(kx, c->v, c->padW, x->w, y->w, &lo, &hi);                                 \
                        for (int oy = 0; oy < y->h; oy++) {                                              \
                            int iy = oy * c->u - c->padH + ky;                                           \
                            if (iy < 0 || iy >= x->h) continue;                                          \
                            long xrow = (((long)n * x->c + ci) * x->h + iy) * x->w - c->padW + kx;       \
                            long yrow = (((long)n * y->c + k) * y->h + oy) * y->w;                       \
                            for (int ox = lo; ox < hi; ox++) {                                           \
                                long xi = xrow + (long)ox * c->v;                                        \
                                long yi = yrow + ox;                                                     \
                                BODY;                                                                    \
                            }                                                                            \
                        }                                                                                \
                    }

static int check_ws(void* ws, size_t bytes) { return ws != NULL && bytes >= WS; }

int cudnnConvolutionForward(void* h, const float* alpha, Tensor* x, const float* xd, Filter* w, const float* wd, Conv* c,
                            int algo, void* ws, size_t wsBytes, const float* beta, Tensor* y, float* yd) {
    if (!consistent(x, w, c, y) || !check_ws(ws, wsBytes) || algo != 1) return BAD_PARAM;
    if (skip_work("fake libcudnn")) return OK;
    long ny = (long)y->n * y->c * y->h * y->w;
    float* acc = calloc(ny, sizeof(float));
    WALK(acc[yi] += xd[xi] * wd[wi]);
    for (long i = 0; i < ny; i++) yd[i] = *alpha * acc[i] + (*beta == 0 ? 0 : *beta * yd[i]);
    free(acc);
    return OK;
}

int cudnnConvolutionBackwardData(void* h, const float* alpha, Filter* w, const float* wd, Tensor* y, const float* dyd, Conv* c,
                                 int algo, void* ws, size_t wsBytes, const float* beta, Tensor* x, float* dxd) {
    if (!consistent(x, w, c, y) || !check_ws(ws, wsBytes) || algo != 1) return BAD_PARAM;
    if (skip_work("fake libcudnn")) return OK;
    long nx = (long)x->n * x->c * x->h * x->w;
    float* acc = calloc(nx, sizeof(float));
    WALK(acc[xi] += dyd[yi] * wd[wi]);
    for (long i = 0; i < nx; i++) dxd[i] = *alpha * acc[i] + (*beta == 0 ? 0 : *beta * dxd[i]);
    free(acc);
    return OK;
}

int cudnnConvolutionBackwardFilter(void* h, const float* alpha, Tensor* x, const float* xd, Tensor* y, const float* dyd, Conv* c,
                                   int algo, void* ws, size_t wsBytes, const float* beta, Filter* w, float* dwd) {
    if (!consistent(x, w, c, y) || !check_ws(ws, wsBytes) || algo != 1) return BAD_PARAM;
    if (skip_work("fake libcudnn")) return OK;
    long nw = (long)w->k * w->c * w->h * w->w;
    float* acc = calloc(nw, sizeof(float));
    WALK(acc[wi] += xd[xi] * dyd[yi]);
    for (long i = 0; i < nw; i++) dwd[i] = *alpha * acc[i] + (*beta == 0 ? 0 : *beta * dwd[i]);
    free(acc);
    return OK;
}
