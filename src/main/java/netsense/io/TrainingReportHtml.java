package netsense.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netsense.core.Trainer;

/**
 * report.html of a training run: one self-contained page (inline CSS and SVG, a
 * Content-Security-Policy that allows no request) answering "how long does training take, and
 * when does it converge": the whole set's cost against steps and against seconds on log scales
 * with the target as a line, one curve per learning rate when they were compared; each weight
 * layer's gradient norm against steps (vanishing gradients show as the lower lines); and, for
 * a network of two inputs, the plane classified by the trained network with the training points.
 */
public final class TrainingReportHtml {
    private static final String[] COLORS = {"#0b4f8a", "#b3261e", "#1b6e34", "#8a5a00", "#6a3d9a", "#00838f",
        "#c2185b", "#455a64"};
    private static final String[] REGION_COLORS = {"#cfe0f3", "#f6d3cf", "#d3ecd9", "#f3e3c3", "#e3d7ef", "#c9ecef",
        "#f6cfe0", "#dde3e6"};

    private TrainingReportHtml() {}

    /** Facts shown at the top. */
    public record Facts(String title, List<String> lines) {}

    /**
     * The classified plane: {@code classes[iy * size + ix]} is the class the network gives the
     * centre of cell (ix, iy) of a {@code size × size} grid over [x0, x1] × [y0, y1]; the
     * training points with their labels.
     */
    public record Regions(double x0, double x1, double y0, double y1, int size, int[] classes, double[] px,
                          double[] py, int[] pointClass) {}

