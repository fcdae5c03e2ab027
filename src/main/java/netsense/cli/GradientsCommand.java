package netsense.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netsense.core.BlockKernel;
import netsense.spark.GlobalOptions;
import netsense.spark.GradientJob;
import netsense.spark.MethodOptions;
import netsense.spark.Mode;
import netsense.spark.VectorType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gradients}: the main job (SPEC, "The main job"). */
@Command(name = "gradients", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Computes the input gradient of a network's output for every row of a Parquet input and"
                + " writes them, with the rows it rejects and per-dimension sensitivities, to DIR (gradients/,"
                + " rejected/, summary.json).", "",
            "Spark options (--conf k=v, --driver-memory, --executor-memory, --jars, ...) are passed to spark-submit"
                + " by the launch script."},
        footer = {"", "Exit status: 0 done; 2 the command, model or input schema is wrong (nothing written);"
                + " 3 a bad row under --mode failfast; 1 anything else."})
final class GradientsCommand implements NetsenseCommand {
    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model: netsense JSON, ONNX, or a folder saved by Spark ML's MultilayerPerceptronClassificationModel.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Parquet file or folder.")
    String input;

    @Mixin
    OutputOptions out;

    @Option(names = "--features", paramLabel = "COL",
            description = "Input column: array<double>, array<float> or a Spark ML vector (default: features).")
    String features;

    @Option(names = "--feature-cols", paramLabel = "COL", split = ",",
            description = "Instead of --features: one numeric column per input dimension, in order.")
    List<String> featureCols;

    @Option(names = "--id-col", paramLabel = "COL",
            description = "Carried to every output row (default: id when the input has it).")
    String idCol;

    @Option(names = "--keep-cols", paramLabel = "COL", split = ",",
            description = "Further input columns carried through.")
    List<String> keepCols;

    @Option(names = "--output-index", paramLabel = "K|all",
            description = "Which output neuron (0-based) when the model has several, required then; or all: every"
                    + " output's vector at once (array columns).")
    String outputIndex;

    @Option(names = "--method", paramLabel = "M", defaultValue = "gradient", converter = EnumIds.Methods.class,
            completionCandidates = EnumIds.Methods.class,
            description = "What each row's vector is: gradient, input-x-gradient, integrated-gradients, smoothgrad,"
                    + " smoothgrad-sq, vargrad (default: ${DEFAULT-VALUE}).")
    netsense.core.Attribution.Method method;

    @Option(names = "--steps", paramLabel = "N",
            description = "Quadrature points of integrated-gradients (default: " + MethodOptions.DEFAULT_STEPS + ").")
    Integer steps;

    @Option(names = "--quadrature", paramLabel = "Q", converter = EnumIds.Quadratures.class,
            completionCandidates = EnumIds.Quadratures.class,
            description = "Quadrature rule of integrated-gradients: gausslegendre, riemann-left, riemann-right,"
                    + " riemann-middle, riemann-trapezoid (default: gausslegendre).")
    netsense.core.Quadrature quadrature;

    @Option(names = "--baseline", paramLabel = "zero|mean|COL",
            description = "Baseline x' of integrated-gradients: zero, mean (the input's column means) or a per-row"
                    + " array column (default: zero).")
    String baseline;

    @Option(names = "--samples", paramLabel = "N",
            description = "Noisy copies per row for smoothgrad, smoothgrad-sq and vargrad (default: "
                    + MethodOptions.DEFAULT_SAMPLES + ").")
    Integer samples;

    @Option(names = "--noise-std", paramLabel = "S",
            description = "The SmoothGrad noise's standard deviation, absolute.")
    Double noiseStd;

    @Option(names = "--noise-rel", paramLabel = "R",
            description = "The SmoothGrad noise's standard deviation as R × each dimension's std over the input"
                    + " (default: " + MethodOptions.DEFAULT_NOISE_REL + ").")
    Double noiseRel;

    @Option(names = "--seed", paramLabel = "S",
            description = "The seed of the SmoothGrad noise and of the bootstrap's weights (default: 0).")
    Long seed;

    @Option(names = "--dgsm-bound", paramLabel = "uniform|normal", converter = EnumIds.Poincares.class,
            completionCandidates = EnumIds.Poincares.class,
            description = "Adds each dimension's upper bound on the total Sobol' index, C_i · mean_sq / Var f, with"
                    + " the Poincaré constant of the uniform ((b - a)²/π²) or normal (std²) distribution.")
    netsense.core.DgsmBound.Poincare dgsmBound;

