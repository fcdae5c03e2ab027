package netsense.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import netsense.core.Network;
import netsense.core.Trainer;

/**
 * training.json (SPEC, "Training"): the settings, the model's shape, and the run —
 * {@code steps}, {@code seconds}, {@code final_cost}, {@code curve}, {@code target} — and,
 * when several learning rates were compared, every run under {@code runs} (the top level is
 * then the run whose model was written: the lowest final cost).
 */
public final class TrainingJson {
    private TrainingJson() {}

    /** What the file says about the run besides the runs themselves. */
    public record Facts(Map<String, Object> settings, Network model, long rows, String where) {}

    /** Writes to a stream (not closed here); non-finite numbers are null. */
    public static void write(OutputStream out, Facts facts, List<Trainer.Run> runs, int best) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeObjectFieldStart("settings");
            for (Map.Entry<String, Object> e : facts.settings().entrySet()) {
                g.writeFieldName(e.getKey());
                value(g, e.getValue());
            }
            g.writeEndObject();
            Network net = facts.model();
            g.writeObjectFieldStart("model");
            SummaryJson.writeShape(g, net);
            g.writeEndObject();
            g.writeNumberField("rows", facts.rows());
            g.writeStringField("where", facts.where());
            run(g, runs.get(best));
            if (runs.size() > 1) {
                g.writeArrayFieldStart("runs");
                for (Trainer.Run r : runs) {
                    g.writeStartObject();
                    run(g, r);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void run(JsonGenerator g, Trainer.Run r) throws IOException {
        number(g, "learning_rate", r.learningRate());
        g.writeNumberField("steps", r.steps());
        number(g, "seconds", r.seconds());
        number(g, "final_cost", r.finalCost());
        g.writeFieldName("diverged_at");
        if (r.diverged()) {
            g.writeNumber(r.divergedAt());
        } else {
            g.writeNull();
        }
        g.writeArrayFieldStart("curve");
        for (Trainer.Point p : r.curve()) {
            g.writeStartObject();
            g.writeNumberField("step", p.step());
            number(g, "seconds", p.seconds());
            number(g, "cost", p.cost());
            g.writeArrayFieldStart("gradient_norms");
            for (double v : p.gradientNorms()) {
                number(g, v);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName("target");
        if (r.target() == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            number(g, "cost", r.target().cost());
            g.writeNumberField("step", r.target().step());
            number(g, "seconds", r.target().seconds());
            g.writeEndObject();
        }
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Double d) {
            number(g, d);
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                value(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        g.writeFieldName(name);
        number(g, v);
    }

    private static void number(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }
}
