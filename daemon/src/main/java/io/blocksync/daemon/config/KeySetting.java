package io.blocksync.daemon.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The {@code key} / {@code key-file} pair of a [node] or [peer] section: exactly one of them, holding a key
 * {@link KeyText} can decode. Refuses a key file that is not a regular file, is over 4 KiB, or can be changed by
 * anyone but root and the daemon's user ({@link StrictModes}); warns when it is readable by other users;
 * {@link ConfigBinder} does the same for the configuration file when it holds keys inline.
 */
final class KeySetting
{
    static final String KEY = "key";
    static final String KEY_FILE = "key-file";

    private static final int MAX_KEY_FILE_BYTES = 4096;

    private KeySetting()
    {
    }

    /**
     * @param reader        of the section.
     * @param baseDirectory to resolve a relative key-file against.
     * @return the key, or null when it is missing or wrong (reported).
     */
    static byte[] bind(final SectionReader reader, final Path baseDirectory)
    {
        final ConfigEntry inline = reader.entry(KEY);
        final ConfigEntry file = reader.entry(KEY_FILE);
        if (null != inline && null != file)
        {
            final ConfigEntry first = inline.line() < file.line() ? inline : file;
            final ConfigEntry second = first == inline ? file : inline;
            reader.errorAtKey(second, "give either key or key-file, not both (" + first.key() + " is set on line " +
                first.line() + ")");
            return null;
        }

        if (null == inline && null == file)
        {
            reader.errorAtHeader("missing required key 'key' or 'key-file' in " + reader.section().title() +
                " (blocksync keygen makes a key)");
            return null;
        }

        return null != inline ? reader.parse(inline, KeyText::decode) : fileKey(reader, file, baseDirectory);
    }

    private static byte[] fileKey(final SectionReader reader, final ConfigEntry entry, final Path baseDirectory)
    {
        final Path path = reader.parse(entry, Values.path(baseDirectory));
        if (null == path)
        {
            return null;
        }

        final String text;
        try
        {
            text = readKeyFile(path);
        }
        catch (final IllegalArgumentException ex)
        {
            reader.errorAtValue(entry, KEY_FILE + ": " + path + ": " + ex.getMessage());
            return null;
        }

        final byte[] key;
        try
        {
            key = KeyText.decode(text);
        }
        catch (final IllegalArgumentException ex)
        {
            reader.errorAtValue(entry, KEY_FILE + ": " + path + ": " + ex.getMessage());
            return null;
        }

        final String mode = FileModes.exposedMode(path);
        if (null != mode)
        {
            reader.warningAtValue(entry, KEY_FILE + ": " + path + " is readable by group/others (mode " + mode +
                "); run chmod 600 " + path);
        }

        return key;
    }

    /**
     * @return the file's one line of key text.
     * @throws IllegalArgumentException saying why it cannot be used: missing, not a regular file, changeable by
     *                                  others ({@link StrictModes}), too large, or not one line.
     */
    private static String readKeyFile(final Path path)
    {
        if (Files.isDirectory(path))
        {
            throw new IllegalArgumentException("cannot read: it is a directory");
        }
        if (!Files.isRegularFile(path) && Files.exists(path))
        {
            // Reading a FIFO blocks until a writer comes; a device such as /dev/zero never ends.
            final String type = StrictModes.specialFileType(path);
            throw new IllegalArgumentException("refused: it is " + (null == type ? "not a regular file" : type) +
                "; a key file must be a regular file");
        }

        final String untrusted = Files.exists(path) ? StrictModes.problem(path) : null;
        if (null != untrusted)
        {
            throw new IllegalArgumentException("refused: " + untrusted);
        }

        final byte[] bytes = readBounded(path);
        final String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        if (text.indexOf('\n') >= 0)
        {
            throw new IllegalArgumentException("expected one line of base64, found several");
        }

        return text;
    }

    /**
     * Reads at most one byte past the limit, so a file that grows after the size check cannot exhaust memory.
     */
    private static byte[] readBounded(final Path path)
    {
        try (InputStream in = Files.newInputStream(path))
        {
            final byte[] bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
            if (bytes.length > MAX_KEY_FILE_BYTES)
            {
                throw new IllegalArgumentException(
                    "refused: larger than " + MAX_KEY_FILE_BYTES + " bytes; expected one line of base64");
            }

            return bytes;
        }
        catch (final NoSuchFileException ex)
        {
            throw new IllegalArgumentException("cannot read: no such file");
        }
        catch (final AccessDeniedException ex)
        {
            throw new IllegalArgumentException("cannot read: permission denied");
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read: " + ex);
        }
    }
}
