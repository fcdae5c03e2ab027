package netsense.spark;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code faulty:}, with faults a test injects: a
 * rename that fails or runs something first, a delete or a file's creation that throws. Registered per session with
 * {@code fs.faulty.impl}; the hooks are static because Hadoop caches file system instances.
 */
public class FaultyFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "faulty";

    /** Called before every rename; returns false to make the rename fail as Hadoop reports it. */
    interface RenameHook {
        boolean beforeRename(RawLocalFileSystem fs, Path from, Path to) throws IOException;
    }

    /** Called before every delete; throws to make it fail. */
    interface DeleteHook {
        void beforeDelete(Path path) throws IOException;
    }

    /** Called before a file is created; throws to make it fail. */
    interface CreateHook {
        void beforeCreate(Path path) throws IOException;
    }

    static volatile RenameHook renameHook = (fs, from, to) -> true;
    static volatile DeleteHook deleteHook = path -> { };
    static volatile CreateHook createHook = path -> { };

    static void reset() {
        renameHook = (fs, from, to) -> true;
        deleteHook = path -> { };
        createHook = path -> { };
    }

    static String uri(java.nio.file.Path local) {
        return SCHEME + "://" + local.toAbsolutePath();
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        return renameHook.beforeRename(this, src, dst) && super.rename(src, dst);
    }

    @Override
    public org.apache.hadoop.fs.FSDataOutputStream create(Path f, org.apache.hadoop.fs.permission.FsPermission permission,
            boolean overwrite, int bufferSize, short replication, long blockSize,
            org.apache.hadoop.util.Progressable progress) throws IOException {
        createHook.beforeCreate(f);
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public org.apache.hadoop.fs.FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication,
            long blockSize, org.apache.hadoop.util.Progressable progress) throws IOException {
        createHook.beforeCreate(f);
        return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
        deleteHook.beforeDelete(p);
        return super.delete(p, recursive);
    }
}
