package io.blocksync.daemon.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Lines over one connected control socket, UTF-8, each ended by {@code \n}, with the two limits a blocking stream
 * lacks: a read waits at most {@code idleTimeoutMillis} for the next bytes, and a line longer than
 * {@code maxLineBytes} is refused. The channel is switched to non-blocking mode and waited on with a selector.
 */
final class LineChannel implements AutoCloseable
{
    private static final int READ_BUFFER_BYTES = 8192;

    private final SocketChannel channel;
    private final Selector selector;
    private final long idleTimeoutMillis;
    private final int maxLineBytes;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /**
     * @param idleTimeoutMillis how long one read or write may wait for the peer, milliseconds.
     * @param maxLineBytes      longest line accepted, in bytes without the {@code \n}.
     */
    LineChannel(final SocketChannel channel, final long idleTimeoutMillis, final int maxLineBytes) throws IOException
    {
        this.channel = channel;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.maxLineBytes = maxLineBytes;
        channel.configureBlocking(false);
        selector = Selector.open();
        readBuffer.flip();
    }

    /**
     * @return the next line without its {@code \n}, or null at the end of the stream (a last line without
     * {@code \n} is returned first).
     * @throws SocketTimeoutException when nothing arrived for {@code idleTimeoutMillis}.
     * @throws LineTooLongException   when the line grows past {@code maxLineBytes}.
     */
    String readLine() throws IOException
    {
        line.reset();
        while (true)
        {
            // Scan for the end of the line, then copy the run at once: a listing streams millions of bytes.
            final byte[] bytes = readBuffer.array();
            final int start = readBuffer.position();
            final int limit = readBuffer.limit();
            int end = start;
            while (end < limit && bytes[end] != '\n')
            {
                end++;
            }
            if (line.size() + (end - start) > maxLineBytes)
            {
                throw new LineTooLongException(maxLineBytes);
            }
            line.write(bytes, start, end - start);
            if (end < limit)
            {
                readBuffer.position(end + 1);
                return line.toString(StandardCharsets.UTF_8);
            }

            readBuffer.clear();
            final int read = read(readBuffer);
            readBuffer.flip();
            if (read < 0)
            {
                return line.size() > 0 ? line.toString(StandardCharsets.UTF_8) : null;
            }
        }
    }

    /** Write all of {@code text}; each wait for room may last {@code idleTimeoutMillis}. */
    void write(final CharSequence text) throws IOException
    {
        final byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        write(bytes, 0, bytes.length);
    }

    /** Write {@code length} bytes from {@code offset}; each wait for room may last {@code idleTimeoutMillis}. */
    void write(final byte[] bytes, final int offset, final int length) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining())
        {
            if (channel.write(buffer) == 0)
            {
                await(SelectionKey.OP_WRITE);
            }
        }
    }

    /**
     * Read whatever bytes are there (what {@link #readLine} left buffered first), waiting at most
     * {@code idleTimeoutMillis} for some: for a reply copied as it is, with no line structure looked at.
     *
     * @return how many bytes were read into {@code into} from {@code offset}, at least 1; -1 at the end of the stream.
     * @throws SocketTimeoutException when nothing arrived for {@code idleTimeoutMillis}.
     */
    int read(final byte[] into, final int offset, final int length) throws IOException
    {
        if (readBuffer.hasRemaining())
        {
            final int buffered = Math.min(length, readBuffer.remaining());
            readBuffer.get(into, offset, buffered);
            return buffered;
        }
        return read(ByteBuffer.wrap(into, offset, length));
    }

    public void close() throws IOException
    {
        try
        {
            selector.close();
        }
        finally
        {
            channel.close();
        }
    }

    private int read(final ByteBuffer into) throws IOException
    {
        int read = channel.read(into);
        while (read == 0)
        {
            await(SelectionKey.OP_READ);
            read = channel.read(into);
        }
        return read;
    }

    private void await(final int operation) throws IOException
    {
        final SelectionKey key = channel.register(selector, operation);
        final long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        try
        {
            while (true)
            {
                final long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                final int ready = selector.select(Math.max(1, remainingMillis));
                selector.selectedKeys().clear();
                if (ready > 0)
                {
                    return;
                }
                if (!channel.isOpen())
                {
                    throw new AsynchronousCloseException();
                }
                if (deadlineNanos - System.nanoTime() <= 0)
                {
                    throw new SocketTimeoutException("nothing for " + idleTimeoutMillis + " ms");
                }
            }
        }
        finally
        {
            if (key.isValid())
            {
                key.interestOps(0);
            }
        }
    }

    /** A line longer than the limit; the message names the limit. */
    static final class LineTooLongException extends IOException
    {
        private static final long serialVersionUID = 1L;

        LineTooLongException(final int maxLineBytes)
        {
            super("line longer than " + maxLineBytes + " bytes");
        }
    }
}