    @Option(names = "--input-bounds", paramLabel = "FILE",
            description = "A JSON list of [a, b] per input dimension for --dgsm-bound uniform (default: the observed"
                    + " range).")
    String inputBounds;

    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "0",
            description = "Poisson bootstrap replicates for intervals of each dimension's figures and rank, in the"
                    + " same pass; 0 is none (default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(names = "--confidence", paramLabel = "C", defaultValue = "0.95",
            description = "The confidence level of the bootstrap's intervals (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--group-by", paramLabel = "COL",
            description = "A string, integer or boolean column: one summary per key in summary.json (groups).")
    String groupBy;

    @Option(names = "--max-groups", paramLabel = "N", defaultValue = "1000",
            description = "The most distinct --group-by keys; more stop the job with exit status 2"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxGroups;

    @Option(names = "--sample-rows", paramLabel = "K", defaultValue = "2000",
            description = "Rows of the sample written to sample/ and drawn in the report's dependence plots;"
                    + " 0 is none (default: ${DEFAULT-VALUE}).")
    int sampleRows;

    @Option(names = "--mode", paramLabel = "M", defaultValue = "permissive", converter = EnumIds.Modes.class,
            completionCandidates = EnumIds.Modes.class,
            description = "What to do with bad rows. permissive: they go to rejected/; dropmalformed: counted and"
                    + " dropped; failfast: the first one stops the job (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Mixin
    SparkOptions spark;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "float64", converter = EnumIds.Precisions.class,
            completionCandidates = EnumIds.Precisions.class,
            description = "Arithmetic of the kernel: float64, or float32 (about twice as fast on wide networks;"
                    + " gradients within 1e-4 of float64, relative to their largest entry) (default:"
                    + " ${DEFAULT-VALUE}).")
    BlockKernel.Precision precision;

    @Option(names = "--vector-type", paramLabel = "T", defaultValue = "double", converter = EnumIds.VectorTypes.class,
            completionCandidates = EnumIds.VectorTypes.class,
            description = "Element type of the gradient column: double, or float, which halves the output for wide"
                    + " inputs; the statistics are float64 either way (default: ${DEFAULT-VALUE}).")
    VectorType vectorType;

    @Option(names = "--block-rows", paramLabel = "N",
            description = "Rows per kernel block (default: " + GradientJob.DEFAULT_BLOCK_ROWS + ", fewer where"
                    + " rows are wide: a block's buffers stay within 64 MiB); refused when a block would not fit"
                    + " in a quarter of a task's share of the heap.")
    Integer blockRows;

    @Option(names = "--ignore-corrupt-files", description = "Skip input files that cannot be read as Parquet, and"
            + " name them in summary.json (skipped_files) and the report (Spark's"
            + " spark.sql.files.ignoreCorruptFiles).")
    boolean ignoreCorruptFiles;

    @Override
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (features != null && featureCols != null) {
            problems.add("give --features or --feature-cols, not both");
        }
        if (featureCols != null && featureCols.stream().anyMatch(String::isBlank)) {
            problems.add("--feature-cols has an empty name");
        }
        if (outputIndex != null && !outputIndex.equalsIgnoreCase("all")
                && !(outputIndex.matches("\\d{1,9}"))) {
            problems.add("--output-index is a whole number 0 or more, or all; got " + outputIndex);
        }
        boolean integrated = method == netsense.core.Attribution.Method.INTEGRATED_GRADIENTS;
        for (Object[] o : new Object[][] {{"--steps", steps}, {"--quadrature", quadrature}, {"--baseline", baseline}}) {
            if (o[1] != null && !integrated) {
                problems.add(o[0] + " applies to --method integrated-gradients, not " + method.id());
            }
        }
        for (Object[] o : new Object[][] {{"--samples", samples}, {"--noise-std", noiseStd}, {"--noise-rel", noiseRel}}) {
            if (o[1] != null && !method.noisy()) {
                problems.add(o[0] + " applies to --method smoothgrad, smoothgrad-sq or vargrad, not " + method.id());
            }
        }
        if (seed != null && !method.noisy() && bootstrap == 0) {
            problems.add("--seed applies to --bootstrap or to --method smoothgrad, smoothgrad-sq or vargrad");
        }
        try {
            globalOptions().validate();
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        if (inputBounds != null && isLocal(inputBounds) && !Files.exists(Path.of(inputBounds))) {
            problems.add("--input-bounds file " + inputBounds + " does not exist");
        }
        try {
            methodOptions().validate();
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        if (blockRows != null && blockRows < 1) {
            problems.add("--block-rows must be at least 1, got " + blockRows);
        }
        if (isLocal(model) && !Files.exists(Path.of(model))) {
            problems.add("model file " + model + " does not exist");
        }
        // a folder is read as a Spark ML model, or refused saying so, when the job reads the model
        if (isLocal(input) && !hasGlob(input) && !Files.exists(Path.of(input))) {
            problems.add("input " + input + " does not exist");
        }
        out.validate(problems);
        return problems;
    }

    static boolean isLocal(String path) {
        return path != null && !path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
    }

    static boolean hasGlob(String path) {
        return path.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    MethodOptions methodOptions() {
        MethodOptions m = MethodOptions.of(method).withNoiseStd(noiseStd).withNoiseRel(noiseRel);
        if (steps != null) {
            m = m.withSteps(steps);
        }
        if (quadrature != null) {
            m = m.withQuadrature(quadrature);
        }
        if (baseline != null) {
            m = m.withBaseline(baseline);
        }
        if (samples != null) {
            m = m.withSamples(samples);
        }
        if (seed != null) {
            m = m.withSeed(seed);
        }
        return m;
    }

    GlobalOptions globalOptions() {
        return GlobalOptions.defaults().withDgsmBound(dgsmBound, inputBounds)
                .withBootstrap(bootstrap, confidence, seed == null ? 0 : seed).withGroupBy(groupBy, maxGroups)
                .withSampleRows(sampleRows);
    }

    GradientJob.Options options() {
        boolean all = outputIndex != null && outputIndex.equalsIgnoreCase("all");
        return GradientJob.Options.builder(model, input, out.output).featuresCol(features).featureCols(featureCols)
                .idCol(idCol).keepCols(keepCols).outputIndex(all || outputIndex == null ? null
                        : Integer.valueOf(outputIndex)).allOutputs(all).mode(mode).overwrite(out.overwrite)
                .blockRows(blockRows == null ? 0 : blockRows).precision(precision)
                .ignoreCorruptFiles(ignoreCorruptFiles).vectorType(vectorType).method(methodOptions()).global(globalOptions()).build();
    }

    @Override
    public Integer call() throws IOException {
        GradientJob.Result result = new GradientJob(spark.open("netsense gradients"), options()).execute();
        RunReport.print(System.out, "netsense gradients", result);
        return ExitCode.OK;
    }
}
