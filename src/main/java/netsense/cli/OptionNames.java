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
            for (OptionSpec o : c.getValue().getCommandSpec().options()) {
                for (String name : o.names()) {
                    out.append(c.getKey()).append(' ').append(name).append(' ')
                            .append(o.arity().max() > 0 ? "value" : "flag").append('\n');
                }
            }
        }
        System.out.print(out);
    }
}
