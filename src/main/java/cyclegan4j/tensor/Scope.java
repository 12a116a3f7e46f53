package cyclegan4j.tensor;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns the buffers allocated while it is open (on this thread) and frees them when it closes.
 *
 * <p>The JVM's garbage collector does not see device memory, so a training step runs inside
 * {@code try (Scope s = Scope.open()) { ... }}: every temporary (activations, saved state,
 * activation gradients) is freed when the block ends. Parameters, their gradients and optimizer
 * state are allocated outside any scope (or inside {@link #unowned()}) and live for the run.
 * Scopes nest; an allocation belongs to the innermost open scope.
 */
public final class Scope implements AutoCloseable {

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final boolean owning;
    private final List<Buffer> owned = new ArrayList<>();
    private boolean closed;

    private Scope(Scope parent, boolean owning) {
        this.parent = parent;
        this.owning = owning;
    }

    /** Opens a scope that frees everything allocated inside it when closed. */
    public static Scope open() {
        Scope s = new Scope(CURRENT.get(), true);
        CURRENT.set(s);
        return s;
    }

    /**
     * Opens a region whose allocations belong to nobody: for state that must outlive the
     * enclosing step (lazily created parameters, image-pool entries). The caller closes them.
     */
    public static Scope unowned() {
        Scope s = new Scope(CURRENT.get(), false);
        CURRENT.set(s);
        return s;
    }

    /** Allocates {@code n} floats on {@code backend}, owned by the innermost open scope (if any). */
    public static Buffer allocate(Backend backend, long n) {
        Buffer b = backend.allocate(n);
        Scope s = CURRENT.get();
        if (s != null && s.owning) {
            s.owned.add(b);
        }
        return b;
    }

    /** Number of buffers this scope will free (including ones already closed early). */
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (CURRENT.get() != this) {
            throw new IllegalStateException("scopes must be closed in the reverse order they were opened");
        }
        CURRENT.set(parent);
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
