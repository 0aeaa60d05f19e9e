package io.blocksync.daemon.config;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;

/**
 * sshd's StrictModes for what the daemon reads or runs (configuration, key files, control scripts, source commands,
 * the state directory): the file and every directory above it up to {@code /} must be owned by root or by the
 * daemon's own user, and writable by nobody else. Otherwise whoever can write one of them can make the daemon run
 * their program or trust their key.
 * <p>
 * Both the path as written and, when it goes through symbolic links, the path they resolve to are checked; a link
 * counts by its owner (its own mode is always 0777 and means nothing). A world-writable directory with the sticky bit
 * ({@code /tmp}) is accepted above an existing entry, since only that entry's (checked) owner can replace it; above a
 * missing one it is not, since anyone could create it. On a file system without POSIX owners nothing is refused.
 */
public final class StrictModes
{
    private static final int ROOT_UID = 0;
    private static final int GROUP_WRITE = 0020;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;
    private static final int PERMISSION_BITS = 07777;
    private static final int TYPE_MASK = 0170000;
    private static final int TYPE_LINK = 0120000;

    private static final int SELF_UID = selfUid();

    private StrictModes()
    {
    }

    /**
     * @param file a file the daemon trusts; a relative path resolves against the working directory.
     * @return null when only root and the daemon's user can change it, else one line saying which path is at fault
     * and why, with the fix, e.g. {@code directory /srv/bs is group-writable (mode 0775); chmod go-w /srv/bs}.
     */
    public static String problem(final Path file)
    {
        final Path absolute = file.toAbsolutePath().normalize();
        final String literal = chainProblem(absolute);
        if (null != literal)
        {
            return literal;
        }

        final Path real;
        try
        {
            real = absolute.toRealPath();
        }
        catch (final IOException ex)
        {
            return null; // missing: the ancestors that exist were checked above
        }

        return real.equals(absolute) ? null : chainProblem(real);
    }

    /**
     * @param program a program as a command's first word: a path (relative to the working directory), or a bare name
     *                looked up in {@code PATH} as the process launcher does.
     * @return null when it is trusted or not found (running it reports that), else why not, as {@link #problem}; for
     * a bare name every {@code PATH} directory searched before it was found counts too, since a program planted
     * there would run instead.
     */
    public static String programProblem(final String program)
    {
        if (program.indexOf('/') >= 0)
        {
            return problem(Path.of(program));
        }

        final String path = System.getenv("PATH");
        if (null == path)
        {
            return null;
        }

        for (final String entry : path.split(File.pathSeparator, -1))
        {
            final Path directory;
            try
            {
                directory = Path.of(entry.isEmpty() ? "." : entry);
            }
            catch (final InvalidPathException ex)
            {
                continue;
            }

            final String directoryProblem = problem(directory);
            if (null != directoryProblem)
            {
                return "PATH directory " + directory + " is searched for " + program + ": " + directoryProblem;
            }

            final Path candidate = directory.resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
            {
                return problem(candidate);
            }
        }

        return null;
    }

    /**
     * Reports a program the daemon would run but that someone other than root and the daemon's user could change.
     *
     * @param reader  of the section.
     * @param entry   the key that names the program, or null when it is a default (reported at the header).
     * @param program as {@link #programProblem} takes it.
     */
    static void checkProgram(final SectionReader reader, final ConfigEntry entry, final String program)
    {
        final String problem = StrictModes.programProblem(program);
        if (null == problem)
        {
            return;
        }

        if (null == entry)
        {
            reader.errorAtHeader(program + ": refused: " + problem);
        }
        else
        {
            reader.errorAtValue(entry, entry.key() + ": " + program + ": refused: " + problem);
        }
    }

    /**
     * @return e.g. "a FIFO", "a character device", or null for a regular file or one whose type cannot be told.
     */
    static String specialFileType(final Path file)
    {
        final int mode;
        try
        {
            mode = (Integer)Files.getAttribute(file, "unix:mode");
        }
        catch (final UnsupportedOperationException | IllegalArgumentException | IOException ex)
        {
            return null;
        }

        switch (mode & TYPE_MASK)
        {
            case 0010000:
                return "a FIFO";
            case 0020000:
                return "a character device";
            case 0060000:
                return "a block device";
            case 0140000:
                return "a socket";
            default:
                return null;
        }
    }

    /**
     * Walks from the file up to the root; parts that do not exist are skipped.
     */
    private static String chainProblem(final Path absolute)
    {
        boolean childExists = false;
        for (Path current = absolute; null != current; current = current.getParent())
        {
            final Map<String, Object> attributes;
            try
            {
                attributes = Files.readAttributes(current, "unix:mode,uid,owner", LinkOption.NOFOLLOW_LINKS);
            }
            catch (final NoSuchFileException ex)
            {
                childExists = false;
                continue;
            }
            catch (final UnsupportedOperationException | IllegalArgumentException ex)
            {
                return null;
            }
            catch (final IOException ex)
            {
                return describe(current, absolute) + " cannot be checked: " + ex;
            }

            final String problem = entryProblem(current, absolute, attributes, childExists);
            if (null != problem)
            {
                return problem;
            }
            childExists = true;
        }

        return null;
    }

    private static String entryProblem(
        final Path entry, final Path leaf, final Map<String, Object> attributes, final boolean childExists)
    {
        final int uid = (Integer)attributes.get("uid");
        final int mode = (Integer)attributes.get("mode");
        if (uid != ROOT_UID && uid != SELF_UID)
        {
            return describe(entry, leaf) + " is owned by " + ((UserPrincipal)attributes.get("owner")).getName() +
                " (uid " + uid + "), not by root" + selfName() + "; chown root " + entry;
        }

        if ((mode & TYPE_MASK) == TYPE_LINK || ((mode & STICKY) != 0 && childExists))
        {
            return null;
        }

        final String writer = (mode & OTHERS_WRITE) != 0 ? "world" : (mode & GROUP_WRITE) != 0 ? "group" : null;

        return null == writer ? null : describe(entry, leaf) + " is " + writer + "-writable (mode " +
            String.format("%04o", mode & PERMISSION_BITS) + "); chmod go-w " + entry;
    }

    private static String describe(final Path entry, final Path leaf)
    {
        return entry.equals(leaf) ? entry.toString() : "directory " + entry;
    }

    private static String selfName()
    {
        return SELF_UID == ROOT_UID ? "" : " or " + System.getProperty("user.name") + " (uid " + SELF_UID + ")";
    }

    private static int selfUid()
    {
        try
        {
            return (int)new com.sun.security.auth.module.UnixSystem().getUid();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return ROOT_UID;
        }
    }
}
