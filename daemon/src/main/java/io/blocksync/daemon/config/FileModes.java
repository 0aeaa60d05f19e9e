package io.blocksync.daemon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Whether a file holding a secret can be read by users other than its owner and the daemon's own group.
 */
public final class FileModes
{
    /**
     * The key-file rule, in the words every document uses (docs/CONFIG.md, docs/DEPLOY.md, blocksync.8,
     * blocksync.conf.5, the warning below; ManPageTest checks each): readable beyond that is warned about here,
     * writable by others or owned by anyone else is refused ({@link StrictModes}).
     */
    public static final String KEY_FILE_RULE =
        "mode 0600, or 0640 with the group blocksync (_blocksync on the BSDs), owned by root or the daemon's user";

    private static final PosixFilePermission[] MODE_BITS_HIGH_TO_LOW = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE,
    };

    /**
     * The group the service files run the daemon as: blocksync.sysusers (Linux), _blocksync (the BSD rc.d scripts).
     * A key file owned by root in that group, mode 0640, is the layout docs/DEPLOY.md gives: the daemon reads it
     * through its group, root's CLI through ownership, and neither can be refused by the other's StrictModes.
     */
    private static final Set<String> SERVICE_GROUPS = Set.of("blocksync", "_blocksync");

    private FileModes()
    {
    }

    /**
     * @return the octal mode, e.g. "0644", when group or others may read the file; null when they may not, when
     * only the service group ({@link #SERVICE_GROUPS}) may, or when the file system has no POSIX permissions to ask.
     */
    static String exposedMode(final Path file)
    {
        final Set<PosixFilePermission> permissions;
        try
        {
            permissions = Files.getPosixFilePermissions(file);
        }
        catch (final UnsupportedOperationException | IOException ex)
        {
            return null;
        }

        if (!permissions.contains(PosixFilePermission.OTHERS_READ) &&
            (!permissions.contains(PosixFilePermission.GROUP_READ) || inServiceGroup(file)))
        {
            return null;
        }

        int mode = 0;
        for (final PosixFilePermission bit : MODE_BITS_HIGH_TO_LOW)
        {
            mode = (mode << 1) | (permissions.contains(bit) ? 1 : 0);
        }

        return String.format("0%03o", mode);
    }

    private static boolean inServiceGroup(final Path file)
    {
        try
        {
            return SERVICE_GROUPS.contains(Files.readAttributes(file, PosixFileAttributes.class).group().getName());
        }
        catch (final UnsupportedOperationException | IOException ex)
        {
            return false;
        }
    }
}
