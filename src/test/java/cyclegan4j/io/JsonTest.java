package cyclegan4j.io;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void parsesObjectsArraysStringsAndIntegers() throws Exception {
        Object v = Json.parse(" {\"a\": [1, -2, 0, 9223372036854775807, -9223372036854775808],\n\t\"b\":{}, \"c\":[], \"d\":\"x\"} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 0L, Long.MAX_VALUE, Long.MIN_VALUE), m.get("a"));
        assertEquals(Map.of(), m.get("b"));
        assertEquals(List.of(), m.get("c"));
        assertEquals("x", m.get("d"));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(m.keySet()), "key order is kept");
    }

    @Test
    void decodesEveryEscape() throws Exception {
        String s = (String) Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u00C9 \\ud83d\\ude00 é\"");
        assertEquals("q\" b\\ s/ \b\f\n\r\t éÉ \uD83D\uDE00 é", s);
    }

    @Test
    void writerOutputParsesBackToTheSameString() throws Exception {
        String[] samples = {"", "plain", "quote\" backslash\\ slash/", "ctrl \u0000\u0001\u001f\n\t\r\b\f", "é 漢字 \uD83D\uDE00", "\u007f"};
        for (String s : samples) {
            StringBuilder b = new StringBuilder();
            Json.appendString(b, s);
            assertEquals(s, Json.parse(b.toString()), b.toString());
        }
    }

    @Test
    void rejectsWhatTheHeaderNeverHolds() {
        String[] bad = {
                "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]",
                "1.5", "1e3", "-", "01", "-01", "true", "false", "null", "'x'",
                "\"unterminated", "\"bad escape \\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"raw \u0001 control\"",
                "\"lone high \\ud83d\"", "\"lone low \\ude00\"", "\"high then text \\ud83d\\u0041\"",
                "{\"a\":1,\"a\":2}", "{} {}", "{}x",
                "9223372036854775808", "-9223372036854775809", "99999999999999999999999",
        };
        for (String s : bad) {
            assertThrows(Json.SyntaxException.class, () -> Json.parse(s), "should reject: " + s);
        }
    }

    @Test
    void duplicateKeyMessageNamesTheKey() {
        Json.SyntaxException e = assertThrows(Json.SyntaxException.class, () -> Json.parse("{\"w\":1,\"w\":2}"));
        assertTrue(e.getMessage().contains("duplicate key \"w\""), e.getMessage());
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(1_000_000);
        Json.SyntaxException e = assertThrows(Json.SyntaxException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThrows(Json.SyntaxException.class, () -> Json.parse("[" + ok + "]"));
    }

    @Test
    void nestingUpToTheLimitIsAccepted() throws Exception {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
    }
}
