package io.blocksync.daemon.config;

import io.blocksync.codec.NodeKey;
import io.blocksync.codec.PeerKey;

import java.util.Base64;

/**
 * Text form of a key: {@code base64:} followed by standard base64 (bare base64 is read too). A node's private key
 * is {@value #GENERATED_KEY_LENGTH} bytes ({@link NodeKey}'s seed), a peer's public key
 * {@value NodeKey#PUBLIC_KEY_LENGTH} ({@link PeerKey}). Messages never repeat the key text, only positions, so a
 * mistyped secret does not end up in a log.
 */
public final class KeyText
{
    public static final String PREFIX = "base64:";

    /**
     * Length of the private keys {@code blocksync keygen} makes.
     */
    public static final int GENERATED_KEY_LENGTH = NodeKey.SEED_LENGTH;

    private static final int MAX_SCHEME_LENGTH = 16;

    private KeyText()
    {
    }

    /**
     * @param text {@code base64:...} or bare base64; surrounding whitespace is ignored.
     * @return the key bytes, not empty; {@link #privateKey} and {@link #publicKey} check the length.
     * @throws IllegalArgumentException saying what is wrong without quoting the key.
     */
    public static byte[] decode(final String text)
    {
        final String trimmed = null == text ? "" : text.strip();
        final String body;
        if (trimmed.startsWith(PREFIX))
        {
            body = trimmed.substring(PREFIX.length());
        }
        else
        {
            checkNoOtherScheme(trimmed);
            body = trimmed;
        }

        if (body.isEmpty())
        {
            throw new IllegalArgumentException(
                "no key given; expected base64:... (blocksync keygen makes one)");
        }

        checkAlphabet(body);
        final byte[] key;
        try
        {
            key = Base64.getDecoder().decode(body);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(
                "not valid base64: its length does not fit (is part of it missing?)");
        }

        return key;
    }

    /**
     * Read a key file under the same rules as {@code key-file} in a config: a regular file of at most 4 KiB that only
     * its owner (or root) can change, holding one line.
     *
     * @return the line, to {@link #decode}.
     * @throws IllegalArgumentException saying why the file cannot be used.
     */
    public static String readFile(final java.nio.file.Path path)
    {
        return KeySetting.readKeyFile(path);
    }

    /**
     * @param keyId 0-255.
     * @param key   decoded text: this node's {@value #GENERATED_KEY_LENGTH}-byte private key.
     * @throws IllegalArgumentException saying what was given instead (a public key, a wrong length).
     */
    public static NodeKey privateKey(final int keyId, final byte[] key)
    {
        if (key.length == NodeKey.PUBLIC_KEY_LENGTH)
        {
            throw new IllegalArgumentException("decodes to " + key.length + " bytes, a public key; this node's key " +
                "is its " + GENERATED_KEY_LENGTH + "-byte private key (blocksync keygen --out FILE makes one)");
        }
        if (key.length != GENERATED_KEY_LENGTH)
        {
            throw new IllegalArgumentException("decodes to " + key.length + " bytes; a private key is " +
                GENERATED_KEY_LENGTH + " (blocksync keygen --out FILE makes one)");
        }

        return NodeKey.fromSeed(keyId, key);
    }

    /**
     * @param keyId 0-255.
     * @param key   decoded text: a peer's {@value NodeKey#PUBLIC_KEY_LENGTH}-byte public key.
     * @throws IllegalArgumentException for a protocol-1 shared secret, another length, or a key that is not a valid
     *                                  point ({@link PeerKey#of}).
     */
    public static PeerKey publicKey(final int keyId, final byte[] key)
    {
        if (key.length == GENERATED_KEY_LENGTH)
        {
            throw new IllegalArgumentException("decodes to " + key.length + " bytes, a protocol-1 shared secret; " +
                "a peer's key is now its " + NodeKey.PUBLIC_KEY_LENGTH + "-byte public key, which blocksync keygen " +
                "prints on that peer");
        }
        if (key.length != NodeKey.PUBLIC_KEY_LENGTH)
        {
            throw new IllegalArgumentException("decodes to " + key.length + " bytes; a peer's key is its " +
                NodeKey.PUBLIC_KEY_LENGTH + "-byte public key, which blocksync keygen prints on that peer");
        }

        return PeerKey.of(keyId, key);
    }

    /**
     * @param key bytes to write.
     * @return {@code base64:} and the standard padded base64 of the key.
     */
    public static String encode(final byte[] key)
    {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    private static void checkNoOtherScheme(final String text)
    {
        final int colon = text.indexOf(':');
        if (colon > 0 && colon <= MAX_SCHEME_LENGTH && isAlphanumeric(text, colon))
        {
            throw new IllegalArgumentException("unknown key encoding " + Quoted.quote(text.substring(0, colon + 1)) +
                "; expected base64:...");
        }
    }

    private static void checkAlphabet(final String body)
    {
        int padding = 0;
        for (int i = 0; i < body.length(); i++)
        {
            final char c = body.charAt(i);
            if (c == '=')
            {
                padding++;
                continue;
            }

            final boolean inAlphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '/';
            if (!inAlphabet || padding > 0)
            {
                throw new IllegalArgumentException("not valid base64: character " + (i + 1) +
                    (inAlphabet ? " follows '=' padding" : " is not in the base64 alphabet (A-Z a-z 0-9 + /)"));
            }
        }

        if (padding > 2)
        {
            throw new IllegalArgumentException("not valid base64: more than two '=' at the end");
        }
    }

    private static boolean isAlphanumeric(final String text, final int end)
    {
        for (int i = 0; i < end; i++)
        {
            final char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            {
                return false;
            }
        }

        return true;
    }
}
