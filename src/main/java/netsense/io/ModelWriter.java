package netsense.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import netsense.core.Network;

/** Writes a {@link Network} as the model file that {@link ModelReader} reads back exactly. */
public final class ModelWriter {
    private ModelWriter() {}

    public static void write(Network net, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(net, out);
        }
    }

    /** Writes to a stream (not closed here); doubles are written in their shortest exact form. */
    public static void write(Network net, OutputStream out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.writeStartObject();
            g.writeArrayFieldStart("layers");
            for (int l = 2; l <= net.depth(); l++) {
                g.writeRaw('\n');
                g.writeStartObject();
                g.writeArrayFieldStart("weights");
                for (int i = 0; i < net.width(l); i++) {
                    g.writeStartArray();
                    for (int j = 0; j < net.width(l - 1); j++) {
                        g.writeNumber(net.weight(l, i, j));
                    }
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("bias");
                for (int i = 0; i < net.width(l); i++) {
                    g.writeNumber(net.bias(l, i));
                }
                g.writeEndArray();
                g.writeStringField("activation", net.activation(l).id());
                if (net.activation(l).takesAlpha()) {
                    g.writeNumberField("alpha", net.alpha(l));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }
}
