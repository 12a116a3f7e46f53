package cyclegan4j.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted reader of Python pickles (protocols 2 to 5), for the state_dicts that
 * {@code torch.save} writes ({@link TorchFile}). It runs no code: it builds dicts, lists, tuples,
 * numbers, strings and bytes itself, and hands every global and every call (REDUCE) to a
 * {@link Calls} that allows only what it knows; anything else is refused with the global's name.
 *
 * <p>Values: None is null, True/False Boolean, ints Long (BigInteger when larger), floats Double,
 * str String, bytes byte[], lists and tuples List (tuples unmodifiable), dicts LinkedHashMap in
 * file order.
 */
final class Pickle {

    /** A {@code module.name} the pickle refers to (a class or function), as allowed by {@link Calls#global}. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** What the pickle may refer to and call; both throw {@link CheckpointFormatException} to refuse. */
    interface Calls {
        /** The value for GLOBAL {@code module name}: a {@link Global} when it is allowed. */
        Global global(String module, String name) throws CheckpointFormatException;

        /** The result of calling {@code callable(*args)} (REDUCE). */
        Object call(Global callable, List<Object> args) throws CheckpointFormatException;

        /** The object a persistent id stands for (BINPERSID: torch's storages). */
        Object persistent(Object id) throws CheckpointFormatException;
    }

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final Calls calls;
    private final String what;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Pickle(ByteBuffer in, Calls calls, String what) {
        this.in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.in.position(in.position());
        this.calls = calls;
        this.what = what;
    }

