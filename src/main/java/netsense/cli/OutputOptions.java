package netsense.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The output folder of a command that refuses to replace one unless told to (a picocli mixin). */
final class OutputOptions {
    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Output folder; it must not exist, unless --overwrite is given.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output folder.")
    boolean overwrite;

    /** Adds the problem of a local output folder that exists without {@code --overwrite}. */
    void validate(List<String> problems) {
        if (GradientsCommand.isLocal(output) && Files.exists(Path.of(output)) && !overwrite) {
            problems.add("the output folder " + output + " exists; choose another or pass --overwrite to replace it");
        }
    }
}
