package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Devices;

/** Prints what device selection finds: {@code java -cp 'lib/*' cyclegan4j.backend.cuda.CudaInfo [auto|cuda]}. */
public final class CudaInfo {

    private CudaInfo() {
    }

    public static void main(String[] args) {
        String device = args.length > 0 ? args[0] : "cuda";
        Devices.Selection s = Devices.select(device);
        System.out.println(s.reason());
        if (s.backend() instanceof CudaBackend c) {
            try (var b = c.allocate(1 << 20)) {
                c.fill(b, 3f, 1 << 20);
                float v = c.download(b)[(1 << 20) - 1];
                System.out.println("fill + download of 1 Mi floats: " + (v == 3f ? "ok" : "WRONG (" + v + ")"));
            }
        }
    }
}
