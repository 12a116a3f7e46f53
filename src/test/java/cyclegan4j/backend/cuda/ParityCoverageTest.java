package cyclegan4j.backend.cuda;

import cyclegan4j.backend.Backend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs everywhere: fails when a Backend method has no GPU parity case (add one to ParityCases). */
class ParityCoverageTest {

    private static final Set<String> NOT_NUMERIC = Set.of("name", "synchronize", "takeDevicePeaks");

    @Test
    void everyBackendMethodHasAParityCase() {
        Set<String> methods = new TreeSet<>();
        for (Method m : Backend.class.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) && !NOT_NUMERIC.contains(m.getName())) { // defaults too: a device may override them
                methods.add(m.getName());
            }
        }
        Set<String> covered = new TreeSet<>();
        ParityCases.all().forEach(c -> covered.addAll(c.methods()));
        Set<String> missing = new TreeSet<>(methods);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "Backend methods without a GPU parity case: " + missing);
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(methods);
        assertEquals(Set.of(), unknown, "parity cases name methods Backend does not have");
        assertTrue(methods.size() >= 30, "found only " + methods);
    }
}
