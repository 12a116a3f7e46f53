package cyclegan4j.backend.cuda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes JCuda's natives load on hosts that only have newer CUDA libraries (see the GPU notes,
 * "the two traps").
 *
 * <p>Trap 1 (name): {@code jcudnn:11.7.0} ships {@code libJCudnn-11.7.0-linux-x86_64.so}, but JCuda
 * 12.6's loader asks for {@code libJCudnn-12.6.0-linux-x86_64.so}. The build solves it: the pom's
 * maven-dependency-plugin unpacks the 11.7.0 native into the classes folder under the 12.6.0 name
 * ({@code /lib/libJCudnn-12.6.0-linux-x86_64.so}), where JCuda's LibUtils finds it as a classpath
 * resource (JNI symbol names carry no version, so the same file works). Nothing to do at run time.
 *
 * <p>Trap 2 (versioned symbols): {@code libJCudnn} needs {@code libcudnn.so.8} and {@code libJCublas2}
 * needs {@code libcublas.so.12}, with every function bound to those version nodes, so a symlink to
 * {@code .so.9} / {@code .so.13} does not work. {@code make compat} builds forwarding libraries with
 * the old soname and version node whose functions jump to the new library (kernels/compat/). When the
 * old library is absent and the new one exists, {@link #prepareCudnn} / {@link #prepareCublas}
 * {@code System.load} the new library by absolute path and then the forwarder, before the first
 * JCudnn / JCublas call: the dynamic loader then satisfies the JCuda native's {@code NEEDED} entry
 * with the already-loaded object of that soname. On hosts that have the old libraries nothing is
 * loaded here.
 *
 * <p>Where the forwarders are looked up: {@code -Dcyclegan4j.compatDir}, {@code $CYCLEGAN4J_COMPAT_DIR},
 * then {@code native/} or {@code compat/} next to or above the application jar (the dist bundle),
 * then {@code target/compat} under the working directory (a development checkout).
 */
public final class NativeCompat {

    /** What to do for one library. */
    enum Decision { NATIVE, FORWARD, MISSING }

    private static final Map<String, String> done = new HashMap<>();

    private NativeCompat() {
    }

    /** Prepares cuDNN; returns a note for logs ("" when the host has libcudnn.so.8). */
    static synchronized String prepareCudnn() {
        return prepare("libcudnn.so.8", "libcudnn.so.9", List.of());
    }

    /** Prepares cuBLAS (libcublas.so.13 needs libcublasLt.so.13 from its own folder). */
    static synchronized String prepareCublas() {
        return prepare("libcublas.so.12", "libcublas.so.13", List.of("libcublasLt.so.13"));
    }

    static Decision decide(String old, String modern, List<Path> dirs) {
        if (find(old, dirs) != null) {
            return Decision.NATIVE;
        }
        return find(modern, dirs) != null ? Decision.FORWARD : Decision.MISSING;
    }

    private static String prepare(String old, String modern, List<String> modernDeps) {
        String note = done.get(old);
        if (note != null) {
            return note;
        }
        List<Path> dirs = searchDirs();
        switch (decide(old, modern, dirs)) {
            case NATIVE -> note = "";
            case MISSING -> throw new IllegalStateException("neither " + old + " nor " + modern
                    + " was found (searched LD_LIBRARY_PATH, the ldconfig cache and the usual CUDA folders)");
            case FORWARD -> {
                Path target = find(modern, dirs);
                Path forwarder = forwarder(old);
                for (String dep : modernDeps) {
                    Path d = target.resolveSibling(dep);
                    if (!Files.exists(d)) {
                        d = find(dep, dirs);
                    }
                    if (d != null) {
                        System.load(d.toAbsolutePath().toString());
                    }
                }
                System.load(target.toAbsolutePath().toString());
                System.load(forwarder.toAbsolutePath().toString());
                note = old + " forwarded to " + target;
            }
            default -> throw new IllegalStateException();
        }
        done.put(old, note);
        return note;
    }

    /** The forwarding library for {@code soname}, or an error that says how to build it. */
    static Path forwarder(String soname) {
        List<Path> tried = compatDirs();
        for (Path dir : tried) {
            Path f = dir.resolve(soname);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException(soname + " is absent and its forwarding library was not found in " + tried
                + ": build it with 'make compat' (or use the dist bundle), or set -Dcyclegan4j.compatDir");
    }

    static List<Path> compatDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        String prop = System.getProperty("cyclegan4j.compatDir");
        if (prop != null && !prop.isBlank()) {
            dirs.add(Paths.get(prop));
        }
        String env = System.getenv("CYCLEGAN4J_COMPAT_DIR");
        if (env != null && !env.isBlank()) {
            dirs.add(Paths.get(env));
        }
        try {
            Path code = Paths.get(NativeCompat.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(code) ? code : code.getParent();
            for (int up = 0; up < 3 && dir != null; up++, dir = dir.getParent()) {
                dirs.add(dir.resolve("native"));
                dirs.add(dir.resolve("compat"));
            }
        } catch (URISyntaxException | RuntimeException ignored) {
            // no code source (unusual class loader): the other places still apply
        }
        dirs.add(Paths.get("target", "compat").toAbsolutePath());
        return new ArrayList<>(dirs);
    }

    /** The first existing file called {@code name} in {@code dirs}, or null. */
    static Path find(String name, List<Path> dirs) {
        for (Path d : dirs) {
            Path f = d.resolve(name);
            if (Files.exists(f)) {
                return f;
            }
        }
        return null;
    }

    /** Where the dynamic loader would look: LD_LIBRARY_PATH, the ldconfig cache, the usual folders. */
    static List<Path> searchDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String s : ld.split(":")) {
                if (!s.isBlank()) {
                    dirs.add(Paths.get(s));
                }
            }
        }
        dirs.addAll(ldconfigDirs());
        for (String s : new String[]{"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/local/cuda-12.0/lib64"}) {
            dirs.add(Paths.get(s));
        }
        try (DirectoryStream<Path> cudas = Files.newDirectoryStream(Paths.get("/usr/local"), "cuda-*")) {
            for (Path c : cudas) {
                dirs.add(c.resolve("targets/x86_64-linux/lib"));
                dirs.add(c.resolve("lib64"));
            }
        } catch (IOException | RuntimeException ignored) {
            // no /usr/local/cuda-*: fine
        }
        return new ArrayList<>(dirs);
    }

    private static List<Path> ldconfigDirs() {
        List<Path> out = new ArrayList<>();
        for (String exe : new String[]{"/sbin/ldconfig", "/usr/sbin/ldconfig"}) {
            if (!Files.isExecutable(Paths.get(exe))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        int arrow = line.indexOf("=> ");
                        if (arrow > 0 && (line.contains("cudnn") || line.contains("cublas"))) {
                            Path parent = Paths.get(line.substring(arrow + 3).trim()).getParent();
                            if (parent != null && !out.contains(parent)) {
                                out.add(parent);
                            }
                        }
                    }
                }
                p.waitFor(5, TimeUnit.SECONDS);
                p.destroy();
            } catch (IOException e) {
                // ldconfig unusable: the fixed folders still apply
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            break;
        }
        return out;
    }
}
