package cyclegan4j.ops;

import cyclegan4j.tensor.Tensor;

import java.util.Arrays;

/** Shape checks shared by the ops; every message names the op and the shapes involved. */
final class Shapes {

    private Shapes() {
    }

    static void requireRank(String op, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": expected a " + rank + "-d tensor, got shape " + Arrays.toString(t.shape()));
        }
    }

    static void requireSame(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " differ");
        }
    }
}
