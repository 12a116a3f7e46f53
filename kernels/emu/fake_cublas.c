/* fake_cublas.c - a fake libcublas.so.13 (host loops) for the CUDA backend's tests without a GPU.
 *   gcc -O2 -fPIC -shared -Wl,-soname,libcublas.so.13 -o libcublas.so.13 fake_cublas.c */
#include <stdlib.h>

#include "fake_gpu.h"

int cublasCreate_v2(void** h) { *h = malloc(8); return 0; }
int cublasDestroy_v2(void* h) { free(h); return 0; }
int cublasSetStream_v2(void* h, void* s) { return h ? 0 : 7; }
int cublasGetVersion_v2(void* h, int* v) { *v = 130100; return 0; }
int cublasSaxpy_v2(void* h, int n, const float* alpha, const float* x, int incx, float* y, int incy) {
    if (h == 0 || n < 0 || incx != 1 || incy != 1) return 7; /* CUBLAS_STATUS_INVALID_VALUE */
    if (skip_work("fake libcublas")) return 0;
    for (int i = 0; i < n; i++) y[i] += *alpha * x[i];
    return 0;
}
