package netsense.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Prints every command's option names, one per line — {@code command name value|flag} — for
 * the launch scripts ({@code jobs/lib.sh}), which send every other option to spark-submit.
 * Run once after each build; the list comes from the picocli annotations, so it cannot drift.
 */
public final class OptionNames {
    private OptionNames() {}

    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, CommandLine> c : new CommandLine(new Main()).getSubcommands().entrySet()) {
            append(out, c.getKey(), c.getValue());
        }
        System.out.print(out);
    }

    /** A command's options and, under the same script's name, those of its subcommands ({@code model convert --to}). */
    private static void append(StringBuilder out, String script, CommandLine command) {
        for (OptionSpec o : command.getCommandSpec().options()) {
            for (String name : o.names()) {
                String line = script + ' ' + name + ' ' + (o.arity().max() > 0 ? "value" : "flag") + '\n';
                if (out.indexOf(line) < 0) {
                    out.append(line);
                }
            }
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            append(out, script, sub);
        }
    }
}
