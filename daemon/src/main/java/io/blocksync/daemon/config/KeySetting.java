package io.blocksync.daemon.config;

import io.blocksync.codec.PeerKey;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The key settings of a [node] or [peer] section: {@code key-id} with exactly one of {@code key} / {@code key-file},
 * and optionally the next key, {@code next-key-id} with one of {@code next-key} / {@code next-key-file}, for a
 * rotation without a flag day. In [node] they hold this node's private keys, in [peer] that peer's public keys
 * ({@link KeyText}). Refuses a key file that is not a regular file, is over 4 KiB, or can be changed by anyone but
 * root and the daemon's user ({@link StrictModes}); warns when a private key file is readable by other users;
 * {@link ConfigBinder} does the same for the configuration file when it holds private keys inline.
 *
 * @param <T> the key type the section makes, {@link io.blocksync.codec.NodeKey} or {@link PeerKey}.
 */
final class KeySetting<T>
{
    static final String KEY_ID = "key-id";
    static final String KEY = "key";
    static final String KEY_FILE = "key-file";
    static final String NEXT_KEY_ID = "next-key-id";
    static final String NEXT_KEY = "next-key";
    static final String NEXT_KEY_FILE = "next-key-file";

    private static final int MAX_KEY_FILE_BYTES = 4096;

    /** Makes a key from its id and decoded bytes; throws IllegalArgumentException saying what is wrong. */
    interface KeyMaker<T>
    {
        T make(int keyId, byte[] key);
    }

    private final SectionReader reader;
    private final Path baseDirectory;
    private final boolean secret;
    private final KeyMaker<T> maker;

    private KeySetting(final SectionReader reader, final Path baseDirectory, final boolean secret, final KeyMaker<T> maker)
    {
        this.reader = reader;
        this.baseDirectory = baseDirectory;
        this.secret = secret;
        this.maker = maker;
    }

    /**
     * @param reader        of the section.
     * @param baseDirectory to resolve a relative key file against.
     * @param secret        whether the keys are private (a key file readable by others is then warned about).
     * @param maker         makes one key from its id and bytes.
     * @return the current key, then the next one when configured; null when something is missing or wrong (reported).
     */
    static <T> List<T> bind(
        final SectionReader reader, final Path baseDirectory, final boolean secret, final KeyMaker<T> maker)
    {
        return new KeySetting<>(reader, baseDirectory, secret, maker).bindBoth();
    }

    private List<T> bindBoth()
    {
        final int keyId = reader.value(KEY_ID, Values.integer(0, PeerKey.MAX_KEY_ID),
            NodeConfig.DEFAULT_KEY_ID);
        final T current = bindOne(KEY, KEY_FILE, keyId, true);
        final ConfigEntry nextIdEntry = reader.entry(NEXT_KEY_ID);
        final Integer nextKeyId = null == nextIdEntry ? null :
            reader.parse(nextIdEntry, Values.integer(0, PeerKey.MAX_KEY_ID));
        final boolean nextGiven = null != reader.entry(NEXT_KEY) | null != reader.entry(NEXT_KEY_FILE);
        T next = null;
        if (nextGiven && null == nextIdEntry)
        {
            reader.errorAt("a next key needs next-key-id, the id peers will know it by", NEXT_KEY, NEXT_KEY_FILE);
            return null;
        }
        if (null != nextIdEntry)
        {
            if (!nextGiven)
            {
                reader.errorAtKey(nextIdEntry, "next-key-id is set but neither next-key nor next-key-file is");
                return null;
            }
            if (null == nextKeyId)
            {
                return null;
            }
            if (nextKeyId == keyId)
            {
                reader.errorAtValue(nextIdEntry, "next-key-id: " + nextKeyId + " is also key-id; the next key needs " +
                    "an id of its own");
                return null;
            }
            next = bindOne(NEXT_KEY, NEXT_KEY_FILE, nextKeyId, false);
            if (null == next)
            {
                return null;
            }
        }

        if (null == current)
        {
            return null;
        }
        return null == next ? List.of(current) : List.of(current, next);
    }

    /**
     * @return the key, or null when it is missing or wrong (reported).
     */
    private T bindOne(final String keyName, final String fileName, final int keyId, final boolean required)
    {
        final ConfigEntry inline = reader.entry(keyName);
        final ConfigEntry file = reader.entry(fileName);
        if (null != inline && null != file)
        {
            final ConfigEntry first = inline.line() < file.line() ? inline : file;
            final ConfigEntry second = first == inline ? file : inline;
            reader.errorAtKey(second, "give either " + keyName + " or " + fileName + ", not both (" + first.key() +
                " is set on line " + first.line() + ")");
            return null;
        }

        if (null == inline && null == file)
        {
            if (required)
            {
                reader.errorAtHeader("missing required key '" + keyName + "' or '" + fileName + "' in " +
                    reader.section().title() + " (blocksync keygen makes a key)");
            }
            return null;
        }

        return null != inline ?
            reader.parse(inline, text -> maker.make(keyId, KeyText.decode(text))) :
            fileKey(file, keyId);
    }

    private T fileKey(final ConfigEntry entry, final int keyId)
    {
        final Path path = reader.parse(entry, Values.path(baseDirectory));
        if (null == path)
        {
            return null;
        }

        final T key;
        try
        {
            key = maker.make(keyId, KeyText.decode(readKeyFile(path)));
        }
        catch (final IllegalArgumentException ex)
        {
            reader.errorAtValue(entry, entry.key() + ": " + path + ": " + ex.getMessage());
            return null;
        }

        final String mode = secret ? FileModes.exposedMode(path) : null;
        if (null != mode)
        {
            reader.warningAtValue(entry, entry.key() + ": " + path + " is readable by group/others (mode " + mode +
                "); a key file is " + FileModes.KEY_FILE_RULE + ": chmod 600 " + path);
        }

        return key;
    }

    /**
     * @return the file's one line of key text.
     * @throws IllegalArgumentException saying why it cannot be used: missing, not a regular file, changeable by
     *                                  others ({@link StrictModes}), too large, or not one line.
     */
    static String readKeyFile(final Path path)
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
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read: " + FileProblems.reason(ex));
        }
    }
}
