package netsense.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netsense.core.GradientSummary;

/**
 * report.html: one self-contained page (inline CSS and SVG; a Content-Security-Policy that
 * allows no request at all) drawn from the same numbers as summary.json — run facts, the
 * sensitivity of each input dimension as bars, the distributions of the gradient's L2 norm
 * and of the output, every dimension's figures and the rejected rows by reason.
 */
public final class ReportHtml {
    /** Dimensions drawn as bars; the table lists them all. */
    public static final int SHOWN_DIMENSIONS = 40;
    static final int BINS = 40;

    /** What the page says about the run besides the summary. */
    public record Run(String modelShape, List<String> activations, int outputIndex, long parameters,
                      SummaryJson.Rows rows, Map<String, Long> rejectedByKind, String mode, double seconds,
                      String master, String sparkVersion, String input, String output) {}

    private ReportHtml() {}

    public static String render(Run run, GradientSummary summary, List<String> names) {
        return render(run, summary, names, List.of());
    }

    /** The page, with a line naming the input files skipped as corrupt when there are any. */
    public static String render(Run run, GradientSummary summary, List<String> names, List<String> skippedFiles) {
        return render(run, SummaryJson.Vectors.of(summary), names, skippedFiles);
    }

    /** The script of the output selector, and its hash for the page's Content-Security-Policy. */
    static final String SELECT_SCRIPT = "document.getElementById('output-select').addEventListener('change',"
            + "function(e){document.querySelectorAll('.output-view').forEach(function(v){"
            + "v.hidden=v.dataset.output!==e.target.value;});});";

