package io.blocksync.daemon.config;

import io.blocksync.codec.HmacSha256Tag;

import java.util.Base64;

/**
 * Text form of a signing key: {@code base64:} followed by standard base64 (bare base64 is read too). Messages never
 * repeat the key text, only positions, so a mistyped secret does not end up in a log.
 */
public final class KeyText
{
    public static final String PREFIX = "base64:";

    /**
     * Length of the keys {@code blocksync keygen} makes.
     */
    public static final int GENERATED_KEY_LENGTH = 32;

    private static final int MAX_SCHEME_LENGTH = 16;

    private KeyText()
    {
    }

    /**
     * @param text {@code base64:...} or bare base64; surrounding whitespace is ignored.
     * @return the key bytes, at least {@link HmacSha256Tag#MIN_KEY_LENGTH} of them.
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

        if (key.length < HmacSha256Tag.MIN_KEY_LENGTH)
        {
            throw new IllegalArgumentException("decodes to " + key.length + " bytes; at least " +
                HmacSha256Tag.MIN_KEY_LENGTH + " are required (blocksync keygen makes " + GENERATED_KEY_LENGTH + ")");
        }

        return key;
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
