package netsense.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import netsense.core.Activation;
import netsense.core.BootstrapSummary;
import netsense.core.DeltaSummary;
import netsense.core.DgsmBound;
import netsense.core.GradientSummary;
import netsense.core.Network;

/** Writes summary.json as the SPEC lays it out; undefined figures are JSON null. */
public final class SummaryJson {
    private SummaryJson() {}

    /** The row counts of a run: {@code input = ok + rejected}. */
    public record Rows(long input, long ok, long rejected) {}

    /**
     * The kernel's arithmetic ("float64" or "float32") and how many rows the float32 kernel
     * computed again in float64 because float's range could not hold them.
     */
    public record Precision(String kernel, long rowsRecomputedFloat64) {}

    /**
     * What each row's vector is: the method's name ("gradient", "integrated-gradients", ...)
     * and its settings as summary.json's {@code "method"} entry lists them (name → number,
     * string or boolean, in order).
     */
    public record Method(String name, Map<String, Object> settings) {
        public static final Method GRADIENT = new Method("gradient", Map.of());
    }

    /**
     * The figures of a run's vectors: one summary per output they are for (one, or every output
     * with {@code --output-index all}), and integrated gradients' completeness gaps likewise
     * (null for other methods).
     */
    public record Vectors(Method method, boolean allOutputs, List<GradientSummary> summaries,
                          List<DeltaSummary> deltas) {
        public static Vectors of(GradientSummary summary) {
            return new Vectors(Method.GRADIENT, false, List.of(summary), null);
        }
    }

    /**
     * The global-sensitivity figures of a run (SPEC, "Global sensitivity"): the Poincaré constant
     * of the DGSM bound (null: no bound) and the input bounds given for it (null: the observed
     * range); the bootstrap's replicates (0: none), confidence, seed and each output's intervals
     * (null without a bootstrap); the group column (null: none) and its groups, ordered by key,
     * each with one summary per output; and the rows of the sample written to {@code sample/}
     * (null: no sample).
     */
    public record Global(DgsmBound.Poincare poincare, double[][] inputBounds, int bootstrap, double confidence,
                         long seed, List<List<BootstrapSummary.DimensionIntervals>> intervals, String groupBy,
                         List<Group> groups, Integer sampleRows) {
        public static final Global NONE = new Global(null, null, 0, 0.95, 0, null, null, List.of(), null);

        /** The Poincaré constants C_i for the figures of {@code s} (its own observed inputs unless bounds are given); null without a bound. */
        public double[] constants(GradientSummary s) {
            if (poincare == null || s.count() == 0) {
                return null;
            }
            return DgsmBound.constants(s, poincare, inputBounds);
        }
    }

    /** One group of {@code --group-by}: its key (a string, number, boolean or null) and one summary per output. */
    public record Group(Object key, List<GradientSummary> summaries) {}

    /** Writes to a stream (not closed here), without the "precision" and "skipped_files" entries. */
    public static void write(OutputStream out, Rows rows, Network net, int outputIndex, GradientSummary summary,
                             List<String> dimensionNames) throws IOException {
        write(out, rows, null, net, outputIndex, summary, dimensionNames, null);
    }

    /**
     * Writes to a stream (not closed here).
     *
     * @param precision    null leaves the "precision" entry out
     * @param skippedFiles the input files skipped as corrupt ({@code "skipped_files"}); null leaves the key out
     */
    public static void write(OutputStream out, Rows rows, Precision precision, Network net, int outputIndex,
                             GradientSummary summary, List<String> dimensionNames, List<String> skippedFiles)
            throws IOException {
        write(out, rows, precision, net, outputIndex, Vectors.of(summary), dimensionNames, skippedFiles);
    }

    /**
     * Writes to a stream (not closed here): with one output its figures at the top level
     * ({@code output}, {@code norms}, {@code dimensions}, and {@code delta} for integrated
     * gradients), with every output a list {@code outputs} of them.
     */
    public static void write(OutputStream out, Rows rows, Precision precision, Network net, int outputIndex,
                             Vectors vectors, List<String> dimensionNames, List<String> skippedFiles)
            throws IOException {
        write(out, rows, precision, net, outputIndex, vectors, dimensionNames, skippedFiles, Global.NONE);
    }

