package io.blocksync.daemon.control;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Copies a listing the node formats itself ({@code bans table}, {@code bans json}: {@link ControlProtocol}) from the
 * control socket to an output as it arrives, through one buffer: every line but the last is the output's text, the
 * last is the {@code ok} or {@code error} closing line. No line is parsed and no row becomes an object; only the end
 * of the buffer is searched for the last two line ends, so that the closing line is held back and never copied.
 * What {@code blocksync bans} costs on a small JVM is then the JVM's start and little else (PERFORMANCE.md,
 * "Issue 12: CLI cost").
 */
public final class ListingCopy
{
    private static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private long bytesCopied;

    /** @param out receives the listing's text, in writes of up to 64 KiB; never flushed or closed here. */
    public ListingCopy(final OutputStream out)
    {
        this.out = out;
    }

    /** @return how many bytes of listing text went to the output so far (none when the node refused at once). */
    public long bytesCopied()
    {
        return bytesCopied;
    }

    /**
     * Send {@code requestLine} and copy the answer's text to the output.
     *
     * @return the closing line, which starts with {@code ok} or {@code error}, without its newline.
     * @throws IOException as {@link ControlClient#exchange}, when the output fails, and when the connection ends
     *                     before a closing line (what arrived is copied first).
     */
    public String run(final Path stateDir, final String requestLine) throws IOException
    {
        final Path socket = stateDir.resolve(ControlServer.SOCKET_FILE_NAME);
        try (LineChannel connection = ControlClient.connect(socket))
        {
            connection.write(requestLine + "\n\n");
            int filled = 0;
            for (int read = connection.read(buffer, 0, buffer.length); read >= 0;
                read = connection.read(buffer, filled, buffer.length - filled))
            {
                filled += read;
                filled = copyAllButLastLine(filled);
                if (filled == buffer.length)
                {
                    throw new IOException("the daemon at " + socket + " sent a line longer than " + BUFFER_BYTES + " bytes");
                }
            }
            if (filled > 0 && buffer[filled - 1] == '\n' && (startsWith(ControlProtocol.OK + " ", filled) ||
                startsWith(ControlProtocol.ERROR + " ", filled)) && lastLineEnd(filled - 2) < 0)
            {
                return new String(buffer, 0, filled - 1, StandardCharsets.UTF_8);
            }
            copy(filled);
            throw new IOException("the daemon at " + socket + " closed the connection before the end of the listing");
        }
        catch (final SocketTimeoutException ex)
        {
            throw ControlClient.notAnswering(socket, ex);
        }
    }

    /** Copy the buffer's lines up to the last complete one, which may be the closing line; @return bytes kept. */
    private int copyAllButLastLine(final int filled) throws IOException
    {
        final int last = lastLineEnd(filled - 1);
        final int beforeLast = last > 0 ? lastLineEnd(last - 1) : -1;
        if (beforeLast < 0)
        {
            return filled;
        }
        copy(beforeLast + 1);
        final int kept = filled - beforeLast - 1;
        System.arraycopy(buffer, beforeLast + 1, buffer, 0, kept);
        return kept;
    }

    private void copy(final int length) throws IOException
    {
        out.write(buffer, 0, length);
        bytesCopied += length;
    }

    /** @return the index of the last {@code \n} at or before {@code from}, -1 when none. */
    private int lastLineEnd(final int from)
    {
        int i = from;
        while (i >= 0 && buffer[i] != '\n')
        {
            i--;
        }
        return i;
    }

    private boolean startsWith(final String word, final int filled)
    {
        if (filled < word.length())
        {
            return false;
        }
        for (int i = 0; i < word.length(); i++)
        {
            if (buffer[i] != word.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
