package netsense.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import netsense.core.BootstrapSummary;
import netsense.core.BottomKSample;
import netsense.core.DgsmBound;
import netsense.core.GradientSummary;

/**
 * report.html's global-sensitivity charts, inline SVG like the rest of the page: bootstrap
 * whiskers on the sensitivity bars, box plots of the most sensitive dimensions' vector entries
 * (from the p05/p25/p50/p75/p95 quantiles), SHAP-style dependence plots (the vector entry against
 * x_i for the sampled rows), the DGSM bounds, and the groups × dimensions heat map. Sizes are
 * bounded whatever the input: {@link #BOX_DIMENSIONS} dimensions in the box plots,
 * {@link #DEPENDENCE_PLOTS} dependence plots of at most the sample's rows, {@link #HEAT_DIMENSIONS}
 * columns in the heat map (one row per group, at most --max-groups).
 */
final class GlobalCharts {
    /** Dimensions in the box plots and the bounds chart: the most sensitive by mean_sq. */
    static final int BOX_DIMENSIONS = 20;
    /** Dependence plots drawn: the most sensitive dimensions. */
    static final int DEPENDENCE_PLOTS = 6;
    /** Columns of the groups heat map: the most sensitive dimensions overall. */
    static final int HEAT_DIMENSIONS = 12;

    private GlobalCharts() {}

    /** The settings of the DGSM bound, bootstrap, groups and sample, when any is on. */
    static void settings(StringBuilder h, SummaryJson.Global g) {
        if (g.poincare() == null && g.bootstrap() == 0 && g.groupBy() == null && g.sampleRows() == null) {
            return;
        }
        h.append("<section id=\"global\"><h2>Global sensitivity</h2><dl>");
        if (g.poincare() != null) {
            fact(h, "DGSM bound", "S_Ti ≤ C_i · ν_i / D with the Poincaré constant of the " + g.poincare().id()
                    + " distribution, C_i = " + g.poincare().formula()
                    + (g.poincare() == DgsmBound.Poincare.UNIFORM
                    ? (g.inputBounds() == null ? " (a_i, b_i: the observed range)" : " (a_i, b_i: --input-bounds)")
                    : "") + "; ν_i = mean_sq, D = the output's variance (Sobol' & Kucherenko 2009; Lamboni et al."
                    + " 2013)");
        }
        if (g.bootstrap() > 0) {
            fact(h, "Bootstrap", g.bootstrap() + " Poisson(1) replicates, seed " + g.seed() + ", "
                    + String.format(Locale.ROOT, "%.3g", 100 * g.confidence()) + " % percentile intervals");
        }
        if (g.groupBy() != null) {
            fact(h, "Groups", Format.count(g.groups().size()) + " keys of column " + g.groupBy());
        }
        if (g.sampleRows() != null) {
            fact(h, "Sample", Format.count(g.sampleRows()) + " rows by the smallest hash of the row key, in sample/");
        }
        h.append("</dl></section>\n");
    }

