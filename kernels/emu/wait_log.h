/* wait_log.h - the fake GPU's log of host waits, shared by fake_cuda.cpp and fake_cudnn.c.
 * With FAKE_CUDA_WAIT_LOG=file, every call that makes the host wait for the device on a real GPU
 * (explicit synchronisation, synchronous copies, implicitly synchronising frees, cuDNN's timed
 * algorithm search) appends its name to that file, so a test can count the waits of a training step. */
#ifndef CYCLEGAN4J_WAIT_LOG_H
#define CYCLEGAN4J_WAIT_LOG_H
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
#endif
