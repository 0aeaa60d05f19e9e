package io.blocksync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files of the runs that start nodes as processes: their scratch directories.
 */
public final class BenchFiles
{
    private BenchFiles()
    {
    }

    /**
     * @param root a directory (or file) to delete with everything in it; nothing happens if it does not exist.
     * @throws IOException if something in it cannot be deleted.
     */
    public static void deleteRecursively(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * @param file  a log file.
     * @param chars how much of its end to return.
     * @return its last {@code chars} characters, or {@code "(no log)"} if it does not exist.
     * @throws IOException if it cannot be read.
     */
    public static String tail(final Path file, final int chars) throws IOException
    {
        final String text = Files.exists(file) ? Files.readString(file) : "(no log)";
        return text.substring(Math.max(0, text.length() - chars));
    }
}
