package netsense.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netsense.core.GradientSummary;
import org.junit.jupiter.api.Test;

class ReportHtmlTest {
    static final Pattern ABS_BAR = Pattern.compile("<rect class=\"bar abs\"[^>]* data-dim=\"([^\"]*)\" data-value=\"([^\"]*)\">");
    static final Pattern DGSM_BAR = Pattern.compile("<rect class=\"bar dgsm\"[^>]* data-dim=\"([^\"]*)\" data-value=\"([^\"]*)\">");

    static ReportHtml.Run run(long ok, long rejected, Map<String, Long> reasons) {
        return new ReportHtml.Run("[3,4,1]", List.of("tanh", "sigmoid"), 0, 21,
                new SummaryJson.Rows(ok + rejected, ok, rejected), reasons, "permissive", 2.5, "local[2]", "4.2.0",
                "in/x", "out/x");
    }

    static GradientSummary summary(int dims, int rows, long seed) {
        Random rnd = new Random(seed);
        GradientSummary s = new GradientSummary(dims);
        double[] g = new double[dims];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < dims; j++) {
                g[j] = (j + 1) * (rnd.nextGaussian() + (j % 2 == 0 ? 0.5 : -0.5));
            }
            s.add(rnd.nextDouble(), g);
        }
        return s;
    }

    static List<String> names(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("x" + i);
        }
        return names;
    }

    @Test
    void oneBarPairPerShownDimensionWithItsValuesSortedByDgsm() {
        GradientSummary s = summary(7, 500, 1);
        String page = ReportHtml.render(run(500, 0, Map.of()), s, names(7));
        Matcher m = ABS_BAR.matcher(page);
        List<String> order = new ArrayList<>();
        while (m.find()) {
            int index = Integer.parseInt(m.group(1).substring(1));
            assertEquals(s.dimension(index).meanAbs(), Double.parseDouble(m.group(2)), 0, m.group(1));
            order.add(m.group(1));
        }
        assertEquals(7, order.size());
        // dimension j scales as j + 1: the largest first
        assertEquals(List.of("x6", "x5", "x4", "x3", "x2", "x1", "x0"), order);
        Matcher d = DGSM_BAR.matcher(page);
        int bars = 0;
        while (d.find()) {
            int index = Integer.parseInt(d.group(1).substring(1));
            assertEquals(Math.sqrt(s.dimension(index).meanSquare()), Double.parseDouble(d.group(2)), 1e-15);
            bars++;
        }
        assertEquals(7, bars);
        // signs: even dimensions have mean +0.5(j+1), odd ones −0.5(j+1)
        assertTrue(page.contains("x6: mean g = "), page);
        assertEquals(4, count(page, "class=\"sign pos\""));
        assertEquals(3, count(page, "class=\"sign neg\""));
        assertTrue(page.contains("Content-Security-Policy"));
        assertTrue(page.contains("500 in, 500 ok, 0 rejected (mode permissive)"));
        assertTrue(page.contains("<section id=\"norms\">") && page.contains("class=\"bin\""));
        assertEquals(3, count(page, "class=\"quantile\""));
        assertFalse(page.contains("http://") || page.contains("https://") || page.contains("src="), "no request");
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void namesAreEscaped() {
        List<String> names = List.of("<script>alert(1)</script>", "a&b \"q\"");
        String page = ReportHtml.render(run(10, 0, Map.of("<b>bad</b>", 2L)), summary(2, 10, 2), names);
        assertFalse(page.contains("<script>"), "a dimension name is text, not markup");
        assertFalse(page.contains("<b>bad</b>"));
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(page.contains("a&amp;b &quot;q&quot;"));
    }

    @Test
    void oneDimension() {
        String page = ReportHtml.render(run(50, 0, Map.of()), summary(1, 50, 3), names(1));
        assertEquals(1, count(page, "class=\"bar abs\""));
        assertFalse(page.contains("more are in the table"));
    }

    @Test
    void tenThousandDimensionsShowFortyBarsAndSayHowManyAreLeftOut() {
        String page = ReportHtml.render(run(20, 0, Map.of()), summary(10_000, 20, 4), names(10_000));
        assertEquals(ReportHtml.SHOWN_DIMENSIONS, count(page, "class=\"bar abs\""));
        assertTrue(page.contains("The 40 most sensitive of 10,000 dimensions are shown; 9,960 more are in the table"),
                "note on what is left out");
        assertEquals(10_000, count(page, "<tr><td>") - 0);
        assertFalse(page.contains("NaN"));
    }

    @Test
    void zeroGoodRowsGivesAPageWithoutNaN() {
        String page = ReportHtml.render(run(0, 3, Map.of("null features", 3L)), new GradientSummary(4), names(4));
        assertTrue(page.contains("No good rows"));
        assertTrue(page.contains("<td>null features</td><td>3</td>"));
        assertFalse(page.contains("NaN"));
        assertFalse(page.contains("Infinity"));
    }

    @Test
    void numbersForPeople() {
        assertEquals("0.123", Format.sig3(0.123456));
        assertEquals("123", Format.sig3(123.456));
        assertEquals("1.23e-05", Format.sig3(1.23456e-5));
        assertEquals("1.23e+06", Format.sig3(1234567.0));
        assertEquals("n/a", Format.sig3(null));
        assertEquals("1,234,567", Format.count(1234567));
    }

    static final Pattern BIN = Pattern.compile("<rect class=\"bin\"[^>]* data-count=\"(\\d+)\">");

    /** The counts of the bins of one histogram section. */
    static List<Long> bins(String page, String section) {
        int from = page.indexOf("<section id=\"" + section + "\">");
        assertTrue(from >= 0, section);
        String part = page.substring(from, page.indexOf("</section>", from));
        List<Long> counts = new ArrayList<>();
        Matcher m = BIN.matcher(part);
        while (m.find()) {
            counts.add(Long.parseLong(m.group(1)));
        }
        return counts;
    }

    /**
     * The report never fails a run: outputs all within a few ulps of 1.0 (a saturated sigmoid) and
     * a constant gradient, one row, ±0 only, a range wider than the largest double — each gets
     * its charts, every row counted once, and no NaN on the page.
     */
    @Test
    void everyDegenerateDistributionGetsAChart() {
        double one = 1.0;
        double[][] outputs = {
            {one, Math.nextDown(one), Math.nextDown(Math.nextDown(one)), one, one},
            {0.25},
            {0.0, -0.0, 0.0},
            {-1e308, 1e308, 0, 1.7e308, -1.7e308},
            {1.0, 1.0, 1.0},
        };
        for (double[] out : outputs) {
            GradientSummary s = new GradientSummary(2);
            for (int r = 0; r < out.length; r++) {
                double g = out.length == 5 && out[0] < -1 ? out[r] : 0.5; // a huge range of norms too
                s.add(out[r], new double[] {g, r % 2 == 0 ? -0.0 : 0.0});
            }
            String page = ReportHtml.render(run(out.length, 0, Map.of()), s, names(2));
            String what = java.util.Arrays.toString(out);
            assertEquals(out.length, bins(page, "norms").stream().mapToLong(Long::longValue).sum(), what);
            assertEquals(out.length, bins(page, "outputs").stream().mapToLong(Long::longValue).sum(), what);
            assertFalse(page.contains("NaN"), what);
            assertFalse(page.contains("-0.00"), what);
        }
    }

    @Test
    void binsSplitTheRangeEvenlyAndCountFromTheSketch() {
        GradientSummary s = new GradientSummary(1);
        for (int i = 0; i < 100; i++) {
            s.add(i, new double[] {1});
        }
        ReportHtml.Histogram h = ReportHtml.bin(s.distribution(GradientSummary.Scalar.OUTPUT), 4);
        assertEquals(List.of(0.0, 24.75, 49.5, 74.25, 99.0), java.util.Arrays.stream(h.edges()).boxed().toList());
        // [0, 24.75) holds 0..24, [24.75, 49.5) 25..49, [49.5, 74.25) 50..74, [74.25, 99] 75..99
        assertEquals(List.of(25L, 25L, 25L, 25L), java.util.Arrays.stream(h.counts()).boxed().toList());
        // a range of three doubles: one bin per distinct edge, no empty-width bins
        GradientSummary t = new GradientSummary(1);
        for (double v : new double[] {1.0, Math.nextDown(1.0), Math.nextDown(Math.nextDown(1.0))}) {
            t.add(v, new double[] {1});
        }
        ReportHtml.Histogram few = ReportHtml.bin(t.distribution(GradientSummary.Scalar.OUTPUT), 40);
        assertEquals(3, few.edges().length);
        assertEquals(List.of(1L, 2L), java.util.Arrays.stream(few.counts()).boxed().toList());
        // beyond the double range: finite, increasing edges
        GradientSummary u = new GradientSummary(1);
        u.add(-1.7e308, new double[] {1});
        u.add(1.7e308, new double[] {1});
        ReportHtml.Histogram wide = ReportHtml.bin(u.distribution(GradientSummary.Scalar.OUTPUT), 40);
        assertEquals(41, wide.edges().length);
        for (int i = 1; i < wide.edges().length; i++) {
            assertTrue(Double.isFinite(wide.edges()[i]) && wide.edges()[i] > wide.edges()[i - 1]);
        }
        assertEquals(0.0, wide.edges()[20], 0);
        assertEquals(0.5, ReportHtml.position(0.0, -1.7e308, 1.7e308), 0);
    }
}
