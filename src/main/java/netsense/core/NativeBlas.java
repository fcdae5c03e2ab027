package netsense.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Native BLAS through Spark's bundled dev.ludovic.netlib, loaded once per JVM — and only when
 * its library is there: netlib's loader prints {@code JNI_OnLoad: dlopen(libblas.so.3) failed}
 * on stderr when it is not, so the library is looked for first, where the dynamic loader
 * looks (the property {@code dev.ludovic.netlib.blas.nativeLibPath}, else the name in
 * {@code dev.ludovic.netlib.blas.nativeLib}, default {@code libblas.so.3}, in
 * LD_LIBRARY_PATH, java.library.path, the ld.so cache and configuration, and the system
 * library folders). {@link #status()} says which and why, for the backend's log line.
 */
final class NativeBlas {
    private static dev.ludovic.netlib.blas.BLAS instance;
    private static String status;

    private NativeBlas() {}

    /** Netlib's native BLAS, or null when its library is absent or does not load (see {@link #status()}). */
    static synchronized dev.ludovic.netlib.blas.BLAS instance() {
        if (status == null) {
            load();
        }
        return instance;
    }

    /** "native BLAS: FILE", or why it is not used; null until {@link #instance()} was called. */
    static synchronized String status() {
        return status;
    }

    private static void load() {
        String path = System.getProperty("dev.ludovic.netlib.blas.nativeLibPath");
        String name = System.getProperty("dev.ludovic.netlib.blas.nativeLib", "libblas.so.3");
        Path found = path != null ? (Files.isRegularFile(Path.of(path)) ? Path.of(path) : null) : find(name);
        if (found == null) {
            status = "native BLAS: not used, " + (path != null ? path + " does not exist"
                    : "no " + name + " where the dynamic loader looks") + " (install OpenBLAS, e.g. Debian's"
                    + " libopenblas0, or name a library with -Ddev.ludovic.netlib.blas.nativeLibPath=FILE)";
            return;
        }
        try {
            instance = dev.ludovic.netlib.blas.NativeBLAS.getInstance();
            status = "native BLAS: " + found;
        } catch (RuntimeException | LinkageError e) {
            status = "native BLAS: not used, " + found + " did not load: " + e;
        }
    }

    /** Where the dynamic loader would find a library of this name, or null. */
    static Path find(String name) {
        if (name.contains("/")) {
            return Files.isRegularFile(Path.of(name)) ? Path.of(name) : null;
        }
        for (String dir : folders()) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return fromLoaderCache(name);
    }

    private static Set<String> folders() {
        Set<String> dirs = new LinkedHashSet<>();
        for (String list : new String[] {System.getenv("LD_LIBRARY_PATH"), System.getProperty("java.library.path")}) {
            if (list != null) {
                for (String d : list.split(":")) {
                    if (!d.isEmpty()) {
                        dirs.add(d);
                    }
                }
            }
        }
        List<Path> conf = new ArrayList<>(List.of(Path.of("/etc/ld.so.conf")));
        try (DirectoryStream<Path> more = Files.newDirectoryStream(Path.of("/etc/ld.so.conf.d"), "*.conf")) {
            more.forEach(conf::add);
        } catch (IOException | RuntimeException e) {
            // no such folder: the system folders below remain
        }
        for (Path c : conf) {
            try {
                for (String line : Files.readAllLines(c)) {
                    String d = line.strip();
                    if (d.startsWith("/")) {
                        dirs.add(d);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable: skipped
            }
        }
        for (String d : new String[] {"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib"}) {
            dirs.add(d);
            try (DirectoryStream<Path> arch = Files.newDirectoryStream(Path.of(d), "*-linux-gnu*")) {
                arch.forEach(a -> dirs.add(a.toString()));
            } catch (IOException | RuntimeException e) {
                // no such folder
            }
        }
        return dirs;
    }

    /** The path /etc/ld.so.cache holds for the name (its strings are NUL-terminated paths), or null. */
    private static Path fromLoaderCache(String name) {
        try {
            String cache = new String(Files.readAllBytes(Path.of("/etc/ld.so.cache")), StandardCharsets.ISO_8859_1);
            int at = cache.indexOf("/" + name + "\0");
            if (at < 0) {
                return null;
            }
            int start = cache.lastIndexOf('\0', at) + 1;
            Path p = Path.of(cache.substring(start, at + 1 + name.length()));
            return Files.isRegularFile(p) ? p : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
