package cyclegan4j.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A {@link CUdeviceptr} that can tell its raw address, so that kernel arguments can be written
 * into reusable {@code long[]} slots instead of building new JCuda pointer objects per launch.
 */
final class DevicePtr extends CUdeviceptr {

    /** Bytes this allocation really has (the pool's bucket size, at least what was asked). */
    final long bytes;

    DevicePtr(long bytes) {
        this.bytes = bytes;
    }

    long address() {
        return getNativePointer();
    }
}
