package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.ConvShape;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;


/**
 * Where a training step's GPU time goes ({@code bench --op-times}): a {@link Backend} in front of
 * the CUDA backend that records an event on its stream before and after every call that queues
 * device work, and sums the elapsed times per call site: the method with its convolution shape, or
 * with its int and long arguments (sizes). The events are queued like the work, so the step still
 * runs ahead of the device. A call's time also counts any wait of the device for the host to queue
 * it; that stays small while the device is the bottleneck (the step's host time is a fraction of
 * its device time), and the table's total against the step's wall time shows how much it is.
 */
public final class OpTimes implements InvocationHandler {

    /** Event pairs recorded before the device is waited for and they are read. */
    private static final int PAIRS = 8192;

    private final CudaBackend cuda;
    private final DeviceTimer[] timers = new DeviceTimer[PAIRS];
    private final String[] keys = new String[PAIRS];
    private int used;
    /** Call site -> {calls, milliseconds} (the table sorts them by time). */
    private final Map<String, double[]> totals = new HashMap<>();

    private OpTimes(CudaBackend cuda) {
        this.cuda = cuda;
        for (int i = 0; i < PAIRS; i++) {
            timers[i] = new DeviceTimer(cuda);
        }
    }

    /** The timed view of {@code cuda}; its tables come from {@link #of}. */
    public static Backend wrap(CudaBackend cuda) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                new OpTimes(cuda));
    }

    /** The timer behind a backend made by {@link #wrap}. */
    public static OpTimes of(Backend timed) {
        return (OpTimes) Proxy.getInvocationHandler(timed);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (!queuesDeviceWork(method)) {
            return call(method, args);
        }
        if (used == PAIRS) {
            collect();
        }
        int i = used++;
        keys[i] = key(method, args);
        timers[i].begin();
        Object result = call(method, args);
        timers[i].end();
        return result;
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(cuda, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The void calls, except those that wait for the device (or only do host bookkeeping). */
    private static boolean queuesDeviceWork(Method m) {
        return m.getReturnType() == void.class && m.getDeclaringClass() == Backend.class
                && !m.getName().equals("synchronize") && !m.getName().equals("trimPool");
    }

    private static String key(Method m, Object[] args) {
        StringJoiner sizes = new StringJoiner(",", " ", "");
        sizes.setEmptyValue("");
        for (Object a : args == null ? new Object[0] : args) {
            if (a instanceof ConvShape s) {
                return m.getName() + String.format(Locale.ROOT, " %dx%dx%dx%d:%dk%dx%ds%dp%d", s.n(), s.cIn(), s.h(), s.w(),
                        s.cOut(), s.kh(), s.kw(), s.stride(), s.pad());
            }
            if (a instanceof Integer || a instanceof Long) {
                sizes.add(a.toString());
            }
        }
        return m.getName() + sizes;
    }

    /** Waits for the device and adds the recorded calls' times to the totals. */
    public void collect() {
        cuda.synchronize();
        for (int i = 0; i < used; i++) {
            double[] t = totals.computeIfAbsent(keys[i], k -> new double[2]);
            t[0]++;
            t[1] += timers[i].elapsedNanos() / 1e6;
        }
        used = 0;
    }

    /** Forgets everything recorded so far (e.g. the warm-up steps'). */
    public void reset() {
        collect();
        totals.clear();
    }

    /**
     * The totals per step, largest first: calls and device milliseconds per step, the share of
     * the timed calls, and a last line with the sum against {@code stepMs} (the step's wall time).
     */
    public String table(int steps, double stepMs, int rows) {
        collect();
        List<Map.Entry<String, double[]>> list = new ArrayList<>(totals.entrySet());
        list.sort((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]));
        double sum = list.stream().mapToDouble(e -> e.getValue()[1]).sum();
        double calls = list.stream().mapToDouble(e -> e.getValue()[0]).sum();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "device time per step by call (CUDA events around each Backend call; %d steps):%n", steps));
        sb.append(String.format(Locale.ROOT, "  %8s %9s %6s  %s%n", "calls", "ms", "share", "call"));
        for (Map.Entry<String, double[]> e : list.subList(0, Math.min(rows, list.size()))) {
            double[] t = e.getValue();
            sb.append(String.format(Locale.ROOT, "  %8.1f %9.3f %5.1f%%  %s%n", t[0] / steps, t[1] / steps,
                    sum > 0 ? 100 * t[1] / sum : 0, e.getKey()));
        }
        if (list.size() > rows) {
            double rest = list.subList(rows, list.size()).stream().mapToDouble(e -> e.getValue()[1]).sum();
            sb.append(String.format(Locale.ROOT, "  %8s %9.3f %5.1f%%  %d other call sites%n", "", rest / steps,
                    sum > 0 ? 100 * rest / sum : 0, list.size() - rows));
        }
        sb.append(String.format(Locale.ROOT, "  total: %.0f calls, %.2f ms of device time per step against a %.2f ms step%n",
                calls / steps, sum / steps, stepMs));
        return sb.toString();
    }

    /** Destroys the events (the backend stays usable). */
    public void close() {
        cuda.synchronize();
        for (DeviceTimer t : timers) {
            t.close();
        }
    }
}
