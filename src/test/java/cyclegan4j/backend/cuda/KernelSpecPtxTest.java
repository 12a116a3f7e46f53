package cyclegan4j.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks, without a GPU, that the Java launch table ({@link KernelSpec}) agrees with the committed
 * PTX: every declared kernel exists in its module with the declared parameter types, and every
 * kernel in the PTX is declared (launching with a wrong argument list is silent memory corruption).
 */
class KernelSpecPtxTest {

    private static final Pattern ENTRY = Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("\\.param \\.(\\w+) ");

    /** kernel name -> parameter letters (u64 -> p/l, u32/s32 -> i, f32 -> f), per module. */
    private static Map<String, String> entries(String ptx) {
        Map<String, String> out = new HashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            StringBuilder sig = new StringBuilder();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                switch (p.group(1)) {
                    case "u64", "b64", "s64" -> sig.append('8');
                    case "u32", "s32", "b32" -> sig.append('i');
                    case "f32" -> sig.append('f');
                    default -> fail("unexpected PTX parameter type ." + p.group(1) + " in " + m.group(1));
                }
            }
            out.put(m.group(1), sig.toString());
        }
        return out;
    }

    @Test
    void everyKernelSpecMatchesItsPtxEntry() {
        for (KernelSpec k : KernelSpec.values()) {
            String ptx = CudaBackend.readResource(k.resource());
            assertTrue(ptx.contains(".target sm_75"), k.resource() + " should be compute_75 PTX (make ptx)");
            String sig = entries(ptx).get(k.function);
            assertNotNull(sig, k.resource() + " has no entry " + k.function);
            String expected = k.signature.replace('p', '8').replace('l', '8');
            assertEquals(expected, sig, "parameters of " + k.function + " (8 = 64-bit pointer or long long)");
        }
    }

    @Test
    void everyPtxKernelIsDeclared() throws IOException {
        Path dir = Paths.get("src/main/resources/cyclegan4j/ptx");
        EnumSet<KernelSpec> seen = EnumSet.noneOf(KernelSpec.class);
        int files = 0;
        try (DirectoryStream<Path> ptxs = Files.newDirectoryStream(dir, "*.ptx")) {
            for (Path f : ptxs) {
                files++;
                String module = f.getFileName().toString().replace(".ptx", "");
                assertTrue(Files.exists(Paths.get("kernels", module + ".cu")), f + " has no kernels/" + module + ".cu");
                for (String name : entries(Files.readString(f)).keySet()) {
                    KernelSpec match = null;
                    for (KernelSpec k : KernelSpec.values()) {
                        if (k.module.equals(module) && k.function.equals(name)) {
                            match = k;
                        }
                    }
                    assertNotNull(match, "kernel " + name + " in " + f + " is not declared in KernelSpec");
                    seen.add(match);
                }
            }
        }
        assertFalse(files == 0, "no PTX in " + dir);
        assertEquals(EnumSet.allOf(KernelSpec.class), seen);
    }
}