    public static String render(Facts facts, List<Trainer.Run> runs, int best, double target, Regions regions) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append("<title>netsense training: ").append(ReportHtml.esc(facts.title())).append("</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n<header><h1>Training: ")
                .append(ReportHtml.esc(facts.title())).append("</h1></header>\n<section id=\"facts\"><ul>");
        for (String line : facts.lines()) {
            h.append("<li>").append(ReportHtml.esc(line)).append("</li>");
        }
        h.append("</ul></section>\n");
        List<Series> bySteps = new ArrayList<>();
        List<Series> bySeconds = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Trainer.Run r = runs.get(i);
            String name = runs.size() > 1 ? "η = " + Format.sig3(r.learningRate()) : "cost";
            bySteps.add(series(name, r, true, -1, COLORS[i % COLORS.length]));
            bySeconds.add(series(name, r, false, -1, COLORS[i % COLORS.length]));
        }
        chart(h, "cost-steps", "Cost over the training set against steps", "step", "cost C", bySteps, target);
        chart(h, "cost-seconds", "Cost against training time", "seconds", "cost C", bySeconds, target);
        Trainer.Run r = runs.get(best);
        List<Series> norms = new ArrayList<>();
        int layers = r.curve().isEmpty() ? 0 : r.curve().get(0).gradientNorms().length;
        for (int j = 0; j < layers; j++) {
            norms.add(series("‖∂C/∂W[" + (j + 2) + "]‖", r, true, j, COLORS[j % COLORS.length]));
        }
        chart(h, "gradient-norms", "Gradient norm per weight layer against steps"
                + (runs.size() > 1 ? " (η = " + Format.sig3(r.learningRate()) + ")" : ""), "step", "norm", norms,
                Double.NaN);
        if (regions != null) {
            regions(h, regions);
        }
        h.append("<footer>Written by netsense. The cost is C = (1/N) Σ over the whole training set, at log-spaced")
                .append(" steps; training time excludes those evaluations. Step 0 and time 0 are left off the log")
                .append(" axes.</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private record Series(String name, double[] x, double[] y, String color) {}

    /** A run's curve: cost (or layer j's gradient norm) against steps or seconds, positive values only. */
    private static Series series(String name, Trainer.Run r, boolean steps, int layer, String color) {
        List<double[]> pts = new ArrayList<>();
        for (Trainer.Point p : r.curve()) {
            double x = steps ? p.step() : p.seconds();
            double y = layer < 0 ? p.cost() : layer < p.gradientNorms().length ? p.gradientNorms()[layer] : Double.NaN;
            if (x > 0 && y > 0 && Double.isFinite(y)) {
                pts.add(new double[] {x, y});
            }
        }
        return new Series(name, pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray(), color);
    }

    private static void chart(StringBuilder h, String id, String heading, String xLabel, String yLabel,
                              List<Series> series, double target) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = 0;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                yMin = Math.min(yMin, s.y()[i]);
                yMax = Math.max(yMax, s.y()[i]);
            }
        }
        h.append("<section id=\"").append(id).append("\"><h2>").append(ReportHtml.esc(heading)).append("</h2>\n");
        if (xMax == 0) {
            h.append("<p>No points to draw (too few steps, or time too short to measure).</p></section>\n");
            return;
        }
        if (target > 0) {
            yMin = Math.min(yMin, target);
            yMax = Math.max(yMax, target);
        }
        double lx0 = Math.floor(Math.log10(xMin));
        double lx1 = Math.max(Math.ceil(Math.log10(xMax)), lx0 + 1);
        double ly0 = Math.floor(Math.log10(yMin));
        double ly1 = Math.max(Math.ceil(Math.log10(yMax)), ly0 + 1);
        int left = 70;
        int top = 14;
        int width = 600;
        int height = 260;
        h.append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(left + width + 170).append(' ')
                .append(top + height + 44).append("\" width=\"").append(left + width + 170).append("\" height=\"")
                .append(top + height + 44).append("\"><title>").append(ReportHtml.esc(heading)).append(", log scales")
                .append("</title>\n");
        for (double d = lx0; d <= lx1; d++) {
            double x = left + width * (d - lx0) / (lx1 - lx0);
            h.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
                    + "<text class=\"axis mid\" x=\"%.1f\" y=\"%d\">1e%d</text>", x, x, top, top + height, x,
                    top + height + 16, (int) d));
        }
        for (double d = ly0; d <= ly1; d++) {
            double y = top + height - height * (d - ly0) / (ly1 - ly0);
            h.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                    + "<text class=\"axis end\" x=\"%d\" y=\"%.1f\">1e%d</text>", left, left + width, y, y, left - 6,
                    y + 4, (int) d));
        }
        h.append(String.format(Locale.ROOT, "<text class=\"axis mid\" x=\"%d\" y=\"%d\">%s (log)</text>",
                left + width / 2, top + height + 36, ReportHtml.esc(xLabel)));
        h.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"4\" y=\"%d\">%s</text>", top + 4,
                ReportHtml.esc(yLabel)));
        if (target > 0) {
            double y = top + height - height * (Math.log10(target) - ly0) / (ly1 - ly0);
            h.append(String.format(Locale.ROOT, "<g class=\"target\"><line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                    + "<text x=\"%d\" y=\"%.1f\">target %s</text></g>", left, left + width, y, y, left + width + 6,
                    y + 4, Format.sig3(target)));
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                double x = left + width * (Math.log10(s.x()[i]) - lx0) / (lx1 - lx0);
                double y = top + height - height * (Math.log10(s.y()[i]) - ly0) / (ly1 - ly0);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            h.append("<polyline class=\"curve\" stroke=\"").append(s.color()).append("\" data-points=\"")
                    .append(s.x().length).append("\" points=\"").append(pts.toString().trim()).append("\"><title>")
                    .append(ReportHtml.esc(s.name())).append("</title></polyline>");
            h.append(String.format(Locale.ROOT, "<text class=\"legend\" fill=\"%s\" x=\"%d\" y=\"%d\">%s</text>",
                    s.color(), left + width + 6, top + 28 + 16 * k, ReportHtml.esc(s.name())));
        }
        h.append("\n</svg></section>\n");
    }

    private static void regions(StringBuilder h, Regions g) {
        int size = 420;
        int pad = 40;
        double cell = (double) size / g.size();
        h.append("<section id=\"regions\"><h2>The plane as the trained network classifies it</h2>")
                .append("<p>Each point of [").append(Format.sig3(g.x0())).append(", ").append(Format.sig3(g.x1()))
                .append("] × [").append(Format.sig3(g.y0())).append(", ").append(Format.sig3(g.y1()))
                .append("] coloured by the output the network makes largest; the training points in the colour of")
                .append(" their label.</p>\n<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(size + 2 * pad)
                .append(' ').append(size + 2 * pad).append("\" width=\"").append(size + 2 * pad).append("\" height=\"")
                .append(size + 2 * pad).append("\"><title>Decision regions and training points</title>\n");
        for (int iy = 0; iy < g.size(); iy++) {
            int ix = 0;
            while (ix < g.size()) {  // one rectangle per run of a class along a row
                int c = g.classes()[iy * g.size() + ix];
                int end = ix;
                while (end < g.size() && g.classes()[iy * g.size() + end] == c) {
                    end++;
                }
                h.append(String.format(Locale.ROOT, "<rect class=\"region\" data-class=\"%d\" fill=\"%s\" x=\"%.2f\""
                        + " y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>", c, REGION_COLORS[c % REGION_COLORS.length],
                        pad + ix * cell, pad + size - (iy + 1) * cell, (end - ix) * cell + 0.3, cell + 0.3));
                ix = end;
            }
        }
        for (int i = 0; i < g.px().length; i++) {
            double x = pad + size * (g.px()[i] - g.x0()) / (g.x1() - g.x0());
            double y = pad + size - size * (g.py()[i] - g.y0()) / (g.y1() - g.y0());
            h.append(String.format(Locale.ROOT, "<circle class=\"point\" data-class=\"%d\" cx=\"%.1f\" cy=\"%.1f\""
                    + " r=\"6\" fill=\"%s\"><title>(%s, %s): class %d</title></circle>", g.pointClass()[i], x, y,
                    COLORS[g.pointClass()[i] % COLORS.length], Format.sig3(g.px()[i]), Format.sig3(g.py()[i]),
                    g.pointClass()[i]));
        }
        h.append(String.format(Locale.ROOT, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
                pad, pad, size, size));
        h.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\">%s</text><text class=\"axis end\""
                + " x=\"%d\" y=\"%d\">%s</text><text class=\"axis\" x=\"4\" y=\"%d\">%s</text>", pad, pad + size + 16,
                Format.sig3(g.x0()), pad + size, pad + size + 16, Format.sig3(g.x1()), pad + 4, Format.sig3(g.y1())));
        h.append("\n</svg></section>\n");
    }

    private static final String CSS = """
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff;\
            max-width:960px;margin:0 auto;padding:16px 24px}
            h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}
            .chart{max-width:100%;height:auto}.grid{stroke:#e4e4e4}.axis{font-size:11px;fill:#444}
            .axis.end{text-anchor:end}.axis.mid{text-anchor:middle}.curve{fill:none;stroke-width:2}
            .legend{font-size:12px}.target line{stroke:#b3261e;stroke-width:1.5;stroke-dasharray:5 4}
            .target text{font-size:11px;fill:#b3261e}.point{stroke:#fff;stroke-width:1.5}
            .frame{fill:none;stroke:#444}footer{margin:2em 0 1em;color:#444;font-size:13px}
            """;
}
