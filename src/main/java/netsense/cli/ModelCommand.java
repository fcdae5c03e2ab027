package netsense.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netsense.core.Activation;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import netsense.io.ModelWriter;
import netsense.io.Models;
import netsense.spark.ModelFiles;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code model describe|convert}: what a model is, and its netsense JSON (SPEC, "Model formats"). */
@Command(name = "model", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        usageHelpAutoWidth = true,
        description = {"Reads a model as --model does (netsense JSON, ONNX, or a Spark ML "
            + "MultilayerPerceptronClassificationModel folder, recognised by content) and describes or converts it."},
        subcommands = {ModelCommand.Describe.class, ModelCommand.Convert.class})
final class ModelCommand implements NetsenseCommand {
    @Spec
    CommandSpec spec;

    /** As on every command; {@code model --master URL describe ...} works as after the subcommand. */
    @Mixin
    SparkOptions spark;

    @Override
    public List<String> validate() {
        return List.of();
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to do: describe or convert");
    }

    /** The model's network and format; a Spark session only for a Spark ML folder. */
    static Models.Loaded load(String model, SparkOptions own, ModelCommand parent) throws IOException {
        SparkOptions spark = own.master != null || parent == null ? own : parent.spark;
        return ModelFiles.load(new Configuration(), model, () -> spark.open("netsense model"));
    }

    /** "leaky_relu(alpha=0.2)" for the activations that take an α, the name otherwise. */
    static List<String> activations(Network net) {
        List<String> out = new ArrayList<>();
        for (int l = 2; l <= net.depth(); l++) {
            Activation a = net.activation(l);
            out.add(a.takesAlpha() ? a.id() + "(alpha=" + net.alpha(l) + ")" : a.id());
        }
        return out;
    }

    /** What both subcommands take: the model, and Spark's options for a Spark ML folder. */
    abstract static class OnModel implements NetsenseCommand {
        @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (JSON, ONNX) or a Spark ML folder.")
        String model;

        @Mixin
        SparkOptions spark;

        @ParentCommand
        ModelCommand parent;

        Models.Loaded load() throws IOException {
            return ModelCommand.load(model, spark, parent);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            usageHelpAutoWidth = true,
            description = "Prints the model's shape [n1,...,nL], activations, parameter count and source format.")
    static final class Describe extends OnModel {
        @Override
        public List<String> validate() {
            return List.of();
        }

        @Override
        public Integer call() throws IOException {
            Models.Loaded m = load();
            Network net = m.network();
            System.out.printf(Locale.ROOT, "model        %s%nformat       %s%nshape        %s%nactivations  %s%n"
                            + "parameters   %d%ninputs       %d%noutputs      %d%s%n", model, m.format().label(),
                    net.shape(), String.join(", ", activations(net)), net.parameterCount(), net.inputWidth(),
                    net.outputWidth(), net.outputWidth() > 1 ? " (jobs/gradients: --output-index K for one, all for every one)" : "");
            return ExitCode.OK;
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            usageHelpAutoWidth = true,
            description = "Writes the model as netsense JSON, which jobs/gradients reads back exactly.")
    static final class Convert extends OnModel {
        @Option(names = "--to", required = true, paramLabel = "OUT.json", description = "The JSON file to write.")
        String to;

        @Option(names = "--overwrite", description = "Replace an existing file.")
        boolean overwrite;

        @Override
        public List<String> validate() {
            List<String> problems = new ArrayList<>();
            if (!overwrite && Files.exists(Path.of(to))) {
                problems.add("--to " + to + " exists; add --overwrite to replace it");
            }
            return problems;
        }

        @Override
        public Integer call() throws IOException {
            Models.Loaded m = load();
            Path out = Path.of(to);
            if (Files.isDirectory(out)) {
                throw new InvalidSetupException("--to " + to + " is a folder; name a file");
            }
            ModelWriter.write(m.network(), out);
            System.out.printf(Locale.ROOT, "netsense model: %s (%s) -> %s: %s %s%n", model, m.format().label(), to,
                    m.network().shape(), String.join(", ", activations(m.network())));
            return ExitCode.OK;
        }
    }
}
