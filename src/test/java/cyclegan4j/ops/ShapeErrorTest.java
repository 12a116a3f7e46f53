package cyclegan4j.ops;

import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shape errors are IllegalArgumentExceptions whose message names the op and the shapes involved. */
class ShapeErrorTest {

    private static final CpuBackend CPU = CpuBackend.get();

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" should mention " + p);
        }
    }

    @Test
    void conv2dChannelMismatch() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(CPU, 1, 3, 8, 8);
            Tensor w = Tensor.zeros(CPU, 4, 2, 3, 3);
            assertMessage(() -> F.conv2d(x, w, null, 1, 1), "conv2d", "[1, 3, 8, 8]", "[4, 2, 3, 3]");
        }
    }

    @Test
    void conv2dBiasAndKernelTooLarge() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(CPU, 1, 2, 3, 3);
            Tensor w = Tensor.zeros(CPU, 4, 2, 3, 3);
            assertMessage(() -> F.conv2d(x, w, Tensor.zeros(CPU, 3), 1, 0), "conv2d", "[3]", "[4, 2, 3, 3]");
            Tensor big = Tensor.zeros(CPU, 4, 2, 7, 7);
            assertMessage(() -> F.conv2d(x, big, null, 1, 1), "conv2d", "[1, 2, 3, 3]", "[4, 2, 7, 7]");
            assertMessage(() -> F.conv2d(Tensor.zeros(CPU, 2, 3, 3), w, null, 1, 1), "conv2d", "[2, 3, 3]");
        }
    }

    @Test
    void addShapeMismatch() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.zeros(CPU, 1, 2, 3, 4);
            Tensor b = Tensor.zeros(CPU, 1, 2, 4, 3);
            assertMessage(() -> F.add(a, b), "add", "[1, 2, 3, 4]", "[1, 2, 4, 3]");
        }
    }

    @Test
    void lossShapeMismatch() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.zeros(CPU, 1, 1, 2, 2);
            Tensor b = Tensor.zeros(CPU, 1, 1, 2, 3);
            assertMessage(() -> F.mseLoss(a, b), "mse_loss", "[1, 1, 2, 2]", "[1, 1, 2, 3]");
            assertMessage(() -> F.l1Loss(a, b), "l1_loss", "[1, 1, 2, 2]", "[1, 1, 2, 3]");
        }
    }

    @Test
    void reflectionPadTooLarge() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(CPU, 1, 1, 3, 5);
            assertMessage(() -> F.reflectionPad2d(x, 1, 1, 3, 0), "reflection_pad2d", "[1, 1, 3, 5]");
            assertMessage(() -> F.reflectionPad2d(x, 5, 0, 0, 0), "reflection_pad2d", "[1, 1, 3, 5]");
            F.reflectionPad2d(x, 4, 4, 2, 2); // size - 1 is allowed
        }
    }

    @Test
    void rankAndBackwardShape() {
        try (Scope s = Scope.open()) {
            assertMessage(() -> F.instanceNorm2d(Tensor.zeros(CPU, 3, 4), 1e-5f), "instance_norm2d", "[3, 4]");
            assertMessage(() -> F.upsampleNearest(Tensor.zeros(CPU, 3, 4), 2), "upsample_nearest", "[3, 4]");
            Tensor x = Tensor.zeros(CPU, 2, 3).requiresGrad(true);
            Tensor y = F.mul(x, 2f);
            assertMessage(() -> y.backward(Tensor.zeros(CPU, 3, 2)), "backward", "[3, 2]", "[2, 3]");
        }
    }
}
