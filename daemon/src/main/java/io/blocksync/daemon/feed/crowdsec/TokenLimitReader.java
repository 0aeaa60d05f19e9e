package io.blocksync.daemon.feed.crowdsec;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * A reader that refuses JSON (RFC 8259) whose strings or other literals (numbers, names like {@code true}) run longer
 * than a bound, before a parser builds them: Gson's {@code nextString} would otherwise hold a string as long as the
 * whole reply. It follows only what it needs of the grammar: inside a string (after an unescaped {@code "}) every
 * character counts, escapes too; outside, a run of characters other than white space and {@code {}[]:,"}.
 */
final class TokenLimitReader extends FilterReader
{
    private final int maxChars;
    private boolean inString;
    private boolean escaped;
    private int run;
    private long offset;

    TokenLimitReader(final Reader in, final int maxChars)
    {
        super(in);
        this.maxChars = maxChars;
    }

    @Override
    public int read() throws IOException
    {
        final int c = super.read();
        if (c >= 0)
        {
            take((char)c);
        }
        return c;
    }

    @Override
    public int read(final char[] into, final int from, final int length) throws IOException
    {
        final int n = super.read(into, from, length);
        for (int i = 0; i < n; i++)
        {
            take(into[from + i]);
        }
        return n;
    }

    @Override
    public long skip(final long n) throws IOException
    {
        // Gson never skips characters; counting them unseen would lose the grammar's state.
        throw new IOException("skip is not supported");
    }

    private void take(final char c)
    {
        offset++;
        if (inString)
        {
            if (escaped)
            {
                escaped = false;
            }
            else if ('\\' == c)
            {
                escaped = true;
            }
            else if ('"' == c)
            {
                inString = false;
                run = 0;
                return;
            }
            grow();
            return;
        }
        switch (c)
        {
            case '"' -> inString = true;
            case '{', '}', '[', ']', ':', ',', ' ', '\t', '\n', '\r' -> run = 0;
            default -> grow();
        }
    }

    private void grow()
    {
        if (++run > maxChars)
        {
            throw new IllegalArgumentException("bad JSON: a string or literal longer than " + maxChars +
                " characters, at character " + offset + "; refused");
        }
    }
}
