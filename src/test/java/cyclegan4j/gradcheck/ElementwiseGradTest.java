package cyclegan4j.gradcheck;

import cyclegan4j.ops.F;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static cyclegan4j.gradcheck.Inputs.CPU;
import static cyclegan4j.gradcheck.Inputs.awayFromZero;
import static cyclegan4j.gradcheck.Inputs.leaf;

/** Gradient checks of the elementwise ops, reductions and losses of {@link F}. */
class ElementwiseGradTest {

    private final SplittableRandom rng = new SplittableRandom(11);

    @Test
    void relu() {
        try (Scope s = Scope.open()) {
            // |x| >= 0.05 = 50 eps: no sample straddles the kink
            Tensor x = awayFromZero(rng, 0.05f, 2, 3, 5, 7);
            GradCheck.named("relu").check(() -> F.relu(x), x);
        }
    }

    @Test
    void leakyRelu() {
        try (Scope s = Scope.open()) {
            Tensor x = awayFromZero(rng, 0.05f, 2, 3, 5, 7);
            GradCheck.named("leaky_relu(0.2)").check(() -> F.leakyRelu(x, 0.2f), x);
            GradCheck.named("leaky_relu(0.01)").seed(2).check(() -> F.leakyRelu(x, 0.01f), x);
        }
    }

    @Test
    void leakyReluInPlace() {
        try (Scope s = Scope.open()) {
            Tensor x = awayFromZero(rng, 0.05f, 2, 3, 5, 7);
            // in place over a copy of x (a leaf that requires grad may not be overwritten)
            GradCheck.named("leaky_relu_(0.2)").check(() -> F.leakyReluInPlace(F.mul(x, 1f), 0.2f), x);
            GradCheck.named("relu_").seed(2).check(() -> F.leakyReluInPlace(F.mul(x, 1f), 0f), x);
            Tensor y = F.mul(x, 1f);
            Tensor z = F.leakyReluInPlace(y, 0.2f);
            assertArrayEquals(F.leakyRelu(x, 0.2f).toArray(), z.toArray(), "same values as out of place");
            assertArrayEquals(z.toArray(), y.toArray(), "written over its input");
            assertThrows(IllegalArgumentException.class, () -> F.leakyReluInPlace(x, 0.2f), "leaf that requires grad");
            assertThrows(IllegalArgumentException.class, () -> F.leakyReluInPlace(F.mul(x, 1f), -0.5f), "negative slope");
        }
    }

    @Test
    void overwritingASavedTensorFailsItsBackward() {
        try (Scope s = Scope.open()) {
            Tensor x = awayFromZero(rng, 0.05f, 1, 2, 3, 4);
            Tensor y = F.mul(x, 2f);
            Tensor t = F.tanh(y); // tanh saves its output for the backward pass
            Tensor loss = F.mean(t);
            F.leakyReluInPlace(t, 0f); // overwrites it
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
            assertTrue(e.getMessage().contains("overwritten by an in-place op"), e.getMessage());
        }
    }

    @Test
    void tanh() {
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1.5f, 1, 2, 3, 5);
            GradCheck.named("tanh").samples(30).check(() -> F.tanh(x), x);
        }
    }

    @Test
    void addBothInputs() {
        try (Scope s = Scope.open()) {
            Tensor a = leaf(rng, 1f, 2, 3, 5, 3);
            Tensor b = leaf(rng, 1f, 2, 3, 5, 3);
            GradCheck.named("add").check(() -> F.add(a, b), a, b);
        }
    }

    @Test
    void addSameTensorTwiceAccumulates() {
        try (Scope s = Scope.open()) {
            Tensor a = leaf(rng, 1f, 1, 2, 3, 3);
            GradCheck.named("add(a, a)").check(() -> F.add(a, a), a);
            GradCheck.named("add(tanh(a), a)").check(() -> F.add(F.tanh(a), a), a);
        }
    }

    @Test
    void mulByScalar() {
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, 1, 3, 4, 5);
            GradCheck.named("mul(x, -2.5)").check(() -> F.mul(x, -2.5f), x);
            GradCheck.named("mul(x, 10)").check(() -> F.mul(x, 10f), x);
        }
    }

    @Test
    void mean() {
        try (Scope s = Scope.open()) {
            Tensor x = leaf(rng, 1f, 2, 3, 5, 7);
            GradCheck.named("mean").check(() -> F.mean(x), x);
        }
    }

    @Test
    void mseLossBothSides() {
        try (Scope s = Scope.open()) {
            Tensor a = leaf(rng, 1f, 2, 1, 3, 5);
            Tensor b = leaf(rng, 1f, 2, 1, 3, 5);
            GradCheck.named("mse_loss").check(() -> F.mseLoss(a, b), a, b);
        }
    }

    @Test
    void l1LossBothSides() {
        try (Scope s = Scope.open()) {
            // b = a + d with |d| >= 0.05: |a - b| has its kink far from every sample
            Tensor a = leaf(rng, 1f, 2, 1, 3, 5);
            float[] av = a.toArray(), d = Inputs.values(rng, 0.05f, av.length);
            for (int i = 0; i < av.length; i++) {
                d[i] += av[i];
            }
            Tensor b = Tensor.of(CPU, d, a.shape()).requiresGrad(true);
            GradCheck.named("l1_loss").check(() -> F.l1Loss(a, b), a, b);
        }
    }

    @Test
    void lossAgainstConstantTargets() {
        try (Scope s = Scope.open()) {
            Tensor p = awayFromZero(rng, 0.05f, 2, 1, 2, 3);
            Tensor ones = Inputs.constant(1f, 2, 1, 2, 3);
            Tensor zeros = Inputs.constant(0f, 2, 1, 2, 3);
            GradCheck.named("mse_loss(p, 1)").check(() -> F.mseLoss(p, ones), p);
            GradCheck.named("l1_loss(p, 0)").check(() -> F.l1Loss(p, zeros), p);
        }
    }
}
