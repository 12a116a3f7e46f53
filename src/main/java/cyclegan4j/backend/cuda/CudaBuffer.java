package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Buffer;

/** {@code n} floats of device memory from the backend's pool; closing returns the block to the pool. */
final class CudaBuffer implements Buffer {

    private final CudaBackend owner;
    private final long size;
    private DevicePtr ptr;

    CudaBuffer(CudaBackend owner, DevicePtr ptr, long size) {
        this.owner = owner;
        this.ptr = ptr;
        this.size = size;
    }

    /** The device pointer; throws if the buffer was closed. */
    DevicePtr ptr() {
        DevicePtr p = ptr;
        if (p == null) {
            throw new IllegalStateException("cuda buffer used after it was closed (was it allocated in a scope that has ended?)");
        }
        return p;
    }

    CudaBackend owner() {
        return owner;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isClosed() {
        return ptr == null;
    }

    @Override
    public void close() {
        DevicePtr p = ptr;
        if (p != null) {
            ptr = null;
            owner.release(p, size);
        }
    }
}
