package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Vector API activations give the same bits whatever the JIT did: two fresh JVMs, one
 * interpreting everything ({@code -Xint}) and one that ran the loops until C2 compiled them
 * ({@code -Xbatch}, checked with {@code -XX:+PrintCompilation}), evaluate every activation over
 * the same 4,099 arguments ({@link ActivationBits}) and must print the same hash of the raw
 * bits — as must this JVM. (With the Vector API's own EXP, the compiled loops run a vendor
 * routine and the interpreted ones {@code Math.exp}, and the hashes of sigmoid, tanh and
 * softplus differ.)
 */
class ActivationDeterminismTest {

    /** Runs a JVM on this one's classpath; its standard output, after checking it ended with 0. */
    static String run(List<String> jvmOptions, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM " + cmd + " did not end");
        assertEquals(0, p.exitValue(), "child JVM " + cmd + " failed:\n" + out);
        return out;
    }

    static Map<String, String> hashes(String out) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.matches("[a-z_]+ [0-9a-f]+")) {
                String[] f = line.split(" ");
                h.put(f[0], f[1]);
            }
        }
        return h;
    }

    @Test
    void interpretedAndC2CompiledGiveTheSameBits() throws Exception {
        String main = ActivationBits.class.getName();
        Map<String, String> interpreted = hashes(run(List.of("--add-modules", "jdk.incubator.vector", "-Xint"), main));
        String compiledOut = run(List.of("--add-modules", "jdk.incubator.vector", "-Xbatch", "-XX:+PrintCompilation"),
                main, "warm");
        for (String loop : List.of("sigmoid", "tanh", "softplus")) {
            // PrintCompilation's line: timestamp, id, [flags,] tier 4 (C2), method
            assertTrue(compiledOut.lines().anyMatch(l -> l.matches(
                            ".*\\s4\\s+netsense\\.core\\.VectorActivations::" + loop + " .*")),
                    "C2 did not compile VectorActivations." + loop + " in the warm JVM:\n" + compiledOut);
        }
        Map<String, String> compiled = hashes(compiledOut);
        assertEquals(Activation.values().length, interpreted.size(), interpreted.toString());
        assertEquals(interpreted, compiled, "-Xint against C2");
        Map<String, String> here = new LinkedHashMap<>();
        double[] z = ActivationBits.arguments();
        for (Activation a : Activation.values()) {
            here.put(a.id(), Long.toHexString(ActivationBits.hash(a, z)));
        }
        assertEquals(interpreted, here, "-Xint against this JVM");
    }
}
