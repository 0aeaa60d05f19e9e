package io.blocksync.daemon.store;

import io.blocksync.testkit.Poll;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A second JVM running {@link BanStoreChild} with this JVM's java binary and classpath and the launcher's JVM
 * flags (daemon/src/main/resources/jvm-flags.txt plus Agrona's), but not the system properties surefire sets, so
 * the child depends on BanStore itself to switch Chronicle's analytics off. Its stdout goes to a file that
 * {@link #awaitLine} polls until a deadline.
 */
final class ChildJvm implements AutoCloseable
{
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String AGRONA_FLAG = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder partialLine = new StringBuilder();
    private long stdoutPosition;
    private int nextUnread;

    private ChildJvm(final Process process, final Path stdoutFile, final Path stderrFile)
    {
        this.process = process;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    }

    /**
     * @param workDir    where the child's stdout and stderr files are kept.
     * @param classPath  classpath for the child.
     * @param extraFlags JVM flags after the standard ones (e.g. -Duser.home=...).
     * @param args       {@link BanStoreChild} arguments.
     */
    static ChildJvm start(
        final Path workDir, final String classPath, final List<String> extraFlags, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx64m");
        command.add(AGRONA_FLAG);
        command.addAll(launcherFlags());
        command.addAll(extraFlags);
        command.add("-cp");
        command.add(classPath);
        command.add(BanStoreChild.class.getName());
        Collections.addAll(command, args);

        // Files, not pipes: killing a process closes its pipes in this JVM, losing what was not read yet.
        final Path stdoutFile = Files.createTempFile(workDir, "child-", ".stdout");
        final Path stderrFile = Files.createTempFile(workDir, "child-", ".stderr");
        final Process process = new ProcessBuilder(command)
            .redirectOutput(stdoutFile.toFile())
            .redirectError(stderrFile.toFile())
            .start();

        return new ChildJvm(process, stdoutFile, stderrFile);
    }

    static ChildJvm start(final Path workDir, final String... args) throws IOException
    {
        return start(workDir, System.getProperty("java.class.path"), List.of(), args);
    }

    /**
     * @return the flags in jvm-flags.txt, the file the launcher reads.
     */
    static List<String> launcherFlags() throws IOException
    {
        try (InputStream in = BanStore.class.getResourceAsStream("/jvm-flags.txt"))
        {
            if (null == in)
            {
                throw new IOException("jvm-flags.txt is not on the classpath");
            }
            final List<String> flags = new ArrayList<>();
            for (final String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"))
            {
                if (!line.isBlank())
                {
                    flags.add(line.trim());
                }
            }
            return flags;
        }
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * Wait for the next stdout line that matches, skipping others.
     *
     * @throws AssertionError naming what was awaited, with the child's output, if the child exits or the deadline
     *                        passes first.
     */
    String awaitLine(final Predicate<String> matcher, final String description) throws IOException
    {
        final String[] found = new String[1];
        Poll.until("child " + process.pid() + " to print " + description, DEADLINE, () ->
        {
            final boolean exited = !process.isAlive();
            readNewLines();
            while (nextUnread < lines.size())
            {
                final String line = lines.get(nextUnread++);
                if (matcher.test(line))
                {
                    found[0] = line;
                    return true;
                }
            }
            if (exited)
            {
                throw new AssertionError("child " + process.pid() + " did not print " + description +
                    " before it exited\n" + diagnostics());
            }
            return false;
        }, this::diagnostics);
        return found[0];
    }

    String awaitLineStartingWith(final String prefix) throws IOException
    {
        return awaitLine((line) -> line.startsWith(prefix), "a line starting with '" + prefix + "'");
    }

    void send(final String line) throws IOException
    {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /**
     * kill -9, then wait until the process is gone.
     */
    void killHard() throws InterruptedException
    {
        process.destroyForcibly();
        awaitExit();
    }

    /**
     * @return the exit code.
     * @throws AssertionError if the child does not exit before the deadline.
     */
    int awaitExit() throws InterruptedException
    {
        if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("child " + process.pid() + " did not exit within " + DEADLINE);
        }
        return process.exitValue();
    }

    /**
     * @return every complete stdout line written so far, in order.
     */
    List<String> lines() throws IOException
    {
        readNewLines();
        return new ArrayList<>(lines);
    }

    String diagnostics()
    {
        try
        {
            final List<String> all = lines();
            return "child stdout (last lines): " + all.subList(Math.max(0, all.size() - 20), all.size()) +
                "\nchild stderr:\n" + Files.readString(stderrFile);
        }
        catch (final IOException ex)
        {
            return "(child output unreadable: " + ex + ")";
        }
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
        }
    }

    private void readNewLines() throws IOException
    {
        try (FileChannel channel = FileChannel.open(stdoutFile, StandardOpenOption.READ))
        {
            final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            int read;
            while ((read = channel.read(buffer, stdoutPosition)) > 0)
            {
                stdoutPosition += read;
                for (int i = 0; i < read; i++)
                {
                    final char c = (char)buffer.get(i);
                    if ('\n' == c)
                    {
                        lines.add(partialLine.toString());
                        partialLine.setLength(0);
                    }
                    else
                    {
                        partialLine.append(c);
                    }
                }
                buffer.clear();
            }
        }
    }
}
