package cyclegan4j.gradcheck;

import cyclegan4j.autograd.Autograd;
import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Central-difference gradient checker for the autograd engine.
 *
 * <p>For a forward function {@code f} (a closure over its input tensors) the checked loss is
 * {@code L = sum(out ⊙ r)} with a seeded standard-normal {@code r} held on the host in double.
 * <ul>
 *   <li>analytic: {@code out.backward(r)} once, then each input's gradient;</li>
 *   <li>numeric: for a sampled coordinate {@code i} of an input, {@code (L(x_i + eps) - L(x_i - eps)) / (x_i⁺ - x_i⁻)}
 *       where {@code x_i±} are the float32 values actually stored (so the step is exact), each forward run
 *       under {@link Autograd#noGrad()} and the loss summed in double on the host.</li>
 * </ul>
 * Every forward pass runs inside its own {@link Scope}, so a check leaks nothing; the inputs themselves
 * belong to the caller.
 *
 * <p>Acceptance per coordinate: {@code |a - n| <= atol + rtol * max(|a|, |n|) + |L+ - 2 L0 + L-| / (2 eps)}.
 * <ul>
 *   <li>{@code eps = 1e-3}: in float32 a smaller step drowns in rounding (each L carries ~1e-7 relative
 *       error per output term, divided by 2 eps), a larger one adds O(eps²) truncation error on curved ops
 *       (tanh, instance norm) and crosses more ReLU kinks. 1e-3 balances both for values of order 1.</li>
 *   <li>{@code rtol = 1e-2}: on single ops the numeric estimate is good to ~1e-3..1e-4 relative; 1e-2
 *       leaves an order of magnitude of headroom, while the wrong backwards we planted on purpose
 *       produced errors from 30% up (a dropped term, an index off by one, a sign).</li>
 *   <li>{@code atol = 1e-3} covers coordinates whose true gradient is (near) zero, where only the
 *       numeric noise is left. That noise grows with the size and depth of the computation (roughly
 *       {@code 6e-8 * sqrt(M) * |out·r| / (2 eps)} for M outputs, more through deep stacks), so 1e-3 suits
 *       single ops on small tensors; the network checks pass a larger value measured for them and
 *       stated at the call site.</li>
 *   <li>the second-difference term: a ReLU kink crossed inside [x - eps, x + eps] (a hidden unit deep in
 *       a network) makes the central difference wrong by exactly {@code |L+ - 2 L0 + L-| / (2 eps)} for one
 *       kink, so that is added to the allowance. For smooth L it is O(eps L'') plus noise, which keeps
 *       single-op checks tight; single-op inputs are kept at least 0.05 (50 eps) from their kinks anyway.
 *       A check fails if more than 10% of its coordinates pass only thanks to this term.</li>
 *   <li>{@link #outliers(double)}: deep composites only, see there.</li>
 * </ul>
 * Everything is seeded and the CPU backend is deterministic, so a check that passes once passes every
 * time on the same machine.
 */
public final class GradCheck {

    public static final double EPS = 1e-3;
    public static final double RTOL = 1e-2;
    public static final double ATOL = 1e-3;
    public static final int SAMPLES = 48;

    private final String name;
    private double eps = EPS;
    private double rtol = RTOL;
    private double atol = ATOL;
    private int samples = SAMPLES;
    private long seed = 1234;
    private double maxWidened = 0.1;
    private double outliers = 0;

    private GradCheck(String name) {
        this.name = name;
    }

    /** Starts a check; {@code name} appears in every failure message. */
    public static GradCheck named(String name) {
        return new GradCheck(name);
    }

    public GradCheck eps(double e) {
        this.eps = e;
        return this;
    }

    public GradCheck rtol(double r) {
        this.rtol = r;
        return this;
    }

    public GradCheck atol(double a) {
        this.atol = a;
        return this;
    }

    /** Coordinates checked per input (all of them when the input is smaller). */
    public GradCheck samples(int n) {
        this.samples = n;
        return this;
    }

    /**
     * Lets up to this fraction of the checked coordinates exceed the tolerance, as long as each stays
     * within 50% relative (same sign and size). Only for deep composites, where many ReLU kinks can be
     * crossed by one step and cancel in the second difference; single-op checks keep the default 0.
     */
    public GradCheck outliers(double fraction) {
        this.outliers = fraction;
        return this;
    }

    public GradCheck seed(long s) {
        this.seed = s;
        return this;
    }

    /** Checks the gradient of {@code f} with respect to each input (named input0, input1, ...). */
    public Result check(Supplier<Tensor> f, Tensor... inputs) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            named.put("input" + i, inputs[i]);
        }
        return check(f, named);
    }

    /** Names and tensors in the given order (a LinkedHashMap, so sampling is reproducible): "x", x, "w", w. */
    public static Map<String, Tensor> inputs(Object... nameTensorPairs) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTensorPairs.length; i += 2) {
            m.put((String) nameTensorPairs[i], (Tensor) nameTensorPairs[i + 1]);
        }
        return m;
    }

    /** One failing coordinate. */
    public record Mismatch(String input, int index, int[] coords, double analytic, double numeric, double allowed) {
        @Override
        public String toString() {
            return String.format("%s[%d]%s analytic=%.6g numeric=%.6g |diff|=%.3g allowed=%.3g", input, index,
                    Arrays.toString(coords), analytic, numeric, Math.abs(analytic - numeric), allowed);
        }
    }

    /** What a passing check measured (for diagnostics). */
    public record Result(int checked, int widened, int outliers, double maxAbsDiff, double maxRelDiff) {
    }

    /**
     * Checks the gradient of {@code f} with respect to each named input (leaves that require grad,
     * or parameters). Throws an {@link AssertionError} listing the failing coordinates.
     */
    public Result check(Supplier<Tensor> f, Map<String, Tensor> inputs) {
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            if (!e.getValue().requiresGrad() || !e.getValue().isLeaf()) {
                throw new IllegalArgumentException(name + ": input " + e.getKey() + " must be a leaf that requires grad");
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        // ---- analytic ----------------------------------------------------------------------------
        Map<String, double[]> analytic = new LinkedHashMap<>();
        double[] r;
        try (Scope s = Scope.open()) {
            List<Tensor> temporaryGrad = new ArrayList<>();
            for (Tensor t : inputs.values()) {
                Buffer g = t.grad();
                if (g != null && !g.isClosed() && !temporaryGrad.contains(t)) {
                    t.backend().fill(g, 0f, t.numel()); // a parameter's persistent (accumulating) gradient
                } else {
                    t.setGrad(null); // a plain leaf: its gradient is created in this scope
                    temporaryGrad.add(t);
                }
            }
            Tensor out = f.get();
            r = new double[Math.toIntExact(out.numel())];
            float[] rf = new float[r.length];
            for (int i = 0; i < r.length; i++) {
                rf[i] = (float) Tensor.gaussian(rng);
                r[i] = rf[i];
            }
            out.backward(Tensor.of(out.backend(), rf, out.shape()));
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                Tensor t = e.getValue();
                double[] a = new double[Math.toIntExact(t.numel())];
                if (t.grad() != null) { // no gradient at all means: zero
                    float[] g = t.gradArray();
                    for (int i = 0; i < a.length; i++) {
                        a[i] = g[i];
                    }
                }
                analytic.put(e.getKey(), a);
            }
            for (Tensor t : temporaryGrad) {
                t.setGrad(null); // its buffer is freed with this scope
            }
        }
        // ---- numeric, on sampled coordinates --------------------------------------------------------
        List<Mismatch> bad = new ArrayList<>();
        List<Mismatch> soft = new ArrayList<>();
        double l0 = loss(f, r);
        int checked = 0, widened = 0;
        double maxAbs = 0, maxRel = 0;
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Tensor t = e.getValue();
            Backend be = t.backend();
            float[] host = t.toArray();
            double[] a = analytic.get(e.getKey());
            for (int idx : sample(host.length, rng)) {
                float orig = host[idx];
                float plus = (float) (orig + eps);
                float minus = (float) (orig - eps);
                host[idx] = plus;
                be.upload(t.data(), host);
                double lp = loss(f, r);
                host[idx] = minus;
                be.upload(t.data(), host);
                double lm = loss(f, r);
                host[idx] = orig;
                be.upload(t.data(), host);
                double h = (double) plus - (double) minus;
                double n = (lp - lm) / h;
                // A kink inside [x - eps, x + eps] (ReLU deep inside a network) makes the central difference
                // wrong by exactly |L+ - 2 L0 + L-| / (2 eps) for one kink; for smooth L that term is O(eps L'')
                // plus float noise, so it leaves single-op checks tight (see the class comment).
                double kink = Math.abs(lp - 2 * l0 + lm) / h;
                double diff = Math.abs(a[idx] - n);
                double scale = Math.max(Math.abs(a[idx]), Math.abs(n));
                double base = atol + rtol * scale;
                double allowed = base + kink;
                checked++;
                if (kink > base && diff > base && diff <= allowed) {
                    widened++;
                }
                maxAbs = Math.max(maxAbs, diff);
                if (scale > 0) {
                    maxRel = Math.max(maxRel, diff / scale);
                }
                if (!(diff <= allowed)) { // NaN fails too
                    Mismatch m = new Mismatch(e.getKey(), idx, coords(idx, t.shape()), a[idx], n, allowed);
                    if (diff <= atol + 0.5 * scale + kink) {
                        soft.add(m);
                    } else {
                        bad.add(m);
                    }
                }
            }
        }
        if (soft.size() > outliers * checked) {
            bad.addAll(soft);
            soft.clear();
        }
        if (!bad.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            sb.append(name).append(": ").append(bad.size()).append(" of ").append(checked)
                    .append(" gradient coordinates differ (eps=").append(eps).append(", rtol=").append(rtol)
                    .append(", atol=").append(atol).append(")");
            for (int i = 0; i < Math.min(bad.size(), 10); i++) {
                sb.append("\n  ").append(bad.get(i));
            }
            if (bad.size() > 10) {
                sb.append("\n  ...");
            }
            throw new AssertionError(sb.toString());
        }
        if (widened > maxWidened * checked) {
            throw new AssertionError(String.format("%s: %d of %d coordinates passed only thanks to the kink allowance "
                    + "(more than %.0f%%): the function is not smooth enough at this point to check it", name, widened,
                    checked, 100 * maxWidened));
        }
        return new Result(checked, widened, soft.size(), maxAbs, maxRel);
    }

    /** sum(f() ⊙ r) in double, without recording a graph and without leaking the forward's buffers. */
    private static double loss(Supplier<Tensor> f, double[] r) {
        try (Scope s = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            float[] out = f.get().toArray();
            double l = 0;
            for (int i = 0; i < out.length; i++) {
                l += out[i] * r[i];
            }
            return l;
        }
    }

    /** All indices when n is small, otherwise {@code samples} distinct seeded indices in increasing order. */
    private int[] sample(int n, SplittableRandom rng) {
        if (n <= samples) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        // partial Fisher-Yates over a lazily materialised permutation
        Map<Integer, Integer> swapped = new java.util.HashMap<>();
        int[] out = new int[samples];
        for (int i = 0; i < samples; i++) {
            int j = i + rng.nextInt(n - i);
            int vj = swapped.getOrDefault(j, j);
            int vi = swapped.getOrDefault(i, i);
            swapped.put(j, vi);
            out[i] = vj;
        }
        Arrays.sort(out);
        return out;
    }

    private static int[] coords(int idx, int[] shape) {
        int[] c = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            c[d] = idx % shape[d];
            idx /= shape[d];
        }
        return c;
    }
}
