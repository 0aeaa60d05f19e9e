package io.blocksync.daemon.feed.crowdsec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A stream that fails with {@link TooLong} once more than its bound has been read from it. */
final class BoundedInputStream extends FilterInputStream
{
    /** More bytes than the bound arrived. */
    static final class TooLong extends IOException
    {
        private static final long serialVersionUID = 1L;

        TooLong(final long bound)
        {
            super("more than " + bound + " bytes");
        }
    }

    private final long bound;
    private long read;

    BoundedInputStream(final InputStream in, final long bound)
    {
        super(in);
        this.bound = bound;
    }

    @Override
    public int read() throws IOException
    {
        final int b = super.read();
        if (b >= 0)
        {
            count(1);
        }
        return b;
    }

    @Override
    public int read(final byte[] into, final int offset, final int length) throws IOException
    {
        // Ask for at most one byte past the bound, so that a reply of exactly the bound is taken.
        final int n = super.read(into, offset, (int)Math.min(length, bound - read + 1));
        if (n > 0)
        {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(final long n) throws IOException
    {
        final long skipped = super.skip(Math.min(n, bound - read + 1));
        count(skipped);
        return skipped;
    }

    private void count(final long n) throws TooLong
    {
        read += n;
        if (read > bound)
        {
            throw new TooLong(bound);
        }
    }
}