    private static String scriptHash() {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(SELECT_SCRIPT.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getEncoder().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The page for any method: with every output ({@code --output-index all}) one view per
     * output, a select box switching between them (its one inline script allowed by its hash;
     * still no request of any kind).
     */
    public static String render(Run run, SummaryJson.Vectors vectors, List<String> names, List<String> skippedFiles) {
        return render(run, vectors, names, skippedFiles, SummaryJson.Global.NONE, null);
    }

    /**
     * The page with the global-sensitivity figures ({@link GlobalCharts}): the DGSM bound's
     * constant named, bootstrap error bars on the sensitivity bars, box plots per shown
     * dimension from the quantiles, dependence plots from the sample (null: none) and the
     * groups × dimensions heat map.
     */
    public static String render(Run run, SummaryJson.Vectors vectors, List<String> names, List<String> skippedFiles,
                                SummaryJson.Global global, netsense.core.BottomKSample sample) {
        GradientSummary summary = vectors.summaries().get(0);
        boolean all = vectors.allOutputs();
        String method = vectors.method().name();
        boolean plain = method.equals("gradient");
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'").append(all ? "; script-src 'sha256-" + scriptHash() + "'" : "")
                .append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>netsense report: ").append(esc(run.modelShape())).append("</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<header><h1>Input-gradient sensitivity</h1><p>Model ").append(esc(run.modelShape()))
                .append(" (").append(esc(String.join(", ", run.activations()))).append("), ")
                .append(plain ? "gradient" : esc(method)).append(all ? " of every output" : " of output "
                        + run.outputIndex()).append(", over ").append(Format.count(run.rows().ok()))
                .append(" rows.</p></header>\n");
        facts(h, run);
        if (!vectors.method().settings().isEmpty()) {
            h.append("<section id=\"method\"><h2>Method</h2><dl>");
            fact(h, "Method", method);
            vectors.method().settings().forEach((k, v) -> fact(h, k, String.valueOf(v)));
            h.append("</dl></section>\n");
        }
        GlobalCharts.settings(h, global);
        skippedFiles(h, skippedFiles);
        if (summary.count() == 0) {
            h.append("<section id=\"empty\"><h2>No good rows</h2><p>Every row was rejected or the input was empty, ")
                    .append("so there are no gradients to show.</p></section>\n");
        } else {
            String v = plain ? "gradient's" : "attribution's";
            if (all) {
                h.append("<section id=\"select\"><label for=\"output-select\">Output </label>")
                        .append("<select id=\"output-select\">");
                for (int k = 0; k < vectors.summaries().size(); k++) {
                    h.append("<option value=\"").append(k).append("\">").append(k).append("</option>");
                }
                h.append("</select></section>\n");
            }
            for (int k = 0; k < vectors.summaries().size(); k++) {
                GradientSummary s = vectors.summaries().get(k);
                String suffix = all ? "-" + k : "";
                if (all) {
                    h.append("<div class=\"output-view\" data-output=\"").append(k).append("\"")
                            .append(k == 0 ? "" : " hidden").append(">\n<h2 class=\"view\">Output ").append(k)
                            .append("</h2>\n");
                }
                sensitivity(h, s, names, suffix, plain,
                        global.intervals() == null ? null : global.intervals().get(k));
                List<Integer> top = GlobalCharts.top(s, GlobalCharts.BOX_DIMENSIONS);
                GlobalCharts.boxPlots(h, s, names, top, suffix, plain);
                if (sample != null) {
                    GlobalCharts.dependence(h, sample, s, names, top, k, suffix, plain);
                }
                if (global.poincare() != null) {
                    GlobalCharts.bounds(h, s, global, names, top, suffix);
                }
                if (!global.groups().isEmpty()) {
                    GlobalCharts.heatMap(h, global, k, names, top, suffix);
                }
                histogram(h, "norms" + suffix, "Distribution of the " + v + " L2 norm",
                        bin(s.distribution(GradientSummary.Scalar.L2), BINS), s.l2());
                histogram(h, "outputs" + suffix, "Distribution of the output a[L]" + (all ? "_" + k : ""),
                        bin(s.distribution(GradientSummary.Scalar.OUTPUT), BINS), null);
                if (vectors.deltas() != null) {
                    completeness(h, vectors.deltas().get(k), suffix);
                }
                table(h, s, names, suffix);
                if (all) {
                    h.append("</div>\n");
                }
            }
        }
        rejected(h, run);
        h.append("<footer>Written by netsense. Statistics are over the good rows; quantiles and histograms come")
                .append(" from KLL sketches (within ")
                .append(String.format(Locale.ROOT, "%.2f", 100 * GradientSummary.quantileRankError()))
                .append(" % in rank).</footer>\n</body>\n</html>\n");
        if (all) {
            h.append("<script>").append(SELECT_SCRIPT).append("</script>\n");
        }
        return h.toString();
    }

    /** Integrated gradients' completeness: |delta| relative to the change it should explain. */
    private static void completeness(StringBuilder h, netsense.core.DeltaSummary d, String suffix) {
        h.append("<section id=\"completeness").append(suffix).append("\"><h2>Completeness</h2><p>")
                .append("delta = Σ attribution − (f(x) − f(x')): mean |delta| ").append(Format.sig3(d.meanAbs()))
                .append(", p99 ").append(Format.sig3(d.p99Abs())).append(", max ").append(Format.sig3(d.maxAbs()))
                .append(". More steps, or Gauss–Legendre points, bring it down.</p></section>\n");
        histogram(h, "delta" + suffix, "Distribution of |delta| / |f(x) − f(x')|", bin(d.relative(), BINS), null);
    }

    private static void facts(StringBuilder h, Run run) {
        h.append("<section id=\"facts\"><h2>Run</h2><dl>");
        fact(h, "Model", run.modelShape() + ", " + String.join(", ", run.activations()) + ", "
                + Format.count(run.parameters()) + " parameters");
        fact(h, "Rows", Format.count(run.rows().input()) + " in, " + Format.count(run.rows().ok()) + " ok, "
                + Format.count(run.rows().rejected()) + " rejected (mode " + run.mode() + ")");
        fact(h, "Time", String.format(Locale.ROOT, "%.1f s", run.seconds()) + ", "
                + Format.count(Math.round(run.seconds() > 0 ? run.rows().input() / run.seconds() : 0)) + " rows/s");
        fact(h, "Spark", run.sparkVersion() + ", master " + run.master());
        fact(h, "Input", run.input());
        fact(h, "Output", run.output());
        h.append("</dl></section>\n");
    }

    private static void skippedFiles(StringBuilder h, List<String> files) {
        if (files.isEmpty()) {
            return;
        }
        h.append("<section id=\"skipped\"><h2>Skipped files</h2><p>").append(Format.count(files.size()))
                .append(files.size() == 1 ? " input file was" : " input files were")
                .append(" corrupt and skipped (--ignore-corrupt-files), in whole or from the first unreadable part;")
                .append(" the rows counted are those read:</p><ul>");
        for (String f : files) {
            h.append("<li><code>").append(esc(f)).append("</code></li>");
        }
        h.append("</ul></section>\n");
    }

    private static void fact(StringBuilder h, String name, String value) {
        h.append("<dt>").append(esc(name)).append("</dt><dd>").append(esc(value)).append("</dd>");
    }

    private static void sensitivity(StringBuilder h, GradientSummary s, List<String> names, String suffix,
                                    boolean plain, List<netsense.core.BootstrapSummary.DimensionIntervals> ci) {
        String g = plain ? "g" : "a";
        List<GradientSummary.DimensionStats> dims = new ArrayList<>();
        for (int i = 0; i < s.dimensions(); i++) {
            dims.add(s.dimension(i));
        }
        dims.sort(Comparator.comparingDouble(ReportHtml::meanSquare).reversed());
        List<GradientSummary.DimensionStats> shown = dims.subList(0, Math.min(SHOWN_DIMENSIONS, dims.size()));
        double max = 0;
        for (GradientSummary.DimensionStats d : shown) {
            double rms = Math.sqrt(meanSquare(d));
            max = Double.isFinite(rms) ? Math.max(max, Math.max(rms, d.meanAbs())) : max;
            if (ci != null && ci.get(d.index()).meanSquare() != null) {
                double hiRms = Math.sqrt(ci.get(d.index()).meanSquare().hi());
                max = Double.isFinite(hiRms) ? Math.max(max, hiRms) : max;
            }
        }
        int label = 170;
        int width = 520;
        int rowHeight = 26;
        int height = rowHeight * shown.size() + 30;
        h.append("<section id=\"sensitivity").append(suffix).append("\"><h2>Sensitivity per input dimension</h2>")
                .append(plain ? "<p>Sorted by the derivative-based global sensitivity measure: "
                        : "<p>Sorted by the mean square attribution: ")
                .append("<span class=\"key dgsm\"></span> √(mean ").append(g)
                .append("²) and <span class=\"key abs\"></span> mean |").append(g).append("|")
                .append(plain ? " (saliency)" : "").append("; the sign is that of mean ").append(g).append(".")
                .append(ci == null ? "" : " Whiskers: the bootstrap's interval of √(mean " + g + "²).");
        if (dims.size() > shown.size()) {
            h.append(" The ").append(shown.size()).append(" most sensitive of ").append(Format.count(dims.size()))
                    .append(" dimensions are shown; ").append(Format.count(dims.size() - shown.size()))
                    .append(" more are in the table below.");
        }
        h.append("</p>\n<svg class=\"chart\" role=\"img\" aria-labelledby=\"sens-title").append(suffix).append("\" viewBox=\"0 0 ")
                .append(label + width + 60).append(' ').append(height).append("\" width=\"").append(label + width + 60)
                .append("\" height=\"").append(height).append("\">\n<title id=\"sens-title").append(suffix).append("\">Sensitivity of the ")
                .append(shown.size()).append(" most sensitive input dimensions</title>\n");
        for (int r = 0; r < shown.size(); r++) {
            GradientSummary.DimensionStats d = shown.get(r);
            String name = names.get(d.index());
            double rms = Math.sqrt(meanSquare(d));
            int y = r * rowHeight + 4;
            h.append("<g class=\"dim\">")
                    .append("<text class=\"label\" x=\"").append(label - 8).append("\" y=\"").append(y + 15)
                    .append("\">").append(esc(shorten(name))).append("<title>").append(esc(name)).append("</title></text>");
            bar(h, "bar dgsm", label, y, scale(rms, max, width), 10, name, rms,
                    name + ": √(mean " + g + "²) = " + Format.sig3(rms) + " (mean " + g + "² = "
                            + Format.sig3(d.meanSquare()) + ")");
            bar(h, "bar abs", label, y + 11, scale(d.meanAbs(), max, width), 10, name, d.meanAbs(),
                    name + ": mean |" + g + "| = " + Format.sig3(d.meanAbs()));
            if (ci != null) {
                GlobalCharts.errorBar(h, ci.get(d.index()), label, y, max, width, name, g);
            }
            boolean negative = d.mean() < 0;
            h.append("<text class=\"sign ").append(negative ? "neg" : "pos").append("\" x=\"")
                    .append(label + scale(rms, max, width) + 6).append("\" y=\"").append(y + 15).append("\">")
                    .append(negative ? "−" : "+").append("<title>").append(esc(name)).append(": mean " + g + " = ")
                    .append(Format.sig3(d.mean())).append("</title></text></g>\n");
        }
        h.append("<text class=\"axis\" x=\"").append(label).append("\" y=\"").append(height - 6).append("\">0</text>")
                .append("<text class=\"axis end\" x=\"").append(label + width).append("\" y=\"").append(height - 6)
                .append("\">").append(Format.sig3(max)).append("</text>\n</svg></section>\n");
    }

    /** mean g², +∞ where it is beyond the double range (summary.json's null). */
    private static double meanSquare(GradientSummary.DimensionStats d) {
        return d.meanSquare() == null ? Double.POSITIVE_INFINITY : d.meanSquare();
    }

    static int scale(double v, double max, int width) {
        return max > 0 ? (int) Math.min(width, Math.round(width * v / max)) : v > 0 ? width : 0;
    }

    private static void bar(StringBuilder h, String cls, int x, int y, int w, int height, String dim, double value,
                            String title) {
        h.append("<rect class=\"").append(cls).append("\" x=\"").append(x).append("\" y=\"").append(y)
                .append("\" width=\"").append(Math.max(w, 1)).append("\" height=\"").append(height)
                .append("\" data-dim=\"").append(esc(dim)).append("\" data-value=\"").append(value).append("\"><title>")
                .append(esc(title)).append("</title></rect>");
    }

    /** Bins {@code [edges[i], edges[i+1])} (the last one closed) and their counts; empty without rows. */
    record Histogram(double[] edges, long[] counts) {}

    /**
     * Up to {@code bins} equal bins from the least to the largest value, counted from the
     * distribution's fraction below each edge (within the sketch's rank error). Any finite
     * distribution gets a chart: one value (or a zero-width range) is one bin of every row; a
     * range of fewer than {@code bins} doubles (values within a few ulps) gets one bin per
     * distinct edge; a range wider than the largest double is split without overflow.
     */
    static Histogram bin(GradientSummary.Distribution d, int bins) {
        long n = d.count();
        if (n == 0) {
            return new Histogram(new double[0], new long[0]);
        }
        double lo = d.min();
        double hi = d.max();
        if (!(hi > lo)) {
            return new Histogram(new double[] {lo, hi}, new long[] {n});
        }
        double[] edges = new double[bins + 1];
        int e = 0;
        edges[e++] = lo;
        for (int i = 1; i < bins; i++) {
            double t = (double) i / bins;
            double edge = lo * (1 - t) + hi * t; // lo + (hi − lo)·t, which overflows for ranges beyond 1.8e308
            if (edge > edges[e - 1] && edge < hi) {
                edges[e++] = edge;
            }
        }
        edges[e++] = hi;
        edges = java.util.Arrays.copyOf(edges, e);
        long[] counts = new long[e - 1];
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            long next = i == counts.length - 1 ? n : Math.round(d.fractionBelow(edges[i + 1]) * n);
            counts[i] = Math.max(0, next - below);
            below = Math.max(below, next);
        }
        return new Histogram(edges, counts);
    }

    /** Where v lies between lo and hi, as a fraction, without overflow for any finite lo ≤ v ≤ hi. */
    static double position(double v, double lo, double hi) {
        return hi > lo ? (v / 2 - lo / 2) / (hi / 2 - lo / 2) : 0.5;
    }

    private static void histogram(StringBuilder h, String id, String heading, Histogram hist,
                                  GradientSummary.NormStats quantiles) {
        if (hist.counts().length == 0) {
            h.append("<section id=\"").append(id).append("\"><h2>").append(esc(heading))
                    .append("</h2><p>No values.</p></section>\n");
            return;
        }
        int width = 680;
        int height = 220;
        int top = 24;
        int base = height - 30;
        long max = 1;
        for (long c : hist.counts()) {
            max = Math.max(max, c);
        }
        double lo = hist.edges()[0];
        double hi = hist.edges()[hist.edges().length - 1];
        h.append("<section id=\"").append(id).append("\"><h2>").append(esc(heading)).append("</h2>\n")
                .append("<svg class=\"chart\" role=\"img\" aria-labelledby=\"").append(id).append("-title\" viewBox=\"0 0 ")
                .append(width + 40).append(' ').append(height).append("\" width=\"").append(width + 40)
                .append("\" height=\"").append(height).append("\">\n<title id=\"").append(id).append("-title\">")
                .append(esc(heading)).append(": ").append(hist.counts().length).append(" bins from ")
                .append(Format.sig3(lo)).append(" to ").append(Format.sig3(hi)).append("</title>\n");
        int bins = hist.counts().length;
        double binWidth = (double) width / bins;
        for (int i = 0; i < bins; i++) {
            long c = hist.counts()[i];
            int bh = (int) Math.round((base - top) * (double) c / max);
            h.append("<rect class=\"bin\" x=\"").append(String.format(Locale.ROOT, "%.1f", 20 + i * binWidth))
                    .append("\" y=\"").append(base - bh).append("\" width=\"")
                    .append(String.format(Locale.ROOT, "%.1f", Math.max(binWidth - 1, 1))).append("\" height=\"")
                    .append(bh).append("\" data-count=\"").append(c).append("\"><title>")
                    .append(Format.sig3(hist.edges()[i])).append(" to ").append(Format.sig3(hist.edges()[i + 1]))
                    .append(": ").append(Format.count(c)).append(" rows</title></rect>");
        }
        h.append('\n');
        if (quantiles != null && hi > lo) {
            String[] names = {"p50", "p90", "p99"};
            Double[] values = {quantiles.p50(), quantiles.p90(), quantiles.p99()};
            for (int q = 0; q < 3; q++) {
                double x = 20 + width * position(values[q], lo, hi);
                String xs = String.format(Locale.ROOT, "%.1f", x);
                h.append("<g class=\"quantile\"><line x1=\"").append(xs).append("\" x2=\"").append(xs)
                        .append("\" y1=\"").append(top - 6 + 12 * q).append("\" y2=\"").append(base)
                        .append("\"/><text x=\"").append(xs).append("\" y=\"").append(top - 8 + 12 * q)
                        .append("\">").append(names[q]).append(' ').append(Format.sig3(values[q]))
                        .append("</text><title>").append(names[q]).append(" = ").append(Format.sig3(values[q]))
                        .append("</title></g>");
            }
        }
        h.append("<text class=\"axis\" x=\"20\" y=\"").append(height - 10).append("\">").append(Format.sig3(lo))
                .append("</text><text class=\"axis end\" x=\"").append(20 + width).append("\" y=\"").append(height - 10)
                .append("\">").append(Format.sig3(hi)).append("</text>\n</svg></section>\n");
    }

    private static void table(StringBuilder h, GradientSummary s, List<String> names, String suffix) {
        h.append("<section id=\"dimensions").append(suffix).append("\"><h2>Every dimension</h2><div class=\"scroll\"><table>\n<thead><tr>")
                .append("<th>#</th><th>name</th><th>mean g</th><th>mean |g|</th><th>mean g² (DGSM)</th>")
                .append("<th>std</th><th>min</th><th>max</th></tr></thead><tbody>\n");
        for (int i = 0; i < s.dimensions(); i++) {
            GradientSummary.DimensionStats d = s.dimension(i);
            h.append("<tr><td>").append(i).append("</td><td>").append(esc(names.get(i))).append("</td><td>")
                    .append(Format.sig3(d.mean())).append("</td><td>").append(Format.sig3(d.meanAbs()))
                    .append("</td><td>").append(Format.sig3(d.meanSquare())).append("</td><td>")
                    .append(Format.sig3(d.std())).append("</td><td>").append(Format.sig3(d.min())).append("</td><td>")
                    .append(Format.sig3(d.max())).append("</td></tr>\n");
        }
        h.append("</tbody></table></div></section>\n");
    }

    private static void rejected(StringBuilder h, Run run) {
        h.append("<section id=\"rejected\"><h2>Rejected rows</h2>");
        if (run.rejectedByKind().isEmpty()) {
            h.append("<p>None.</p>");
        } else {
            h.append("<table><thead><tr><th>reason</th><th>rows</th></tr></thead><tbody>");
            run.rejectedByKind().forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td>")
                    .append(Format.count(v)).append("</td></tr>"));
            h.append("</tbody></table><p>Each one is in rejected/ with its reason.</p>");
        }
        h.append("</section>\n");
    }

