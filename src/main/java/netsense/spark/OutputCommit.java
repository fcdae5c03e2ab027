package netsense.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.UUID;
import netsense.io.InvalidSetupException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * How a job's output folder comes into being: complete, or not at all, and never at the cost
 * of an earlier complete output.
 *
 * <p>The job writes into {@link #staging()}, a hidden folder beside the output. {@link #commit}
 * then moves it into place and writes {@code summary.json} last, so that "summary.json is
 * present" means "the folder is complete" also on object stores, where a folder's rename is
 * a copy, file by file. With {@code overwrite}, the old output is first moved aside, and
 * deleted only once the new one is complete; any failure on the way puts it back. Without
 * {@code overwrite}, an output that appeared while the job ran (another job's) is left as it
 * is and the commit is refused. {@link #close} removes whatever staging is left and never
 * throws, so that it cannot hide the reason a job stopped.
 *
 * <p>Every rename and delete has its result checked: Hadoop's {@code FileSystem} reports many
 * failures as {@code false}, and a rename onto an existing folder moves the source into it.
 */
final class OutputCommit implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(OutputCommit.class);
    static final String SUMMARY = "summary.json";
    private static final String MARKER = ".netsense-";

    /** Writes the summary's bytes. */
    @FunctionalInterface
    interface SummaryWriter {
        void write(OutputStream out) throws IOException;
    }

    private final FileSystem fs;
    private final Path output;
    private final boolean overwrite;
    private final Path staging;
    private final String id = UUID.randomUUID().toString();
    private final String last;

    /**
     * Refuses, before any work, an output that is a file system's root, or that exists when
     * {@code overwrite} is not given.
     *
     * @param output a qualified path
     */
    OutputCommit(FileSystem fs, Path output, boolean overwrite) throws IOException {
        this(fs, output, overwrite, SUMMARY);
    }

    /**
     * As above, for an output whose completeness is marked by the file {@code last} (written
     * last, in place of summary.json: the training job's training.json).
     */
    OutputCommit(FileSystem fs, Path output, boolean overwrite, String last) throws IOException {
        this.last = Objects.requireNonNull(last, "last");
        this.fs = Objects.requireNonNull(fs, "fs");
        this.output = Objects.requireNonNull(output, "output");
        this.overwrite = overwrite;
        if (output.getParent() == null) {
            throw new InvalidSetupException("the output " + output + " is a file system's root; name a folder"
                    + " inside it (the output is staged beside its folder and moved into place)");
        }
        if (!overwrite && fs.exists(output)) {
            throw new InvalidSetupException("the output folder " + output
                    + " exists; choose another or pass --overwrite to replace it");
        }
        this.staging = sibling("");
    }

    /**
     * Refuses an output folder that holds the input or the model (the commit would replace
     * them), or that lies inside the input — inside its folder, or one of the folders its
     * glob matches, or matched by its glob — where the next run would read it as input.
     *
     * @param output the output, qualified; {@code given}: as the user wrote it, for messages
     */
    static void refuseOverlap(Configuration conf, Path output, String given, String input, String model)
            throws IOException {
        String folder = output.toString();
        for (String[] other : new String[][] {{"input", input}, {"model", model}}) {
            if (within(qualified(conf, new Path(other[1])).toString(), folder)) {
                throw new InvalidSetupException("the " + other[0] + " " + other[1] + " is inside the output folder "
                        + given + ", which the job replaces; write the output elsewhere");
            }
        }
        Path pattern = qualified(conf, new Path(input));
        FileSystem fs = pattern.getFileSystem(conf);
        FileStatus[] matched = fs.globStatus(pattern);
        List<Path> roots = new ArrayList<>();
        for (FileStatus m : matched == null ? new FileStatus[0] : matched) {
            if (m.isDirectory()) {
                roots.add(m.getPath());
            }
        }
        GlobPattern glob = new GlobPattern(pattern.toUri().getPath());
        for (Path p = output; p != null; p = p.getParent()) {
            if (roots.contains(p) || glob.hasWildcard() && glob.matches(p.toUri().getPath())) {
                throw new InvalidSetupException("the output folder " + given + " is inside the input " + input
                        + ", so a later run would read it as input; write the output elsewhere");
            }
        }
    }

    private static Path qualified(Configuration conf, Path p) throws IOException {
        return p.getFileSystem(conf).makeQualified(p);
    }

    private static boolean within(String path, String folder) {
        return path.equals(folder) || path.startsWith(folder + "/");
    }

    /** The folder the job writes into. */
    Path staging() {
        return staging;
    }

    Path output() {
        return output;
    }

    private Path sibling(String kind) {
        return new Path(output.getParent(), "." + output.getName() + MARKER + kind + id);
    }

    /**
     * Moves the staged folder into place and writes summary.json into it, last.
     *
     * @throws InvalidSetupException when, without overwrite, the output appeared during the run
     * @throws IOException when the file system refuses a step; the output is then as it was
     */
    void commit(SummaryWriter summary) throws IOException {
        Path aside = null;
        Path hiddenSummary = new Path(output, "." + last + MARKER + "previous-" + id);
        boolean hid = false;
        if (overwrite && fs.exists(output)) {
            // the previous output stops claiming to be complete first: on an object store the move
            // aside is a copy, file by file, and DIR is seen half gone while it runs
            if (fs.exists(new Path(output, last))) {
                move(new Path(output, last), hiddenSummary);
                hid = true;
            }
            aside = sibling("previous-");
            try {
                move(output, aside);
            } catch (IOException | RuntimeException e) {
                if (hid) {
                    unhide(output, hiddenSummary, e);
                }
                throw e;
            }
        }
        try {
            try {
                move(staging, output);
            } catch (TargetExistsException e) {
                throw new InvalidSetupException("the output folder " + output + " appeared while the job ran"
                        + " (another job writing there?); it is left as it is and this run's results are discarded;"
                        + " choose another output" + (overwrite ? "" : " or pass --overwrite to replace it"));
            }
            try {
                writeSummary(summary);
            } catch (IOException | RuntimeException e) {
                discardIncomplete(e);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (aside != null && restore(aside, e) && hid) {
                unhide(output, hiddenSummary, e);
            }
            throw e;
        }
        if (aside != null) {
            deleteQuietly(aside, "the previous output, moved aside");
        }
    }

    /** Puts the previous output's summary.json back under its name, in {@code folder}. */
    private void unhide(Path folder, Path hidden, Exception cause) {
        try {
            move(new Path(folder, hidden.getName()), new Path(folder, last));
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** summary.json through a hidden temporary name, so that it appears whole. */
    private void writeSummary(SummaryWriter summary) throws IOException {
        Path tmp = new Path(output, "." + last + MARKER + id);
        try (OutputStream out = fs.create(tmp, false)) {
            summary.write(out);
        }
        move(tmp, new Path(output, last));
    }

    /** The output moved in, but summary.json failed: the folder is not complete, so it goes. */
    private void discardIncomplete(Exception cause) {
        try {
            if (!fs.delete(output, true) && fs.exists(output)) {
                cause.addSuppressed(new IOException("could not delete the incomplete output " + output
                        + " (it has no summary.json); delete it by hand"));
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private boolean restore(Path aside, Exception cause) {
        try {
            move(aside, output);
            return true;
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            cause.addSuppressed(new IOException("the previous output could not be moved back: it is complete at "
                    + aside + " (its " + last + " as ." + last + MARKER + "previous-" + id + "); move it to "
                    + output + " by hand"));
            return false;
        }
    }

    /**
     * Renames {@code from} to {@code to}, which must not exist. Checks the result, including the
     * case where {@code to} appeared just before the rename and {@code from} went inside it.
     */
    private void move(Path from, Path to) throws IOException {
        if (fs.exists(to)) {
            throw new TargetExistsException(to);
        }
        boolean renamed = fs.rename(from, to);
        Path nested = new Path(to, from.getName());
        // only names of this commit's own (staging, summary) are unique enough to tell a nested move
        if (from.getName().contains(id) && fs.exists(nested) && !fs.exists(from)) {
            // `to` was created in between and `from` went into it: take it back out
            if (!fs.rename(nested, from)) {
                throw new IOException("could not move " + nested + " back to " + from);
            }
            throw new TargetExistsException(to);
        }
        if (!renamed || fs.exists(from) || !fs.exists(to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }

    private void deleteQuietly(Path path, String what) {
        try {
            if (fs.delete(path, true) || !fs.exists(path)) {
                return;
            }
            LOG.warn("could not delete {} at {}; delete it by hand", what, path);
        } catch (FileNotFoundException e) {
            return;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not delete {} at {} ({}); delete it by hand", what, path, e.toString());
        }
    }

    /** Removes what is left of the staging folder; logs, never throws. */
    @Override
    public void close() {
        deleteQuietly(staging, "the staging folder");
    }

    private static final class TargetExistsException extends IOException {
        private static final long serialVersionUID = 1L;

        TargetExistsException(Path target) {
            super(target + " exists");
        }
    }
}
