package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netsense.core.BootstrapSummary;
import netsense.core.BottomKSample;
import netsense.core.DgsmBound;
import netsense.core.GradientSummary;
import netsense.io.ReportHtml;
import netsense.io.SummaryJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report at the sizes the SPEC allows: 10,000 dimensions with the bootstrap, bounds and a
 * sample; 1,000 groups. Each stays under 5 MB and renders in headless Chromium with its charts
 * bounded (box plots and dependence plots of the most sensitive dimensions, one heat-map row per
 * group), and requests nothing.
 */
class GlobalReportBrowserTest {
    static final long MAX_BYTES = 5L << 20;

    @TempDir
    Path tmp;

    /** {@code rows} random rows of n dimensions into the summary, bootstrap and sample (each unless null). */
    static void fill(int rows, int n, long seed, GradientSummary s, BootstrapSummary b, BottomKSample sample) {
        Random rnd = new Random(seed);
        double[] x = new double[rows * n];
        double[] g = new double[rows * n];
        double[] y = new double[rows];
        long[] keys = new long[rows];
        for (int r = 0; r < rows; r++) {
            keys[r] = seed * 1_000_003 + r;
            for (int i = 0; i < n; i++) {
                x[r * n + i] = rnd.nextDouble();
                g[r * n + i] = (1 + i % 7) * (x[r * n + i] - 0.5) + 0.1 * rnd.nextGaussian();
                y[r] += g[r * n + i];
            }
        }
        s.addBlock(y, 0, g, 0, rows, null, x, 0);
        if (b != null) {
            b.addBlock(keys, 0, y, 0, g, 0, rows);
        }
        if (sample != null) {
            sample.addBlock(keys, 0, x, 0, g, 0, y, 0, rows, null, 0);
        }
    }

    static ReportHtml.Run run(int n, long rows) {
        return new ReportHtml.Run("[" + n + ",1]", List.of("identity"), 0, n + 1L,
                new SummaryJson.Rows(rows, rows, 0), Map.of(), "permissive", 1.0, "local[2]", "4.2", "in", "out");
    }

    static List<String> names(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> "x" + i).toList();
    }

    /** The page written to a file, checked to be under {@link #MAX_BYTES}. */
    Path write(String html, String name) throws Exception {
        Path report = tmp.resolve(name + ".html");
        Files.writeString(report, html, StandardCharsets.UTF_8);
        long bytes = Files.size(report);
        System.err.printf("report %s: %,d bytes%n", name, bytes);
        assertTrue(bytes < MAX_BYTES, bytes + " bytes");
        return report;
    }

    @Test
    void tenThousandDimensionsStayUnderFiveMegabytesAndRender() throws Exception {
        ReportBrowserTest.requireChromium();
        int n = 10_000;
        GradientSummary s = new GradientSummary(n);
        BootstrapSummary b = new BootstrapSummary(30, n, 1);
        BottomKSample sample = new BottomKSample(BottomKSample.DEFAULT_ROWS, n, n, 1);
        fill(300, n, 1, s, b, sample);
        double[][] none = null;
        SummaryJson.Global global = new SummaryJson.Global(DgsmBound.Poincare.UNIFORM, none, 30, 0.95, 1,
                null, null, List.of(), sample.size());
        double[] constants = global.constants(s);
        global = new SummaryJson.Global(DgsmBound.Poincare.UNIFORM, none, 30, 0.95, 1,
                List.of(b.intervals(0.95, constants)), null, List.of(), sample.size());
        Path report = write(ReportHtml.render(run(n, 300), SummaryJson.Vectors.of(s), names(n), List.of(), global,
                sample), "10000-dimensions");
        ReportBrowserTest.inChromium(tmp.resolve("profile"), report, page -> {
            JsonNode r = ReportBrowserTest.evaluate(page, "JSON.stringify({"
                    + " rows: document.querySelectorAll('#dimensions tbody tr').length,"
                    + " bars: document.querySelectorAll('#sensitivity rect.bar.dgsm').length,"
                    + " whiskers: document.querySelectorAll('#sensitivity g.ci').length,"
                    + " boxes: document.querySelectorAll('#boxes .boxplot').length,"
                    + " plots: document.querySelectorAll('#dependence svg').length,"
                    + " bounds: document.querySelectorAll('#dgsm rect').length,"
                    + " height: document.body.scrollHeight})");
            assertEquals(n, r.get("rows").asInt(), r.toString());
            assertEquals(ReportHtml.SHOWN_DIMENSIONS, r.get("bars").asInt());
            assertEquals(ReportHtml.SHOWN_DIMENSIONS, r.get("whiskers").asInt());
            assertEquals(20, r.get("boxes").asInt());
            assertEquals(6, r.get("plots").asInt());
            assertEquals(20, r.get("bounds").asInt());
            assertTrue(r.get("height").asInt() < 20_000, "the long table scrolls in its box: " + r);
            List<String> requested = page.events("Network.requestWillBeSent").stream()
                    .map(e -> e.at("/params/request/url").asText()).toList();
            assertEquals(List.of(report.toUri().toString()), requested, "the page itself and nothing else");
        });
    }

    @Test
    void aThousandGroupsStayUnderFiveMegabytesAndRender() throws Exception {
        ReportBrowserTest.requireChromium();
        int n = 16;
        GradientSummary all = new GradientSummary(n);
        List<SummaryJson.Group> groups = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            GradientSummary g = new GradientSummary(n);
            fill(20, n, 100 + k, g, null, null);
            fill(20, n, 100 + k, all, null, null);
            groups.add(new SummaryJson.Group(String.format("key-%04d", k), List.of(g)));
        }
        SummaryJson.Global global = new SummaryJson.Global(null, null, 0, 0.95, 0, null, "segment", groups, null);
        Path report = write(ReportHtml.render(run(n, 20_000), SummaryJson.Vectors.of(all), names(n), List.of(), global,
                null), "1000-groups");
        ReportBrowserTest.inChromium(tmp.resolve("profile"), report, page -> {
            JsonNode r = ReportBrowserTest.evaluate(page, "JSON.stringify({"
                    + " cells: document.querySelectorAll('#groups rect.cell').length,"
                    + " width: document.querySelector('#groups rect.cell').getBoundingClientRect().width})");
            assertEquals(1000 * 12, r.get("cells").asInt(), r.toString());
            assertTrue(r.get("width").asDouble() > 20, "cells are drawn: " + r);
        });
    }
}
