package cyclegan4j.backend.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

/**
 * The device time between two points of the CUDA backend's stream: an event recorded at each
 * ({@link #begin}, {@link #end}), read when the second has passed ({@link #elapsedNanos}). For the
 * op benchmarks, which keep the device busy while they queue a batch so that the time is the
 * device's alone, not the host's launch cost, and for {@link OpTimes} (one per backend call).
 */
public final class DeviceTimer implements AutoCloseable {

    private final CudaBackend cuda;
    private final CUevent begin = new CUevent();
    private final CUevent end = new CUevent();

    public DeviceTimer(CudaBackend cuda) {
        this.cuda = cuda;
        cuda.synchronize(); // makes the backend's context current on this thread
        cuEventCreate(begin, CUevent_flags.CU_EVENT_DEFAULT);
        cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT);
    }

    /** Queues the start point after the work queued so far. */
    public void begin() {
        cuEventRecord(begin, cuda.stream());
    }

    /** Queues the end point after the work queued so far. */
    public void end() {
        cuEventRecord(end, cuda.stream());
    }

    /** Waits for the end point; the device time from the start point to it. */
    public long elapsedNanos() {
        cuEventSynchronize(end);
        float[] ms = new float[1];
        cuEventElapsedTime(ms, begin, end);
        return Math.round(ms[0] * 1e6);
    }

    /** Destroys the events (CUDA defers that for an event the device has not reached yet). */
    @Override
    public void close() {
        cuEventDestroy(begin);
        cuEventDestroy(end);
    }
}
