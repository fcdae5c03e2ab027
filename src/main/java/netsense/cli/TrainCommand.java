package netsense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import netsense.core.Activation;
import netsense.core.HighamExample;
import netsense.core.Loss;
import netsense.core.Optimizer;
import netsense.core.Trainer;
import netsense.io.Format;
import netsense.spark.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: trains a network and reports how fast it converges (SPEC, "Training"). */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Trains a fully connected network on Parquet rows (or the Higham & Higham example) and"
                + " writes model.json (for jobs/gradients), training.json (the cost over the training set at"
                + " log-spaced steps, and when it reached --target-cost) and report.html to DIR.",
            "Up to --local-rows rows are trained on in the driver; beyond, on the executors, one aggregation a step."},
        footer = {"", "Example: jobs/train --example higham --output out/higham",
            "", "Exit status: 0 done; 2 the command or the input is wrong (nothing written); 1 anything else"
                + " (including a run whose cost stopped being finite)."})
final class TrainCommand implements NetsenseCommand {
    @Option(names = "--example", paramLabel = "NAME",
            description = "A built-in example instead of --input: higham (Higham & Higham §6: ten points, 2-2-3-2"
                    + " sigmoid, η = 0.05, 10^6 steps of batch size 1).")
    String example;

    @Option(names = "--input", paramLabel = "PATH", description = "Parquet file or folder of the training rows.")
    String input;

    @Option(names = "--features", paramLabel = "COL", defaultValue = "features",
            description = "Features: array<double>, array<float> or a Spark ML vector (default: ${DEFAULT-VALUE}).")
    String features;

    @Option(names = "--label", paramLabel = "COL", defaultValue = "label",
            description = "Label: array<double> of nL entries (mse; a number when nL = 1), or a class index"
                    + " (cross-entropy) (default: ${DEFAULT-VALUE}).")
    String label;

    @Option(names = "--layers", paramLabel = "n1,...,nL", split = ",", description = "Layer widths, input first.")
    int[] layers;

    @Option(names = "--activation", paramLabel = "A",
            description = "The activation of every layer (of the hidden layers with cross-entropy, whose output is"
                    + " softmax) (default: sigmoid).")
    String activation;

    @Option(names = "--activations", paramLabel = "a2,...,aL", split = ",",
            description = "One activation per layer after the input instead; with cross-entropy the last is softmax.")
    List<String> activations;

    @Option(names = "--loss", paramLabel = "L", converter = Losses.class, completionCandidates = Losses.class,
            description = "One of ${COMPLETION-CANDIDATES}: mse, C = (1/N) Σ ½‖y − a[L]‖²; cross-entropy with a"
                    + " softmax output (default: mse).")
    Loss loss;

    @Option(names = "--optimizer", paramLabel = "O", converter = Optimizers.class,
            completionCandidates = Optimizers.class,
            description = "One of ${COMPLETION-CANDIDATES} (momentum 0.9; Adam 0.9, 0.999, 1e-8) (default: sgd).")
    Optimizer.Kind optimizer;

    @Option(names = "--learning-rate", paramLabel = "η", description = "Step size (default: 0.05).")
    Double learningRate;

    @Option(names = "--compare-learning-rates", paramLabel = "η1,η2,...", split = ",",
            description = "Train once per rate, from the same initial weights and batch order, and draw the curves"
                    + " together; the model written is the run with the lowest final cost.")
    List<Double> compareRates;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Rows per step: 1 is stochastic gradient on one random row (Higham & Higham's netbp), 0"
                    + " the full batch (default: 32; the example: 1).")
    Integer batchSize;

    @Option(names = "--steps", paramLabel = "N", description = "Steps to take.")
    Long steps;

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the data instead (default: 10; the"
            + " example: 10^6 steps).")
    Double epochs;

    @Option(names = "--target-cost", paramLabel = "C",
            description = "Report the first step at which the cost over the training set is at most C.")
    Double targetCost;

