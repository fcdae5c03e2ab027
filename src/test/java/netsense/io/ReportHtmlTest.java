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
}
