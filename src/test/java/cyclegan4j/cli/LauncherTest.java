package cyclegan4j.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher script (src/main/scripts/cyclegan4j), run with a stand-in java that prints what it was given. */
class LauncherTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void install() throws Exception {
        Path launcher = Files.copy(Path.of("src/main/scripts/cyclegan4j"), tmp.resolve("cyclegan4j"));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createFile(tmp.resolve("cyclegan4j.jar"));
        Path java = Files.createDirectories(tmp.resolve("jdk/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"LC_ALL=$LC_ALL LC_CTYPE=$LC_CTYPE LANG=$LANG\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The launcher's output, run with {@code env} (null: unset) and a java that prints its locale variables. */
    private String launch(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(tmp.resolve("cyclegan4j").toString(), "info").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", tmp.resolve("jdk").toString());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /**
     * In the C locale (Docker images, cron, ssh without one) Java decodes file names as ASCII: train
     * skipped 'gray é.png' as "cannot open", and translate ended with "Malformed input or input
     * contains unmappable characters". The launcher moves the C locale's charset to UTF-8, as Python
     * does (PEP 538), and leaves a chosen locale alone.
     */
    @Test
    void theCLocaleReadsFileNamesAsUtf8() throws Exception {
        java.util.HashMap<String, String> none = new java.util.HashMap<>();
        none.put("LANG", null);
        none.put("LC_ALL", null);
        none.put("LC_CTYPE", null);
        assertEquals("LC_ALL= LC_CTYPE=C.UTF-8 LANG=", launch(none));
        none.put("LANG", "C");
        assertEquals("LC_ALL= LC_CTYPE=C.UTF-8 LANG=C", launch(none));
        none.put("LC_ALL", "POSIX");
        assertEquals("LC_ALL=C.UTF-8 LC_CTYPE= LANG=C", launch(none));

        java.util.HashMap<String, String> chosen = new java.util.HashMap<>();
        chosen.put("LANG", "de_DE.ISO-8859-1");
        chosen.put("LC_ALL", null);
        chosen.put("LC_CTYPE", null);
        assertEquals("LC_ALL= LC_CTYPE= LANG=de_DE.ISO-8859-1", launch(chosen));
    }

    /**
     * A host without C.UTF-8 (glibc before 2.35 without it installed, as CentOS 7): bash warned
     * "setlocale: LC_CTYPE: cannot change locale" at every run. Such a host is made here by a
     * launcher that asks for a locale no host has.
     */
    @Test
    void aHostWithoutCUtf8PrintsNoWarning() throws Exception {
        Path launcher = tmp.resolve("cyclegan4j");
        Files.writeString(launcher, Files.readString(launcher).replace("=C.UTF-8", "=xx_NONE.UTF-8"));
        java.util.HashMap<String, String> none = new java.util.HashMap<>();
        none.put("LANG", null);
        none.put("LC_ALL", null);
        none.put("LC_CTYPE", null);
        assertEquals("LC_ALL= LC_CTYPE=xx_NONE.UTF-8 LANG=", launch(none));
        none.put("LC_ALL", "C");
        assertEquals("LC_ALL=xx_NONE.UTF-8 LC_CTYPE= LANG=", launch(none));
    }
}