    /**
     * As {@link #write(OutputStream, Rows, Precision, Network, int, Vectors, List, List)}, with the
     * global-sensitivity figures: each dimension's "input" and "quantiles" always; "dgsm_bound",
     * "ci" and "rank" and the top-level "dgsm", "bootstrap", "groups" and "sample" as
     * {@code global} has them.
     */
    public static void write(OutputStream out, Rows rows, Precision precision, Network net, int outputIndex,
                             Vectors vectors, List<String> dimensionNames, List<String> skippedFiles, Global global)
            throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();

            g.writeObjectFieldStart("rows");
            g.writeNumberField("input", rows.input());
            g.writeNumberField("ok", rows.ok());
            g.writeNumberField("rejected", rows.rejected());
            g.writeEndObject();
            if (skippedFiles != null) {
                g.writeArrayFieldStart("skipped_files");
                for (String f : skippedFiles) {
                    g.writeString(f);
                }
                g.writeEndArray();
            }

            if (precision != null) {
                g.writeObjectFieldStart("precision");
                g.writeStringField("kernel", precision.kernel());
                g.writeNumberField("rows_recomputed_float64", precision.rowsRecomputedFloat64());
                g.writeEndObject();
            }

            g.writeObjectFieldStart("model");
            writeShape(g, net);
            if (vectors.allOutputs()) {
                g.writeStringField("output_index", "all");
            } else {
                g.writeNumberField("output_index", outputIndex);
            }
            g.writeEndObject();

            g.writeObjectFieldStart("method");
            g.writeStringField("name", vectors.method().name());
            for (Map.Entry<String, Object> e : vectors.method().settings().entrySet()) {
                g.writeObjectField(e.getKey(), e.getValue());
            }
            g.writeEndObject();

