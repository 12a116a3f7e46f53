package cyclegan4j.backend.cuda;

import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcudnn.JCudnn;

/**
 * Run in a child JVM by {@link ForwarderTest} with LD_LIBRARY_PATH pointing at fake
 * libcudnn.so.9 / libcublas.so.13 and -Dcyclegan4j.compatDir at freshly built forwarders: goes
 * through NativeCompat exactly as CudaBackend does, then calls the real JCudnn / JCublas2 JNI code.
 */
public final class FakeCudaLibsMain {

    private FakeCudaLibsMain() {
    }

    public static void main(String[] args) {
        System.out.println("cudnn note: " + NativeCompat.prepareCudnn());
        System.out.println("cudnn version " + JCudnn.cudnnGetVersion());
        System.out.println("cublas note: " + NativeCompat.prepareCublas());
        cublasHandle h = new cublasHandle();
        int status = JCublas2.cublasCreate(h);
        int[] v = new int[1];
        JCublas2.cublasGetVersion(h, v);
        System.out.println("cublas create " + status + " version " + v[0]);
    }
}
