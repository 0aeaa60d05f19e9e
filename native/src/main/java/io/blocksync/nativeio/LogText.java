package io.blocksync.nativeio;

/**
 * A text a log carries about a packet (an interface name, a log prefix), held as bytes with a length in a fixed
 * array so that nothing is allocated per event. The bytes come from the network or the kernel: compare them with
 * {@link #equalsAscii(CharSequence)} and show them with {@link #appendTo(StringBuilder)}, which escapes anything
 * outside printable ASCII so that a hostile log prefix cannot forge a log line.
 */
public final class LogText
{
    private final byte[] bytes;
    private int length;

    /**
     * @param capacity bytes kept at most; longer texts are cut.
     */
    LogText(final int capacity)
    {
        bytes = new byte[capacity];
    }

    /**
     * @return bytes kept at most.
     */
    public int capacity()
    {
        return bytes.length;
    }

    /**
     * @return length in bytes, 0 if absent.
     */
    public int length()
    {
        return length;
    }

    public boolean isEmpty()
    {
        return 0 == length;
    }

    /**
     * @return the live bytes; only the first {@link #length()} count. Fill them, then set {@link #length(int)}.
     */
    public byte[] bytes()
    {
        return bytes;
    }

    /**
     * @param length bytes filled in through {@link #bytes()}, cut at {@link #capacity()}.
     * @return this for chaining.
     */
    public LogText length(final int length)
    {
        this.length = Math.max(0, Math.min(length, bytes.length));
        return this;
    }

    /**
     * @param from   text bytes, cut at {@link #capacity()}.
     * @param length of the text.
     * @return this for chaining.
     */
    public LogText set(final byte[] from, final int length)
    {
        this.length = Math.min(length, bytes.length);
        System.arraycopy(from, 0, bytes, 0, this.length);
        return this;
    }

    /**
     * @param text chars taken as Latin-1, cut at {@link #capacity()}.
     * @return this for chaining.
     */
    public LogText set(final CharSequence text)
    {
        length = ByteText.fromAscii(text, bytes);
        return this;
    }

    public LogText clear()
    {
        length = 0;
        return this;
    }

    public boolean equalsAscii(final CharSequence text)
    {
        return ByteText.equalsAscii(bytes, length, text);
    }

    public boolean startsWith(final CharSequence text)
    {
        return text.length() <= length && ByteText.equalsAscii(bytes, text.length(), text);
    }

    /**
     * Append the text; bytes outside printable ASCII and the backslash appear as {@code \xNN}.
     *
     * @param out to append to.
     */
    public void appendTo(final StringBuilder out)
    {
        ByteText.append(bytes, length, out);
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder(length + 8);
        appendTo(out);

        return out.toString();
    }
}
