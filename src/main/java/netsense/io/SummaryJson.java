package netsense.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import netsense.core.Activation;
import netsense.core.DeltaSummary;
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

            if (!vectors.allOutputs()) {
                figures(g, vectors.summaries().get(0), vectors.deltas() == null ? null : vectors.deltas().get(0),
                        dimensionNames);
            } else {
                g.writeArrayFieldStart("outputs");
                for (int k = 0; k < vectors.summaries().size(); k++) {
                    g.writeStartObject();
                    g.writeNumberField("index", k);
                    figures(g, vectors.summaries().get(k), vectors.deltas() == null ? null : vectors.deltas().get(k),
                            dimensionNames);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    /** One output's figures: output, norms, (delta), dimensions. */
    private static void figures(JsonGenerator g, GradientSummary summary, DeltaSummary delta,
                                List<String> dimensionNames) throws IOException {
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