    @Option(names = "--init-scale", paramLabel = "S", defaultValue = "0.5",
            description = "Initial weights and biases: S × N(0, 1) (default: ${DEFAULT-VALUE}).")
    double initScale;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the initial weights and of the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--local-rows", paramLabel = "N", defaultValue = "1000000",
            description = "Train in the driver up to N rows, on the executors beyond (default: ${DEFAULT-VALUE}).")
    long localRows;

    @Mixin
    OutputOptions out;

    @Mixin
    SparkOptions spark;

    @Override
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (example != null) {
            if (!example.equals("higham")) {
                problems.add("--example takes higham, got " + example);
            }
            for (String[] o : new String[][] {{"--input", input}, {"--layers", layers == null ? null : ""},
                {"--activation", activation}, {"--activations", activations == null ? null : ""},
                {"--loss", loss == null ? null : ""}, {"--epochs", epochs == null ? null : ""}}) {
                if (o[1] != null) {
                    problems.add(o[0] + " does not go with --example (the example fixes it)");
                }
            }
        } else {
            if (input == null) {
                problems.add("--input is required (or --example higham)");
            }
            if (layers == null) {
                problems.add("--layers is required, e.g. --layers 2,3,1");
            } else if (layers.length < 2 || Arrays.stream(layers).anyMatch(w -> w < 1)) {
                problems.add("--layers takes two or more widths of 1 or more, got " + Arrays.toString(layers));
            } else {
                problems.addAll(activationProblems());
            }
        }
        if (activation != null && activations != null) {
            problems.add("give --activation or --activations, not both");
        }
        if (learningRate != null && compareRates != null) {
            problems.add("give --learning-rate or --compare-learning-rates, not both");
        }
        for (Double r : rates()) {
            if (r == null || !(r > 0) || r.isInfinite()) {
                problems.add("a learning rate must be a positive number, got " + r);
            }
        }
        if (batchSize != null && batchSize < 0) {
            problems.add("--batch-size must be 0 (the full batch) or more, got " + batchSize);
        }
        if (steps != null && epochs != null) {
            problems.add("give --steps or --epochs, not both");
        }
        if (steps != null && steps < 0) {
            problems.add("--steps must be 0 or more, got " + steps);
        }
        if (epochs != null && !(epochs > 0 && epochs < 1e15)) {
            problems.add("--epochs must be a positive number, got " + epochs);
        }
        if (targetCost != null && !(targetCost > 0 && targetCost < Double.POSITIVE_INFINITY)) {
            problems.add("--target-cost must be a positive number, got " + targetCost);
        }
        if (!(initScale >= 0 && initScale < Double.POSITIVE_INFINITY)) {
            problems.add("--init-scale must be 0 or more, got " + initScale);
        }
        if (localRows < 0 || localRows > Integer.MAX_VALUE / 2) {
            problems.add("--local-rows must be in 0.." + Integer.MAX_VALUE / 2 + ", got " + localRows);
        }
        if (input != null && GradientsCommand.isLocal(input) && !GradientsCommand.hasGlob(input)
                && !java.nio.file.Files.exists(java.nio.file.Path.of(input))) {
            problems.add("input " + input + " does not exist");
        }
        out.validate(problems);
        return problems;
    }

    private List<String> activationProblems() {
        List<String> problems = new ArrayList<>();
        int count = layers.length - 1;
        Loss l = loss == null ? Loss.MSE : loss;
        if (l == Loss.CROSS_ENTROPY && layers[count] < 2) {
            problems.add("cross-entropy needs 2 or more outputs (one per class), --layers ends in " + layers[count]);
        }
        List<String> names = activations != null ? activations
                : java.util.Collections.nCopies(count, activation == null ? "sigmoid" : activation);
        if (activations != null && activations.size() != count) {
            problems.add("--activations has " + activations.size() + " entries, --layers " + layers.length
                    + " layers: one per layer after the input (" + count + ")");
            return problems;
        }
        for (int i = 0; i < names.size(); i++) {
            String a = names.get(i).trim();
            boolean output = i == count - 1;
            if (a.equals("softmax")) {
                if (!output || l != Loss.CROSS_ENTROPY) {
                    problems.add("softmax is the output of --loss cross-entropy (last layer only)");
                }
                continue;
            }
            if (output && l == Loss.CROSS_ENTROPY && activations != null) {
                problems.add("with --loss cross-entropy the last activation is softmax, got " + a);
                continue;
            }
            try {
                Activation.fromId(a);
            } catch (IllegalArgumentException e) {
                problems.add("--activation" + (activations != null ? "s" : "") + ": " + e.getMessage());
            }
        }
        return problems;
    }

    private List<Double> rates() {
        if (compareRates != null) {
            return compareRates;
        }
        return List.of(learningRate != null ? learningRate : 0.05);
    }

    TrainingJob.Options options() {
        double target = targetCost == null ? Double.NaN : targetCost;
        Optimizer.Kind opt = optimizer == null ? Optimizer.Kind.SGD : optimizer;
        if (example != null) {
            List<Double> r = compareRates != null ? compareRates
                    : List.of(learningRate != null ? learningRate : HighamExample.LEARNING_RATE);
            return new TrainingJob.Options(null, null, null, HighamExample.WIDTHS, HighamExample.activations(),
                    Loss.MSE, opt, r, batchSize == null ? HighamExample.BATCH_SIZE : batchSize,
                    steps == null ? HighamExample.STEPS : steps, null, target, initScale, seed, Long.MAX_VALUE,
                    out.output, out.overwrite, example);
        }
        Loss l = loss == null ? Loss.MSE : loss;
        int count = layers.length - 1;
        Activation[] acts = new Activation[count];
        for (int i = 0; i < count; i++) {
            String a = activations != null ? activations.get(i).trim() : activation == null ? "sigmoid" : activation;
            boolean softmaxOutput = l == Loss.CROSS_ENTROPY && i == count - 1;
            acts[i] = softmaxOutput ? Activation.IDENTITY : Activation.fromId(a);  // the loss takes the softmax
        }
        return new TrainingJob.Options(input, features, label, layers, acts, l, opt, rates(),
                batchSize == null ? 32 : batchSize, steps, steps == null ? (epochs == null ? 10.0 : epochs) : null,
                target, initScale, seed, localRows, out.output, out.overwrite, null);
    }

    @Override
    public Integer call() throws IOException {
        TrainingJob.Options o = options();
        PrintStream console = System.out;
        TrainingJob job = new TrainingJob(o.input() == null ? null : spark.open("netsense train"), o, console);
        TrainingJob.Result r = job.execute();
        summary(console, r, o);
        return ExitCode.OK;
    }

    /** The end of the console output: each run's line, where the files are, and last the line that answers. */
    static void summary(PrintStream out, TrainingJob.Result r, TrainingJob.Options o) {
        if (r.runs().size() > 1) {
            for (Trainer.Run run : r.runs()) {
                out.println("  η = " + Format.sig3(run.learningRate()) + ": " + line(run, o));
            }
        }
        if ("higham".equals(o.example())) {
            out.println("  (the paper's code prints Σ‖y − a[4]‖² = 2N·C = " + number(20 * r.bestRun().finalCost())
                    + ")");
        }
        out.println("  model    " + r.output() + "/model.json");
        out.println("  report   " + r.output() + "/report.html  (training.json beside it)");
        out.println(line(r.bestRun(), o));
    }

    /** {@code cost 1.2e-4 after 1,000,000 steps (8.3 s); target 1e-3 reached at step 312,004 (2.6 s)}. */
    static String line(Trainer.Run run, TrainingJob.Options o) {
        StringBuilder b = new StringBuilder();
        if (run.diverged()) {
            b.append("diverged: the cost stopped being finite at step ").append(Format.count(run.divergedAt()));
        } else {
            b.append("cost ").append(number(run.finalCost())).append(" after ").append(Format.count(run.steps()))
                    .append(" steps (").append(seconds(run.seconds())).append(")");
        }
        if (!Double.isNaN(o.targetCost())) {
            b.append("; target ").append(number(o.targetCost()));
            if (run.target() != null) {
                b.append(" reached at step ").append(Format.count(run.target().step())).append(" (")
                        .append(seconds(run.target().seconds())).append(")");
            } else {
                b.append(" not reached");
            }
        }
        return b.toString();
    }

    /** Three significant digits, the exponent as people write it: 3.38e-5, 0.254, 12.5. */
    static String number(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return Format.sig3(v);
        }
        double a = Math.abs(v);
        if (a >= 1e-2 && a < 1e5) {
            return Format.sig3(v);
        }
        String[] parts = String.format(Locale.ROOT, "%.2e", v).split("e");
        String mantissa = parts[0].replaceAll("\\.?0+$", "");
        return mantissa + "e" + Integer.parseInt(parts[1]);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, s < 10 ? "%.2f s" : "%.1f s", s);
    }

    /** {@code --loss}. */
    static final class Losses extends EnumIds<Loss> {
        Losses() {
            super(Loss.class, Loss::id);
        }
    }

    /** {@code --optimizer}. */
    static final class Optimizers extends EnumIds<Optimizer.Kind> {
        Optimizers() {
            super(Optimizer.Kind.class, Optimizer.Kind::id);
        }
    }
}
