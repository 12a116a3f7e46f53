/* fake_gpu.h - what the fake libcuda, libcudnn and libcublas share (each library gets its own copy).
 *
 * FAKE_CUDA_WAIT_LOG=file: every call that makes the host wait for the device on a real GPU
 * (explicit synchronisation, synchronous copies, implicitly synchronising frees, cuDNN's timed
 * algorithm search) appends its name to that file, so a test can count the waits of a training step.
 *
 * FAKE_CUDA_SKIP_WORK=1: kernels, convolutions, axpy, memsets and device-to-device copies are
 * checked and counted but not run, so `cyclegan4j bench --device cuda` times only the host's side
 * of a step (Java, JNI, dispatch); each library prints its count of operations at exit. */
#ifndef CYCLEGAN4J_FAKE_GPU_H
#define CYCLEGAN4J_FAKE_GPU_H
#include <stdio.h>
#include <stdlib.h>

static void host_wait(const char* call) {
    const char* path = getenv("FAKE_CUDA_WAIT_LOG");
    FILE* f = path ? fopen(path, "a") : NULL; /* append mode: each line lands whole, in call order */
    if (f) {
        fprintf(f, "%s\n", call);
        fclose(f);
    }
}

static long long fake_operations; /* device operations enqueued, counted in skip-work mode */
static const char* fake_library = "fake GPU library";

static void fake_report(void) {
    fprintf(stderr, "%s: %lld device operations enqueued (FAKE_CUDA_SKIP_WORK: none run)\n", fake_library, fake_operations);
}

/* True in skip-work mode (FAKE_CUDA_SKIP_WORK=1). */
static int skipping(const char* library) {
    static int skip = -1;
    if (skip < 0) {
        const char* env = getenv("FAKE_CUDA_SKIP_WORK");
        skip = env != NULL && env[0] == '1';
        if (skip) {
            fake_library = library;
            atexit(fake_report);
        }
    }
    return skip;
}

/* True when the device work of a call should be skipped; counts it then. */
static int skip_work(const char* library) {
    if (!skipping(library)) {
        return 0;
    }
    fake_operations++;
    return 1;
}
#endif