    /** Up to {@code k} dimensions by mean_sq, largest first (undefined mean_sq counting as largest). */
    static List<Integer> top(GradientSummary s, int k) {
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < s.dimensions(); i++) {
            dims.add(i);
        }
        dims.sort(Comparator.comparingDouble((Integer i) -> meanSquare(s, i)).reversed()
                .thenComparing(Comparator.naturalOrder()));
        return dims.subList(0, Math.min(k, dims.size()));
    }

    private static double meanSquare(GradientSummary s, int i) {
        Double v = s.dimension(i).meanSquare();
        return v == null ? Double.POSITIVE_INFINITY : v;
    }

    /** A whisker over a sensitivity bar: the interval of √(mean g²). */
    static void errorBar(StringBuilder h, BootstrapSummary.DimensionIntervals ci, int label, int y, double max,
                         int width, String name, String g) {
        BootstrapSummary.Interval sq = ci.meanSquare();
        if (sq == null || !Double.isFinite(sq.lo()) || !Double.isFinite(sq.hi())) {
            return;
        }
        double lo = Math.sqrt(Math.max(0, sq.lo()));
        double hi = Math.sqrt(Math.max(0, sq.hi()));
        int x1 = label + ReportHtml.scale(lo, max, width);
        int x2 = label + ReportHtml.scale(hi, max, width);
        int cy = y + 5;
        h.append("<g class=\"ci\"><line class=\"whisker\" x1=\"").append(x1).append("\" x2=\"").append(x2)
                .append("\" y1=\"").append(cy).append("\" y2=\"").append(cy).append("\"/><line class=\"whisker\" x1=\"")
                .append(x1).append("\" x2=\"").append(x1).append("\" y1=\"").append(cy - 3).append("\" y2=\"")
                .append(cy + 3).append("\"/><line class=\"whisker\" x1=\"").append(x2).append("\" x2=\"").append(x2)
                .append("\" y1=\"").append(cy - 3).append("\" y2=\"").append(cy + 3).append("\"/><title>")
                .append(ReportHtml.esc(name)).append(": interval of √(mean ").append(g).append("²) ")
                .append(Format.sig3(lo)).append(" to ").append(Format.sig3(hi)).append("</title></g>");
    }

    /** Box plots of the shown dimensions' vector entries: whiskers p05–p95, box p25–p75, the median p50. */
    static void boxPlots(StringBuilder h, GradientSummary s, List<String> names, List<Integer> dims, String suffix,
                         boolean plain) {
        double lo = 0;
        double hi = 0;
        for (int i : dims) {
            GradientSummary.Quantiles q = s.quantiles(i);
            if (q != null && q.p05() != null && q.p95() != null) {
                lo = Math.min(lo, q.p05());
                hi = Math.max(hi, q.p95());
            }
        }
        String v = plain ? "gradient" : "attribution";
        int label = 170;
        int width = 520;
        int row = 22;
        int height = row * dims.size() + 30;
        h.append("<section id=\"boxes").append(suffix).append("\"><h2>Distribution of the ").append(v)
                .append(" per dimension</h2><p>The ").append(dims.size()).append(" most sensitive dimensions:")
                .append(" whiskers from p05 to p95, the box from p25 to p75, the line at the median (quantile")
                .append(" sketches, within 1 %). The grey line is 0.</p>\n<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .append(label + width + 20).append(' ').append(height).append("\" width=\"").append(label + width + 20)
                .append("\" height=\"").append(height).append("\"><title>Box plots of the ").append(v)
                .append(" entries of ").append(dims.size()).append(" dimensions</title>\n");
        int zero = label + px(0, lo, hi, width);
        h.append("<line stroke=\"#999\" x1=\"").append(zero).append("\" x2=\"").append(zero)
                .append("\" y1=\"0\" y2=\"").append(height - 24).append("\"/>");
        for (int r = 0; r < dims.size(); r++) {
            int i = dims.get(r);
            String name = names.get(i);
            GradientSummary.Quantiles q = s.quantiles(i);
            int y = r * row + 4;
            h.append("<g class=\"boxplot\"><text class=\"label\" x=\"").append(label - 8).append("\" y=\"").append(y + 12)
                    .append("\">").append(ReportHtml.esc(ReportHtml.shorten(name))).append("</text>");
            if (q != null && q.p05() != null) {
                int a = label + px(q.p05(), lo, hi, width);
                int b = label + px(q.p25(), lo, hi, width);
                int m = label + px(q.p50(), lo, hi, width);
                int c = label + px(q.p75(), lo, hi, width);
                int d = label + px(q.p95(), lo, hi, width);
                h.append("<line class=\"whisker\" x1=\"").append(a).append("\" x2=\"").append(d).append("\" y1=\"")
                        .append(y + 8).append("\" y2=\"").append(y + 8).append("\"/><rect class=\"box\" x=\"").append(b)
                        .append("\" y=\"").append(y + 2).append("\" width=\"").append(Math.max(1, c - b))
                        .append("\" height=\"12\"/><line class=\"median\" x1=\"").append(m).append("\" x2=\"").append(m)
                        .append("\" y1=\"").append(y + 1).append("\" y2=\"").append(y + 15).append("\"/><title>")
                        .append(ReportHtml.esc(name)).append(": p05 ").append(Format.sig3(q.p05())).append(", p25 ")
                        .append(Format.sig3(q.p25())).append(", p50 ").append(Format.sig3(q.p50())).append(", p75 ")
                        .append(Format.sig3(q.p75())).append(", p95 ").append(Format.sig3(q.p95())).append("</title>");
            }
            h.append("</g>\n");
        }
        axis(h, label, width, height, lo, hi);
        h.append("</svg></section>\n");
    }

    /**
     * Dependence plots: for the {@link #DEPENDENCE_PLOTS} most sensitive dimensions, each sampled
     * row's vector entry i (of output {@code output}) against its x_i.
     */
    static void dependence(StringBuilder h, BottomKSample sample, GradientSummary s, List<String> names,
                           List<Integer> dims, int output, String suffix, boolean plain) {
        List<BottomKSample.Row> rows = sample.rows();
        if (rows.isEmpty()) {
            return;
        }
        int n = s.dimensions();
        String g = plain ? "gradient" : "attribution";
        h.append("<section id=\"dependence").append(suffix).append("\"><h2>Dependence plots</h2><p>For the ")
                .append(Math.min(DEPENDENCE_PLOTS, dims.size())).append(" most sensitive dimensions, the ").append(g)
                .append(" entry of each of the ").append(Format.count(rows.size()))
                .append(" sampled rows (sample/) against the input x_i: a flat cloud is a linear effect, a slope or")
                .append(" a bend an interaction or a curvature.</p>\n");
        int w = 300;
        int ht = 200;
        int pad = 34;
        for (int d = 0; d < Math.min(DEPENDENCE_PLOTS, dims.size()); d++) {
            int i = dims.get(d);
            double xlo = Double.POSITIVE_INFINITY;
            double xhi = Double.NEGATIVE_INFINITY;
            double ylo = Double.POSITIVE_INFINITY;
            double yhi = Double.NEGATIVE_INFINITY;
            for (BottomKSample.Row r : rows) {
                double x = r.x()[i];
                double y = r.vector()[output * n + i];
                xlo = Math.min(xlo, x);
                xhi = Math.max(xhi, x);
                ylo = Math.min(ylo, y);
                yhi = Math.max(yhi, y);
            }
            String name = names.get(i);
            h.append("<svg class=\"chart small\" role=\"img\" viewBox=\"0 0 ").append(w).append(' ').append(ht)
                    .append("\" width=\"").append(w).append("\" height=\"").append(ht).append("\"><title>")
                    .append(ReportHtml.esc(g)).append(" entry of ").append(ReportHtml.esc(name)).append(" against ")
                    .append(ReportHtml.esc(name)).append("</title><text class=\"axis\" x=\"").append(pad).append("\" y=\"12\">")
                    .append(ReportHtml.esc(ReportHtml.shorten(name))).append(": ").append(plain ? "g" : "a")
                    .append("_i against x_i</text>\n");
            for (BottomKSample.Row r : rows) {
                double cx = pad + (w - pad - 8) * ReportHtml.position(r.x()[i], xlo, xhi);
                double cy = ht - pad + 10 - (ht - pad - 10) * ReportHtml.position(r.vector()[output * n + i], ylo, yhi);
                Format.tenths(Format.tenths(h.append("<circle class=\"dot\" cx=\""), cx).append("\" cy=\""), cy)
                        .append("\" r=\"2\"/>");
            }
            h.append("\n<text class=\"axis\" x=\"").append(pad).append("\" y=\"").append(ht - 6).append("\">")
                    .append(Format.sig3(xlo)).append("</text><text class=\"axis end\" x=\"").append(w - 8)
                    .append("\" y=\"").append(ht - 6).append("\">").append(Format.sig3(xhi))
                    .append("</text><text class=\"axis\" x=\"2\" y=\"26\">").append(Format.sig3(yhi))
                    .append("</text><text class=\"axis\" x=\"2\" y=\"").append(ht - pad + 8).append("\">")
                    .append(Format.sig3(ylo)).append("</text></svg>\n");
        }
        h.append("</section>\n");
    }

    /** The DGSM bound of the shown dimensions as bars on [0, max(1, largest)]. */
    static void bounds(StringBuilder h, GradientSummary s, SummaryJson.Global global, List<String> names,
                       List<Integer> dims, String suffix) {
        double[] constants = global.constants(s);
        if (constants == null) {
            return;
        }
        double[] b = DgsmBound.bounds(s, constants);
        double max = 1;
        for (int i : dims) {
            max = Double.isFinite(b[i]) ? Math.max(max, b[i]) : max;
        }
        int label = 170;
        int width = 520;
        int row = 18;
        int height = row * dims.size() + 30;
        h.append("<section id=\"dgsm").append(suffix).append("\"><h2>Upper bound on the total Sobol' index</h2><p>")
                .append("C_i · ν_i / D with C_i = ").append(ReportHtml.esc(global.poincare().formula()))
                .append(" (the ").append(global.poincare().id()).append(" Poincaré constant). A bound near 0 means")
                .append(" the output's variance owes little to x_i; the bound may exceed 1.</p>\n")
                .append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(label + width + 60).append(' ')
                .append(height).append("\" width=\"").append(label + width + 60).append("\" height=\"").append(height)
                .append("\"><title>DGSM bounds of ").append(dims.size()).append(" dimensions</title>\n");
        for (int r = 0; r < dims.size(); r++) {
            int i = dims.get(r);
            int y = r * row + 4;
            String v = Double.isFinite(b[i]) ? Format.sig3(b[i]) : "undefined";
            h.append("<text class=\"label\" x=\"").append(label - 8).append("\" y=\"").append(y + 11).append("\">")
                    .append(ReportHtml.esc(ReportHtml.shorten(names.get(i)))).append("</text><rect class=\"bar dgsm\" x=\"")
                    .append(label).append("\" y=\"").append(y).append("\" width=\"")
                    .append(Math.max(1, Double.isFinite(b[i]) ? ReportHtml.scale(b[i], max, width) : 0))
                    .append("\" height=\"13\"><title>").append(ReportHtml.esc(names.get(i))).append(": bound ").append(v)
                    .append("</title></rect>\n");
        }
        axis(h, label, width, height, 0, max);
        h.append("</svg></section>\n");
    }

    /**
     * Groups × dimensions: each cell's shade is the group's mean_sq of the dimension over the
     * largest of that column (so each column shows how the dimension's sensitivity varies
     * between groups); the {@link #HEAT_DIMENSIONS} most sensitive dimensions overall.
     */
    static void heatMap(StringBuilder h, SummaryJson.Global global, int output, List<String> names, List<Integer> top,
                        String suffix) {
        List<Integer> dims = top.subList(0, Math.min(HEAT_DIMENSIONS, top.size()));
        List<SummaryJson.Group> groups = global.groups();
        double[] colMax = new double[dims.size()];
        for (SummaryJson.Group g : groups) {
            GradientSummary s = g.summaries().get(output);
            for (int c = 0; c < dims.size(); c++) {
                Double v = s.count() == 0 ? null : s.dimension(dims.get(c)).meanSquare();
                colMax[c] = v == null ? colMax[c] : Math.max(colMax[c], v);
            }
        }
        int label = 150;
        int cw = 44;
        int ch = groups.size() > 200 ? 4 : 16;
        int head = 90;
        int width = label + cw * dims.size() + 10;
        int height = head + ch * groups.size() + 10;
        h.append("<section id=\"groups").append(suffix).append("\"><h2>Sensitivity per group</h2><p>")
                .append(Format.count(groups.size())).append(" groups of ").append(ReportHtml.esc(global.groupBy()))
                .append(" (rows) × the ").append(dims.size()).append(" most sensitive dimensions (columns): the darker")
                .append(" a cell, the larger the group's mean square of the dimension, relative to the largest in its")
                .append(" column. Each group's figures are in summary.json under groups.</p>\n<div class=\"scroll\">")
                .append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\"><title>Heat map of ").append(groups.size()).append(" groups by ").append(dims.size())
                .append(" dimensions</title>\n");
        for (int c = 0; c < dims.size(); c++) {
            int x = label + c * cw + cw / 2;
            h.append("<text class=\"axis\" transform=\"translate(").append(x).append(',').append(head - 4)
                    .append(") rotate(-60)\">").append(ReportHtml.esc(ReportHtml.shorten(names.get(dims.get(c)))))
                    .append("</text>");
        }
        h.append('\n');
        for (int r = 0; r < groups.size(); r++) {
            SummaryJson.Group g = groups.get(r);
            GradientSummary s = g.summaries().get(output);
            int y = head + r * ch;
            String key = String.valueOf(g.key());
            if (ch >= 10) {
                h.append("<text class=\"label\" x=\"").append(label - 6).append("\" y=\"").append(y + ch - 4).append("\">")
                        .append(ReportHtml.esc(ReportHtml.shorten(key))).append("</text>");
            }
            for (int c = 0; c < dims.size(); c++) {
                Double v = s.count() == 0 ? null : s.dimension(dims.get(c)).meanSquare();
                double t = v == null || colMax[c] <= 0 ? 0 : v / colMax[c];
                h.append("<rect class=\"cell\" x=\"").append(label + c * cw).append("\" y=\"").append(y)
                        .append("\" width=\"").append(cw - 1).append("\" height=\"").append(Math.max(1, ch - 1))
                        .append("\" fill=\"").append(shade(t)).append("\"><title>").append(ReportHtml.esc(key))
                        .append(", ").append(ReportHtml.esc(names.get(dims.get(c)))).append(": ")
                        .append(Format.sig3(v)).append("</title></rect>");
            }
            h.append('\n');
        }
        h.append("</svg></div></section>\n");
    }

    /** White to dark blue for t in [0, 1]. */
    private static String shade(double t) {
        t = Math.max(0, Math.min(1, t));
        int r = (int) Math.round(255 + (11 - 255) * t);
        int g = (int) Math.round(255 + (79 - 255) * t);
        int b = (int) Math.round(255 + (138 - 255) * t);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static int px(double v, double lo, double hi, int width) {
        return (int) Math.round(width * ReportHtml.position(v, lo, hi));
    }

    private static void axis(StringBuilder h, int label, int width, int height, double lo, double hi) {
        h.append("<text class=\"axis\" x=\"").append(label).append("\" y=\"").append(height - 6).append("\">")
                .append(Format.sig3(lo)).append("</text><text class=\"axis end\" x=\"").append(label + width)
                .append("\" y=\"").append(height - 6).append("\">").append(Format.sig3(hi)).append("</text>\n");
    }

    private static void fact(StringBuilder h, String name, String value) {
        h.append("<dt>").append(ReportHtml.esc(name)).append("</dt><dd>").append(ReportHtml.esc(value)).append("</dd>");
    }
}