    static String shorten(String name) {
        return name.length() <= 22 ? name : name.substring(0, 21) + "…";
    }

    /** HTML text and attribute escaping. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff;\
            max-width:960px;margin:0 auto;padding:16px 24px}
            h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}
            dl{display:grid;grid-template-columns:8em 1fr;gap:2px 12px;margin:0}dt{font-weight:600}dd{margin:0}
            .chart{max-width:100%;height:auto}.label{text-anchor:end;font-size:12px;fill:#1a1a1a}
            .bar.dgsm{fill:#0b4f8a}.bar.abs{fill:#5b8fd0}.sign{font-size:13px;font-weight:700}
            .sign.pos{fill:#1b6e34}.sign.neg{fill:#b3261e}.axis{font-size:11px;fill:#444}.axis.end{text-anchor:end}
            .bin{fill:#0b4f8a}.quantile line{stroke:#b3261e;stroke-width:1.5;stroke-dasharray:4 3}
            .quantile text{font-size:11px;fill:#b3261e}
            .key{display:inline-block;width:12px;height:12px;vertical-align:-1px}.key.dgsm{background:#0b4f8a}
            .key.abs{background:#5b8fd0}
            .whisker{stroke:#1a1a1a;stroke-width:1.2}.box{fill:#d6e4f5;stroke:#0b4f8a}.median{stroke:#b3261e;stroke-width:2}
            .dot{fill:#0b4f8a;fill-opacity:.45}.cell{stroke:none}.small{display:inline-block;vertical-align:top;margin:0 8px 8px 0}
            .scroll{max-height:420px;overflow:auto}table{border-collapse:collapse;font-size:13px}
            th,td{padding:2px 10px;text-align:right;border-bottom:1px solid #e4e4e4}th:nth-child(2),td:nth-child(2){text-align:left}
            thead th{position:sticky;top:0;background:#f4f4f4}footer{margin:2em 0 1em;color:#444;font-size:13px}
            """;
}
