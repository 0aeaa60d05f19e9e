package io.blocksync.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What this machine offers a fixture: installed tools and root.
 */
public final class Tools
{
    /** Searched after PATH: a non-root PATH often lacks the sbin directories where ip and nft live. */
    private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private Tools()
    {
    }

    /**
     * @param name a program name such as {@code "nft"}.
     * @return its path, from PATH then the system directories, or null if it is not installed.
     */
    public static Path find(final String name)
    {
        final List<String> directories = new ArrayList<>(List.of(
            System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        directories.addAll(SYSTEM_DIRECTORIES);
        for (final String directory : directories)
        {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name)))
            {
                return Path.of(directory, name);
            }
        }
        return null;
    }

    /**
     * @param name a program name such as {@code "nft"}.
     * @return true if it is installed.
     */
    public static boolean installed(final String name)
    {
        return null != find(name);
    }

    /**
     * @param names program names.
     * @return the first of them that is not installed, or null if all are.
     */
    public static String firstMissing(final String... names)
    {
        for (final String name : names)
        {
            if (!installed(name))
            {
                return name;
            }
        }
        return null;
    }

    /**
     * @return true if this process runs as uid 0.
     */
    public static boolean isRoot()
    {
        try
        {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