            if (global.poincare() != null) {
                g.writeObjectFieldStart("dgsm");
                g.writeStringField("poincare", global.poincare().id());
                g.writeStringField("formula", "C_i * mean_sq_i / D, C_i = " + global.poincare().formula()
                        + ", D = the output's sample variance");
                if (global.poincare() == DgsmBound.Poincare.UNIFORM) {
                    g.writeStringField("bounds", global.inputBounds() == null ? "observed" : "given");
                }
                g.writeEndObject();
            }
            if (global.bootstrap() > 0) {
                g.writeObjectFieldStart("bootstrap");
                g.writeNumberField("replicates", global.bootstrap());
                g.writeNumberField("confidence", global.confidence());
                g.writeNumberField("seed", global.seed());
                g.writeEndObject();
            }
            outputs(g, vectors.allOutputs(), vectors.summaries(), vectors.deltas(), global.intervals(), global,
                    dimensionNames);
            if (global.groupBy() != null) {
                g.writeStringField("group_by", global.groupBy());
                g.writeArrayFieldStart("groups");
                for (Group group : global.groups()) {
                    g.writeStartObject();
                    g.writeFieldName("key");
                    key(g, group.key());
                    g.writeObjectFieldStart("rows");
                    g.writeNumberField("ok", group.summaries().get(0).count());
                    g.writeEndObject();
                    outputs(g, vectors.allOutputs(), group.summaries(), null, null, global, dimensionNames);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (global.sampleRows() != null) {
                g.writeObjectFieldStart("sample");
                g.writeNumberField("rows", global.sampleRows());
                g.writeStringField("path", "sample/");
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    /** The figures of one output at the level of {@code g}, or of every output as a list "outputs". */
    private static void outputs(JsonGenerator g, boolean all, List<GradientSummary> summaries,
                                List<DeltaSummary> deltas, List<List<BootstrapSummary.DimensionIntervals>> intervals,
                                Global global, List<String> names) throws IOException {
        if (!all) {
            figures(g, summaries.get(0), deltas == null ? null : deltas.get(0),
                    intervals == null ? null : intervals.get(0), global, names);
            return;
        }
        g.writeArrayFieldStart("outputs");
        for (int k = 0; k < summaries.size(); k++) {
            g.writeStartObject();
            g.writeNumberField("index", k);
            figures(g, summaries.get(k), deltas == null ? null : deltas.get(k),
                    intervals == null ? null : intervals.get(k), global, names);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** A group's key as JSON: a string, number, boolean or null. */
    private static void key(JsonGenerator g, Object key) throws IOException {
        if (key == null) {
            g.writeNull();
        } else if (key instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
            g.writeNumber(((Number) key).longValue());
        } else if (key instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else {
            g.writeString(key.toString());
        }
    }

    /** One output's figures: output, norms, (delta), dimensions. */
    private static void figures(JsonGenerator g, GradientSummary summary, DeltaSummary delta,
                                List<BootstrapSummary.DimensionIntervals> intervals, Global global,
                                List<String> dimensionNames) throws IOException {
        double[] constants = global.constants(summary);
        double[] bounds = constants == null ? null : DgsmBound.bounds(summary, constants);
        {
            g.writeFieldName("output");
            spread(g, summary.output(), null);

            g.writeObjectFieldStart("norms");
            g.writeFieldName("l1");
            spread(g, summary.l1().spread(), summary.l1());
            g.writeFieldName("l2");
            spread(g, summary.l2().spread(), summary.l2());
            g.writeFieldName("linf");
            spread(g, summary.linf().spread(), summary.linf());
            g.writeEndObject();

            if (delta != null) {
                g.writeObjectFieldStart("delta");
                number(g, "mean_abs", delta.meanAbs());
                number(g, "max_abs", delta.maxAbs());
                number(g, "p99_abs", delta.p99Abs());
                g.writeEndObject();
            }

            g.writeArrayFieldStart("dimensions");
            for (int i = 0; i < summary.dimensions(); i++) {
                GradientSummary.DimensionStats d = summary.dimension(i);
                g.writeStartObject();
                g.writeNumberField("index", i);
                g.writeStringField("name", dimensionNames.get(i));
                number(g, "mean", d.mean());
                number(g, "mean_abs", d.meanAbs());
                number(g, "mean_sq", d.meanSquare());
                number(g, "std", d.std());
                number(g, "min", d.min());
                number(g, "max", d.max());
                GradientSummary.InputStats x = summary.input(i);
                g.writeObjectFieldStart("input");
                number(g, "mean", x.mean());
                number(g, "std", x.std());
                number(g, "min", x.min());
                number(g, "max", x.max());
                g.writeEndObject();
                GradientSummary.Quantiles q = summary.quantiles(i);
                g.writeObjectFieldStart("quantiles");
                number(g, "p05", q == null ? null : q.p05());
                number(g, "p25", q == null ? null : q.p25());
                number(g, "p50", q == null ? null : q.p50());
                number(g, "p75", q == null ? null : q.p75());
                number(g, "p95", q == null ? null : q.p95());
                g.writeEndObject();
                if (global.poincare() != null) {
                    number(g, "dgsm_bound", bounds == null ? null : finite(bounds[i]));
                }
                if (intervals != null) {
                    BootstrapSummary.DimensionIntervals ci = intervals.get(i);
                    g.writeObjectFieldStart("ci");
                    interval(g, "mean", ci.mean());
                    interval(g, "mean_abs", ci.meanAbs());
                    interval(g, "mean_sq", ci.meanSquare());
                    if (global.poincare() != null) {
                        interval(g, "dgsm_bound", ci.dgsmBound());
                    }
                    g.writeEndObject();
                    g.writeObjectFieldStart("rank");
                    number(g, "median", ci.rankMedian());
                    interval(g, "ci", ci.rank());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    private static void spread(JsonGenerator g, GradientSummary.Spread s, GradientSummary.NormStats q)
            throws IOException {
        g.writeStartObject();
        number(g, "mean", s.mean());
        number(g, "std", s.std());
        number(g, "min", s.min());
        number(g, "max", s.max());
        if (q != null) {
            number(g, "p50", q.p50());
            number(g, "p90", q.p90());
            number(g, "p99", q.p99());
        }
        g.writeEndObject();
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** [lo, hi], or null when undefined. */
    private static void interval(JsonGenerator g, String name, BootstrapSummary.Interval i) throws IOException {
        if (i == null || !Double.isFinite(i.lo()) || !Double.isFinite(i.hi())) {
            g.writeNullField(name);
            return;
        }
        g.writeArrayFieldStart(name);
        g.writeNumber(i.lo());
        g.writeNumber(i.hi());
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, String name, Double v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }
    /** The model's "layers", "activations" and "parameters" fields (summary.json's and training.json's). */
    static void writeShape(JsonGenerator g, Network net) throws IOException {
        g.writeArrayFieldStart("layers");
        for (int w : net.widths()) {
            g.writeNumber(w);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("activations");
        for (Activation a : net.activations()) {
            g.writeString(a.id());
        }
        g.writeEndArray();
        g.writeNumberField("parameters", net.parameterCount());
    }
}