    /**
     * Reads one pickle starting at {@code in}'s position, which is left after its STOP (several
     * pickles follow each other in torch's legacy format). {@code what} names it in errors.
     */
    static Object load(ByteBuffer in, Calls calls, String what) throws CheckpointFormatException {
        Pickle p = new Pickle(in, calls, what);
        try {
            Object result = p.run();
            in.position(p.in.position());
            return result;
        } catch (java.nio.BufferUnderflowException e) {
            throw new CheckpointFormatException(what + ": the pickle ends early (at byte " + p.in.position() + ")");
        } catch (RuntimeException e) { // a value of the wrong type where torch puts another: a damaged or foreign pickle
            throw new CheckpointFormatException(what + ": a damaged pickle or one of an unexpected shape (at byte "
                    + p.in.position() + ": " + e.getClass().getSimpleName() + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private Object run() throws CheckpointFormatException {
        while (true) {
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = in.get() & 0xff;
                    if (protocol > 5) {
                        throw fail("pickle protocol " + protocol + " is newer than this reader (2 to 5)");
                    }
                }
                case 0x95 -> in.position(in.position() + 8); // FRAME: its length; the bytes follow inline
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(stack.get(stack.size() - 1)); // DUP
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'K' -> push((long) (in.get() & 0xff)); // BININT1
                case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
                case 'J' -> push((long) in.getInt()); // BININT
                case 0x8a -> push(longOf(bytes(in.get() & 0xff))); // LONG1
                case 0x8b -> push(longOf(bytes(length(in.getInt())))); // LONG4
                case 'G' -> push(in.duplicate().order(ByteOrder.BIG_ENDIAN).getDouble(advance(8))); // BINFLOAT
                case 'X' -> push(utf8(length(in.getInt()))); // BINUNICODE
                case 0x8c -> push(utf8(in.get() & 0xff)); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(length(in.getLong()))); // BINUNICODE8
                case 'U' -> push(new String(bytes(in.get() & 0xff), StandardCharsets.ISO_8859_1)); // SHORT_BINSTRING
                case 'T' -> push(new String(bytes(length(in.getInt())), StandardCharsets.ISO_8859_1)); // BINSTRING
                case 'C' -> push(bytes(in.get() & 0xff)); // SHORT_BINBYTES
                case 'B' -> push(bytes(length(in.getInt()))); // BINBYTES
                case 0x8e, 0x96 -> push(bytes(length(in.getLong()))); // BINBYTES8, BYTEARRAY8
                case ')' -> push(List.of()); // EMPTY_TUPLE
                case 't' -> push(Collections.unmodifiableList(popMark())); // TUPLE
                case 0x85 -> push(tuple(1));
                case 0x86 -> push(tuple(2));
                case 0x87 -> push(tuple(3));
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case 'l' -> push(popMark()); // LIST
                case 'a' -> { // APPEND
                    Object v = pop();
                    ((List<Object>) top()).add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    ((List<Object>) top()).addAll(items);
                }
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case 'd' -> { // DICT
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putAll(m, popMark());
                    push(m);
                }
                case 's' -> { // SETITEM
                    Object v = pop(), k = pop();
                    ((Map<Object, Object>) top()).put(key(k, what), v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    putAll((Map<Object, Object>) top(), items);
                }
                case 'q' -> memo.put((long) (in.get() & 0xff), top()); // BINPUT
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, top()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), top()); // MEMOIZE
                case 'h' -> push(memo(in.get() & 0xff)); // BINGET
                case 'j' -> push(memo(in.getInt() & 0xffffffffL)); // LONG_BINGET
                case 'c' -> push(calls.global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    String name = (String) pop(), module = (String) pop();
                    push(calls.global(module, name));
                }
                case 'R' -> { // REDUCE
                    List<Object> args = (List<Object>) pop();
                    Object callable = pop();
                    if (!(callable instanceof Global g)) {
                        throw fail("a call of something that is not a known function");
                    }
                    push(calls.call(g, args));
                }
                case 'b' -> { // BUILD: sets an object's state; only the __dict__ of a dict (a state_dict's _metadata) is expected
                    Object state = pop();
                    if (!(top() instanceof Map) && !(top() instanceof TorchFile.TensorRef)) {
                        throw fail("sets the state of " + describe(top()));
                    }
                }
                case 'Q' -> push(calls.persistent(pop())); // BINPERSID
                default -> throw fail(String.format("pickle opcode 0x%02x at byte %d is not one torch.save writes", op, in.position() - 1));
            }
        }
    }

    private CheckpointFormatException fail(String message) {
        return new CheckpointFormatException(what + ": " + message);
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws CheckpointFormatException {
        if (stack.isEmpty() || marks.size() > 0 && marks.get(marks.size() - 1) == stack.size()) {
            throw fail("the pickle's stack runs empty at byte " + in.position());
        }
        return stack.remove(stack.size() - 1);
    }

    private Object top() {
        return stack.get(stack.size() - 1);
    }

    /** The items pushed since the last MARK, removed from the stack (a new modifiable list). */
    private List<Object> popMark() throws CheckpointFormatException {
        if (marks.isEmpty()) {
            throw fail("no MARK on the pickle's stack at byte " + in.position());
        }
        int from = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(from, stack.size()));
        stack.subList(from, stack.size()).clear();
        return items;
    }

    private List<Object> tuple(int n) throws CheckpointFormatException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return Collections.unmodifiableList(new ArrayList<>(java.util.Arrays.asList(items)));
    }

    private void putAll(Map<Object, Object> m, List<Object> items) throws CheckpointFormatException {
        if (items.size() % 2 != 0) {
            throw fail("a dict with an odd number of keys and values");
        }
        for (int i = 0; i < items.size(); i += 2) {
            m.put(key(items.get(i), what), items.get(i + 1));
        }
    }

    /**
     * {@code k} when it may be a dict key here: a string, a number, a bool or None, as torch writes
     * them. Tuples and lists are refused: a tuple nested in itself through the memo would take 2^depth
     * steps to hash (and Python refuses list keys anyway).
     */
    static Object key(Object k, String what) throws CheckpointFormatException {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Boolean
                || k instanceof Double) {
            return k;
        }
        throw new CheckpointFormatException(what + ": a dict key that is a " + k.getClass().getSimpleName()
                + ", where torch.save writes strings and numbers");
    }

    private Object memo(long key) throws CheckpointFormatException {
        if (!memo.containsKey(key)) {
            throw fail("refers to memo entry " + key + ", which was never stored");
        }
        return memo.get(key);
    }

    private int length(long n) throws CheckpointFormatException {
        if (n < 0 || n > in.remaining()) {
            throw fail("a length of " + n + " bytes at byte " + in.position() + " runs past the end");
        }
        return (int) n;
    }

    /** Skips {@code n} bytes, returning where they start. */
    private int advance(int n) {
        int at = in.position();
        in.position(at + n);
        return at;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    /** A text line ending in '\n' (GLOBAL's module and name). */
    private String line() {
        StringBuilder sb = new StringBuilder();
        for (byte b = in.get(); b != '\n'; b = in.get()) {
            sb.append((char) (b & 0xff));
        }
        return sb.toString();
    }

    /** A little-endian two's complement integer (LONG1/LONG4): a Long when it fits, else a BigInteger. */
    private static Object longOf(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = be.length == 0 ? BigInteger.ZERO : new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
