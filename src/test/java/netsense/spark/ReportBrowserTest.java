package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The report of a real job run, loaded in headless Chromium through the DevTools protocol: the
 * charts are in the rendered page with the right number of bars, a screenshot is taken, and no
 * request leaves the page.
 */
class ReportBrowserTest extends SparkTestBase {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void reportRendersInChromium() throws Exception {
        requireChromium();
        // a real run: 12 dimensions (all drawn), a few bad rows
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true));
        java.util.Random rnd = new java.util.Random(5);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 3000; i++) {
            Double[] x = new Double[12];
            for (int j = 0; j < 12; j++) {
                x[j] = rnd.nextGaussian();
            }
            rows.add(RowFactory.create(i, java.util.Arrays.asList(x)));
        }
        rows.add(RowFactory.create(3000L, null));
        Path input = parquet("in", rows, schema, 2);
        Path out = tmp.resolve("out");
        new GradientJob(spark, GradientJob.Options.of(model("m", randomNetwork(3, 12, 20, 1)).toString(),
                input.toString(), out.toString())).execute();
        Path report = out.resolve("report.html");
        assertTrue(Files.exists(report));

        inChromium(tmp.resolve("chrome-profile"), report, page -> {
            String url = report.toUri().toString();
            JsonNode r = evaluate(page,
                    "JSON.stringify({abs: document.querySelectorAll('#sensitivity rect.bar.abs').length,"
                            + " dgsm: document.querySelectorAll('#sensitivity rect.bar.dgsm').length,"
                            + " normBins: document.querySelectorAll('#norms rect.bin').length,"
                            + " outputBins: document.querySelectorAll('#outputs rect.bin').length,"
                            + " quantiles: document.querySelectorAll('#norms .quantile').length,"
                            + " tableRows: document.querySelectorAll('#dimensions tbody tr').length,"
                            + " svgTitles: document.querySelectorAll('svg > title').length,"
                            + " svgs: document.querySelectorAll('svg').length,"
                            + " boxes: document.querySelectorAll('#boxes .boxplot').length,"
                            + " dependence: document.querySelectorAll('#dependence svg').length,"
                            + " dots: document.querySelectorAll('#dependence circle').length,"
                            + " barWidth: document.querySelector('#sensitivity rect.bar.dgsm').getBoundingClientRect().width,"
                            + " rejected: document.querySelector('#rejected').innerText,"
                            + " title: document.title})");
            assertEquals(12, r.get("abs").asInt(), r.toString());
            assertEquals(12, r.get("dgsm").asInt());
            assertEquals(40, r.get("normBins").asInt());
            assertEquals(40, r.get("outputBins").asInt());
            assertEquals(3, r.get("quantiles").asInt());
            assertEquals(12, r.get("tableRows").asInt());
            assertEquals(r.get("svgs").asInt(), r.get("svgTitles").asInt(), "every chart has a title");
            assertEquals(12, r.get("boxes").asInt(), "a box plot per dimension");
            assertEquals(6, r.get("dependence").asInt(), "dependence plots of the most sensitive dimensions");
            assertEquals(6 * 2000, r.get("dots").asInt(), "a dot per sampled row");
            assertTrue(r.get("barWidth").asDouble() > 100, "the largest bar is drawn wide: " + r);
            assertTrue(r.get("rejected").asText().contains("null features"), r.toString());
            assertEquals("netsense report: [12,20,1]", r.get("title").asText());

            JsonNode shot = page.call("Page.captureScreenshot", Map.of("format", "png"));
            byte[] png = Base64.getDecoder().decode(shot.at("/result/data").asText());
            Path file = Path.of("target", "report-screenshot.png");
            Files.createDirectories(file.getParent());
            Files.write(file, png);
            assertEquals(0x89504E47, ByteBuffer.wrap(png, 0, 4).getInt(), "a PNG");
            int width = ByteBuffer.wrap(png, 16, 4).getInt();
            int height = ByteBuffer.wrap(png, 20, 4).getInt();
            System.err.printf("report screenshot: %s, %d x %d, %,d bytes%n", file, width, height, png.length);
            assertTrue(width >= 1000 && height >= 1000 && png.length > 20_000, width + "x" + height);

            List<String> requested = page.events("Network.requestWillBeSent").stream()
                    .map(e -> e.at("/params/request/url").asText()).toList();
            assertEquals(List.of(url), requested, "the page itself and nothing else");
        });
    }

    /** What to check on a loaded page. */
    interface PageCheck {
        void check(DevTools page) throws Exception;
    }

    /** Skips the test (or fails it on CI) when Chromium is missing. */
    static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI must have Chromium (.ci/run installs it)");
            }
            Assumptions.abort("Chromium is not installed");
        }
    }

    /** Loads {@code report} in headless Chromium (profile in {@code profile}) and runs the check on the loaded page. */
    static void inChromium(Path profile, Path report, PageCheck check) throws Exception {
        Process chrome = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--disable-quic", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=1280,1800", "about:blank").redirectErrorStream(true).start();
        try {
            String browserWs = devToolsUrl(chrome);
            int port = URI.create(browserWs).getPort();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String pageWs = null;
            for (JsonNode t : targets) {
                if ("page".equals(t.path("type").asText())) {
                    pageWs = t.path("webSocketDebuggerUrl").asText();
                }
            }
            assertTrue(pageWs != null, "a page target: " + targets);
            try (DevTools page = new DevTools(http, pageWs)) {
                page.call("Network.enable", Map.of());
                page.call("Page.enable", Map.of());
                page.call("Page.navigate", Map.of("url", report.toUri().toString()));
                page.awaitEvent("Page.loadEventFired", 60);
                check.check(page);
            }
        } finally {
            // the whole tree: Chromium's helpers (renderer, zygote, crash handler) outlive their parent
            // and write into the profile while the test's folder is being deleted
            List<ProcessHandle> helpers = chrome.descendants().toList();
            chrome.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle h : helpers) {
                h.destroyForcibly();
            }
            for (ProcessHandle h : helpers) {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // still there after 10 s: the folder's deletion will say so
                }
            }
        }
    }

    /** The value of a script that returns a JSON string, parsed. */
    static JsonNode evaluate(DevTools page, String expression) throws Exception {
        JsonNode dom = page.call("Runtime.evaluate", Map.of("returnByValue", true, "expression", expression));
        return JSON.readTree(dom.at("/result/result/value").asText());
    }

    static String devToolsUrl(Process chrome) throws Exception {
        BufferedReader err = new BufferedReader(new InputStreamReader(chrome.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = err.readLine()) != null; ) {
                    int at = line.indexOf("ws://");
                    if (line.startsWith("DevTools listening on") && at >= 0) {
                        return line.substring(at).trim();
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("Chromium exited without a DevTools address");
        });
        return url.get(60, TimeUnit.SECONDS);
    }

    /** A minimal Chrome DevTools Protocol client over one WebSocket. */
    static final class DevTools implements WebSocket.Listener, AutoCloseable {
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final List<JsonNode> events = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        DevTools(HttpClient http, String url) throws Exception {
            this.socket = http.newWebSocketBuilder().buildAsync(URI.create(url), this).get(30, TimeUnit.SECONDS);
        }

        JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            pending.put(id, reply);
            ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
            msg.set("params", JSON.valueToTree(params));
            socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
            JsonNode r = reply.get(60, TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new AssertionError(method + ": " + r.get("error"));
            }
            return r;
        }

        void awaitEvent(String method, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (events(method).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no " + method + " within " + seconds + " s");
                }
                Thread.sleep(50);
            }
        }

        List<JsonNode> events(String method) {
            return events.stream().filter(e -> method.equals(e.path("method").asText())).toList();
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(partial.toString());
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                        if (f != null) {
                            f.complete(m);
                        }
                    } else {
                        events.add(m);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    partial.setLength(0);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
