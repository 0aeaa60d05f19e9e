package io.blocksync.daemon.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code bans.format} in the state directory: the layout version of the map's keys and values and the capacity the
 * map file was sized for, which Chronicle's own header does not keep. A few lines of {@code key=value} text:
 * <pre>
 *   # blocksync ban store, written by the daemon: do not edit
 *   format=3
 *   capacity=100000
 * </pre>
 */
final class FormatFile
{
    static final String FILE_NAME = "bans.format";
    /** Version of the key and value layout (see {@link BanMarshaller} and {@link IpPrefixMarshaller}). */
    static final int VERSION = 3;

    private static final String FORMAT_KEY = "format";
    private static final String CAPACITY_KEY = "capacity";

    private FormatFile()
    {
    }

    /**
     * Record this version and a capacity, replacing the file atomically.
     *
     * @param stateDir the state directory.
     * @param capacity entries the map file was sized for.
     * @throws IOException if the file cannot be written.
     */
    static void write(final Path stateDir, final long capacity) throws IOException
    {
        final Path formatFile = stateDir.resolve(FILE_NAME);
        final Path temp = stateDir.resolve(FILE_NAME + ".tmp");
        final String text =
            "# blocksync ban store, written by the daemon: do not edit\n" +
            FORMAT_KEY + "=" + VERSION + "\n" +
            CAPACITY_KEY + "=" + capacity + "\n";
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.move(temp, formatFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * @param stateDir the state directory.
     * @return the recorded capacity, or 0 if the file is missing.
     * @throws IOException if it records another format version, lacks a field or cannot be parsed.
     */
    static long read(final Path stateDir) throws IOException
    {
        final Path formatFile = stateDir.resolve(FILE_NAME);
        if (!Files.exists(formatFile))
        {
            return 0;
        }

        long format = 0;
        long capacity = 0;
        int lineNumber = 0;
        for (final String line : Files.readAllLines(formatFile, StandardCharsets.US_ASCII))
        {
            lineNumber++;
            final String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#"))
            {
                continue;
            }

            final int equals = trimmed.indexOf('=');
            final String key = equals > 0 ? trimmed.substring(0, equals).trim() : "";
            final long value = equals > 0 ? parsePositive(trimmed.substring(equals + 1).trim()) : -1;
            if (FORMAT_KEY.equals(key) && value > 0)
            {
                format = value;
            }
            else if (CAPACITY_KEY.equals(key) && value > 0)
            {
                capacity = value;
            }
            else
            {
                throw new IOException(
                    formatFile + ":" + lineNumber + ": expected 'format=N' or 'capacity=N' with N > 0, found '" +
                    trimmed + "'");
            }
        }

        if (1 == format)
        {
            throw new IOException(formatFile + ": ban store format v1 was written by a protocol-1 blocksync, whose " +
                "records carry no origin signatures; this one keeps format v" + VERSION + " and does not convert: " +
                "stop the node, move its state directory aside and start it again (peers catch it up)");
        }
        if (2 == format)
        {
            throw new IOException(formatFile + ": ban store format v2 holds reasons of at most 8 characters in 136-byte " +
                "values; this blocksync keeps format v" + VERSION + " (reasons of up to 40 characters) and does not convert: " +
                "stop the node, move its state directory aside and start it again (peers catch it up)");
        }
        if (VERSION != format || 0 == capacity)
        {
            throw new IOException(
                formatFile + ": ban store format " + (0 == format ? "missing" : "v" + format) +
                (0 == capacity ? ", capacity missing" : "") + "; this blocksync reads format v" + VERSION);
        }

        return capacity;
    }

    private static long parsePositive(final String text)
    {
        try
        {
            final long value = Long.parseLong(text);
            return value > 0 ? value : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
