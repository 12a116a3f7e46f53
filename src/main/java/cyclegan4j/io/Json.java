package cyclegan4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small, strict subset of JSON (RFC 8259) that a safetensors header needs: objects, arrays,
 * strings (every escape, surrogate pairs checked) and integers that fit a {@code long}. Fractions,
 * exponents, {@code true}, {@code false} and {@code null} are rejected, as are duplicate keys,
 * trailing content other than whitespace, and nesting deeper than {@link #MAX_DEPTH} (so garbage
 * such as a megabyte of {@code [} cannot overflow the stack).
 *
 * <p>Parsed values: {@code Map<String, Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@code Long}.
 */
public final class Json {

    static final int MAX_DEPTH = 64;

    private Json() {
    }

    /** A syntax error, with the character offset where it was found. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message, int pos) {
            super("JSON " + message + " at character " + pos);
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    static Object parse(String text) throws SyntaxException {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw new SyntaxException("unexpected trailing content " + p.describeHere(), p.pos);
        }
        return v;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        String describeHere() {
            if (pos >= s.length()) {
                return "end of input";
            }
            char c = s.charAt(pos);
            return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
        }

        private SyntaxException error(String what) {
            return new SyntaxException(what + ", found " + describeHere(), pos);
        }

        Object value(int depth) throws SyntaxException {
            if (pos >= s.length()) {
                throw error("expected a value");
            }
            char c = s.charAt(pos);
            if (c == '{' || c == '[') {
                if (depth >= MAX_DEPTH) {
                    throw new SyntaxException("nested deeper than " + MAX_DEPTH + " levels", pos);
                }
                return c == '{' ? object(depth + 1) : array(depth + 1);
            }
            if (c == '"') {
                return string();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return integer();
            }
            throw error("expected an object, array, string or integer");
        }

        private Map<String, Object> object(int depth) throws SyntaxException {
            Map<String, Object> out = new LinkedHashMap<>();
            pos++; // '{'
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return out;
            }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a string key");
                }
                int keyPos = pos;
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object v = value(depth);
                if (out.put(key, v) != null) {
                    throw new SyntaxException("duplicate key \"" + key + "\"", keyPos);
                }
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                } else if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return out;
                } else {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) throws SyntaxException {
            List<Object> out = new ArrayList<>();
            pos++; // '['
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return out;
            }
            while (true) {
                skipWhitespace();
                out.add(value(depth));
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                } else if (pos < s.length() && s.charAt(pos) == ']') {
                    pos++;
                    return out;
                } else {
                    throw error("expected ',' or ']'");
                }
            }
        }

        private void expect(char c) throws SyntaxException {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private String string() throws SyntaxException {
            pos++; // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return b.toString();
                }
                if (c < 0x20) {
                    throw error("unescaped control character in string");
                }
                if (c != '\\') {
                    b.append(c);
                    pos++;
                    continue;
                }
                pos++;
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> b.append('"');
                    case '\\' -> b.append('\\');
                    case '/' -> b.append('/');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        char u = hex4();
                        if (Character.isHighSurrogate(u)) {
                            if (pos + 1 < s.length() && s.charAt(pos) == '\\' && s.charAt(pos + 1) == 'u') {
                                pos += 2;
                                char low = hex4();
                                if (!Character.isLowSurrogate(low)) {
                                    throw new SyntaxException("high surrogate not followed by a low surrogate", pos - 6);
                                }
                                b.append(u).append(low);
                            } else {
                                throw error("high surrogate not followed by a low surrogate");
                            }
                        } else if (Character.isLowSurrogate(u)) {
                            throw new SyntaxException("lone low surrogate", pos - 6);
                        } else {
                            b.append(u);
                        }
                    }
                    default -> {
                        pos--;
                        throw error("invalid escape");
                    }
                }
            }
        }

        private char hex4() throws SyntaxException {
            if (pos + 4 > s.length()) {
                throw error("truncated \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                char c = s.charAt(pos);
                int d = c >= '0' && c <= '9' ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) {
                    throw error("invalid hex digit in \\u escape");
                }
                v = v * 16 + d;
                pos++;
            }
            return (char) v;
        }

        private Long integer() throws SyntaxException {
            int start = pos;
            boolean negative = false;
            if (s.charAt(pos) == '-') {
                negative = true;
                pos++;
            }
            if (pos >= s.length() || s.charAt(pos) < '0' || s.charAt(pos) > '9') {
                throw error("expected a digit");
            }
            if (s.charAt(pos) == '0' && pos + 1 < s.length() && s.charAt(pos + 1) >= '0' && s.charAt(pos + 1) <= '9') {
                throw new SyntaxException("number with a leading zero", start);
            }
            long v = 0; // accumulated as a negative number so that Long.MIN_VALUE fits
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                int d = s.charAt(pos) - '0';
                if (v < (Long.MIN_VALUE + d) / 10) {
                    throw new SyntaxException("integer " + s.substring(start, Math.min(s.length(), pos + 1))
                            + "... overflows 64 bits", start);
                }
                v = v * 10 - d;
                pos++;
            }
            if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                throw new SyntaxException("non-integer number (only integers are expected)", start);
            }
            if (!negative) {
                if (v == Long.MIN_VALUE) {
                    throw new SyntaxException("integer " + s.substring(start, pos) + " overflows 64 bits", start);
                }
                v = -v;
            }
            return v;
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    /** {@code value} as a JSON string literal, quotes included (see {@link #appendString}). */
    public static String string(String value) {
        StringBuilder sb = new StringBuilder();
        appendString(sb, value);
        return sb.toString();
    }

    /**
     * Appends {@code value} as a JSON string: quote, backslash and control characters escaped,
     * everything else (including non-ASCII) written as is (the header is UTF-8).
     */
    static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
