package io.blocksync.codec;

/**
 * A ban reason such as {@code ssh} or {@code http}: 1 to 8 characters from {@code [a-z0-9_.-]}, starting with a
 * letter. Text travels on the wire rather than a number so that loosely coupled peers need no shared table.
 * Packed little-endian into one long, zero-padded, exactly as the record's reason field holds it.
 */
public final class ReasonCode
{
    public static final int MAX_LENGTH = BanRecordFlyweight.REASON_LENGTH;

    private final String text;
    private final long packed;

    private ReasonCode(final String text, final long packed)
    {
        this.text = text;
        this.packed = packed;
    }

    /**
     * @throws IllegalArgumentException naming the text and the rule it breaks.
     */
    public static ReasonCode of(final String text)
    {
        final String error = validate(text);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }

        long packed = 0;
        for (int i = 0; i < text.length(); i++)
        {
            packed |= ((long)text.charAt(i)) << (8 * i);
        }
        return new ReasonCode(text, packed);
    }

    /**
     * @return null when the text is a valid reason, otherwise what is wrong with it.
     */
    public static String validate(final String text)
    {
        if (null == text || text.isEmpty())
        {
            return "reason must not be empty";
        }
        if (text.length() > MAX_LENGTH)
        {
            return "reason '" + text + "' is longer than " + MAX_LENGTH + " characters";
        }
        if (!isLetter(text.charAt(0)))
        {
            return "reason '" + text + "' must start with a letter a-z";
        }
        for (int i = 1; i < text.length(); i++)
        {
            if (!isReasonChar(text.charAt(i)))
            {
                return "reason '" + text + "' may only contain a-z, 0-9, '_', '.' and '-'";
            }
        }
        return null;
    }

    /** Same rules as {@link #validate(String)}, applied to the packed wire form, without allocating. */
    public static boolean isWellFormed(final long packed)
    {
        final int first = (int)(packed & 0xFF);
        if (!isLetter(first))
        {
            return false;
        }

        boolean ended = false;
        for (int i = 1; i < MAX_LENGTH; i++)
        {
            final int c = (int)((packed >>> (8 * i)) & 0xFF);
            if (c == 0)
            {
                ended = true;
            }
            else if (ended || !isReasonChar(c))
            {
                return false;
            }
        }
        return true;
    }

    public static String unpack(final long packed)
    {
        final StringBuilder text = new StringBuilder(MAX_LENGTH);
        for (int i = 0; i < MAX_LENGTH; i++)
        {
            final int c = (int)((packed >>> (8 * i)) & 0xFF);
            if (c == 0)
            {
                break;
            }
            text.append((char)c);
        }
        return text.toString();
    }

    public String text()
    {
        return text;
    }

    public long packed()
    {
        return packed;
    }

    public boolean equals(final Object other)
    {
        return other instanceof ReasonCode && ((ReasonCode)other).packed == packed;
    }

    public int hashCode()
    {
        return Long.hashCode(packed);
    }

    public String toString()
    {
        return text;
    }

    private static boolean isLetter(final int c)
    {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isReasonChar(final int c)
    {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }
}
