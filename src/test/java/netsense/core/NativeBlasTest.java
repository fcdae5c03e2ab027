package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Native BLAS is looked for before netlib is asked, and the log line says what runs and why. */
class NativeBlasTest {
    /** Prints the backend line, as a driver or executor logs it. */
    public static void main(String[] args) {
        System.out.println(GradientKernel.backend());
    }

    @Test
    void findsLibrariesWhereTheLoaderLooks() {
        assertNotNull(NativeBlas.find("libc.so.6"), "glibc, which every JVM here loads");
        assertNull(NativeBlas.find("libnetsense-no-such-library.so.9"));
    }

    @Test
    void aFreshJvmSaysWhichBlasRunsAndWhyWithoutNetlibsStderrNoise() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                NativeBlasTest.class.getName())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        Path blas = NativeBlas.find("libblas.so.3");
        if (blas == null) {
            assertTrue(out.contains("native BLAS: not used, no libblas.so.3 where the dynamic loader looks"), out);
            assertFalse(err.contains("dlopen"), "netlib was asked anyway: " + err);
        } else {
            assertTrue(out.contains("native BLAS: " + blas) || out.contains("did not load"), out);
        }
    }
}
