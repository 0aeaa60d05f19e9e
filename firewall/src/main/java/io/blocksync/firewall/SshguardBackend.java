package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An sshguard firewall backend ({@code sshg-fw-nft-sets}, {@code sshg-fw-pf}, {@code sshg-fw-ipfw}, ...) kept running
 * and fed sshguard's line protocol on stdin:
 * <pre>
 * block ADDR ADDRTYPE CIDR      ADDRTYPE is 4 or 6, CIDR the prefix length
 * release ADDR ADDRTYPE CIDR
 * flush
 * </pre>
 * The protocol has no timeouts and no replies: the batcher removes bans when their time is up, and a batch counts as
 * applied once its lines are written. If the process dies it is started again on the next call (the batcher's retry
 * backoff spaces the attempts) and sent {@code flush} plus every block it should hold.
 */
public final class SshguardBackend implements FirewallBackend
{
    /**
     * Configuration.
     */
    public static final class Settings implements BackendSettings
    {
        private final List<String> command;
        private List<String> commandPrefix = List.of();
        private long startupCheckMs = 200;

        /**
         * @param command the backend program and its arguments, e.g. {@code /usr/libexec/sshg-fw-nft-sets}.
         */
        public Settings(final List<String> command)
        {
            if (command.isEmpty() || command.get(0).isBlank())
            {
                throw new IllegalArgumentException("sshguard backend command must not be empty");
            }
            this.command = List.copyOf(command);
        }

        /**
         * Key {@code command} (required): the backend program and its arguments, split at white space.
         */
        public static Settings parse(final SettingsSection section)
        {
            final List<String> command = section.required("command", (text) ->
            {
                final List<String> argv = Arrays.asList(text.trim().split("\\s+"));
                if (argv.get(0).isEmpty())
                {
                    throw new IllegalArgumentException("empty command");
                }
                return argv;
            });

            return new Settings(null == command ? List.of("-") : command);
        }

        @Override
        public FirewallBackend newBackend(final java.util.function.Consumer<String> log)
        {
            return new SshguardBackend(this);
        }

        public Settings commandPrefix(final List<String> commandPrefix)
        {
            this.commandPrefix = List.copyOf(commandPrefix);
            return this;
        }

        /**
         * @param ms how long a freshly started backend must stay up to count as started (its init can fail).
         */
        public Settings startupCheckMs(final long ms)
        {
            if (ms < 0)
            {
                throw new IllegalArgumentException("sshguard startupCheckMs must be >= 0: " + ms);
            }
            this.startupCheckMs = ms;
            return this;
        }
    }

    private static final long CLOSE_WAIT_MS = 5_000;

    private final Settings settings;
    private final List<String> argv;
    private final LinkedHashSet<String> blocked = new LinkedHashSet<>();
    private Process process;
    private OutputStream stdin;
    private volatile String lastStderrLine = "";
    private int starts;

    public SshguardBackend(final Settings settings)
    {
        this.settings = settings;
        this.argv = new ArrayList<>(settings.commandPrefix);
        this.argv.addAll(settings.command);
    }

    @Override
    public void start()
    {
        launch();
    }

    @Override
    public void apply(final List<FirewallChange> batch)
    {
        ensureRunning();
        final LinkedHashSet<String> after = new LinkedHashSet<>(blocked);
        final StringBuilder lines = new StringBuilder(32 * batch.size());
        for (int i = 0, size = batch.size(); i < size; i++)
        {
            final FirewallChange change = batch.get(i);
            final String target = target(change.ban().prefix());
            if (FirewallChange.Op.ADD == change.op())
            {
                if (after.add(target))
                {
                    lines.append("block ").append(target).append('\n');
                }
            }
            else if (after.remove(target))
            {
                lines.append("release ").append(target).append('\n');
            }
        }

        write(lines);
        blocked.clear();
        blocked.addAll(after);
    }

    @Override
    public void reconcile(final Iterable<FirewallChange> liveBans)
    {
        ensureRunning();
        final LinkedHashSet<String> after = new LinkedHashSet<>();
        for (final FirewallChange change : liveBans)
        {
            if (FirewallChange.Op.ADD == change.op())
            {
                after.add(target(change.ban().prefix()));
            }
        }

        write(fullState(after));
        blocked.clear();
        blocked.addAll(after);
    }

    @Override
    public void flush()
    {
        ensureRunning();
        write(new StringBuilder("flush\n"));
        blocked.clear();
    }

    /**
     * @return how many times the backend process was started.
     */
    public int starts()
    {
        return starts;
    }

    /**
     * @return the running process's pid, or -1.
     */
    public long pid()
    {
        return null != process && process.isAlive() ? process.pid() : -1;
    }

    @Override
    public void close()
    {
        if (null == process)
        {
            return;
        }

        try
        {
            stdin.close();
        }
        catch (final IOException ignore)
        {
            // Already gone.
        }

        try
        {
            if (!process.waitFor(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroy();
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroy();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private void ensureRunning()
    {
        // The OS may report the process gone before the JDK's reaper has marked the Process exited: ask both.
        if (null != process && process.isAlive() && process.toHandle().isAlive())
        {
            return;
        }
        if (null != process)
        {
            awaitExit(process);
        }

        final String exit = null == process ? "" :
            " (exit code " + (process.isAlive() ? "unknown" : String.valueOf(process.exitValue())) + describeStderr() + ")";
        try
        {
            launch();
        }
        catch (final FirewallException ex)
        {
            throw new FirewallException("sshguard backend died" + exit + " and could not be restarted: " +
                ex.getMessage(), ex);
        }
        write(fullState(blocked));
    }

    private void launch()
    {
        final ProcessBuilder builder = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        final Process started;
        try
        {
            started = builder.start();
        }
        catch (final IOException ex)
        {
            throw new FirewallException("cannot start sshguard backend " + argv.get(0) + ": " +
                Tool.clip(String.valueOf(ex.getMessage())), ex);
        }

        lastStderrLine = "";
        final Thread reader = new Thread(() -> keepLastLine(started.getErrorStream()), "blocksync-sshguard-stderr");
        reader.setDaemon(true);
        reader.start();
        starts++;

        try
        {
            if (started.waitFor(settings.startupCheckMs, TimeUnit.MILLISECONDS))
            {
                reader.join(1_000);
                throw new FirewallException("sshguard backend " + argv.get(0) + " exited at start with code " +
                    started.exitValue() + describeStderr());
            }
        }
        catch (final InterruptedException ex)
        {
            started.destroy();
            Thread.currentThread().interrupt();
            throw new FirewallException("interrupted while starting sshguard backend " + argv.get(0), ex);
        }

        process = started;
        stdin = started.getOutputStream();
    }

    private static void awaitExit(final Process process)
    {
        try
        {
            process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void write(final CharSequence lines)
    {
        if (0 == lines.length())
        {
            return;
        }

        try
        {
            stdin.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }
        catch (final IOException ex)
        {
            process.destroy();
            throw new FirewallException("sshguard backend " + argv.get(0) + " stopped reading: " +
                Tool.clip(String.valueOf(ex.getMessage())) + describeStderr(), ex);
        }
    }

    private static StringBuilder fullState(final Iterable<String> targets)
    {
        final StringBuilder lines = new StringBuilder("flush\n");
        for (final String target : targets)
        {
            lines.append("block ").append(target).append('\n');
        }

        return lines;
    }

    /**
     * @return {@code ADDR ADDRTYPE CIDR} as sshguard writes it.
     */
    static String target(final IpPrefix prefix)
    {
        final StringBuilder out = new StringBuilder(48);
        AddressText.appendAddress(prefix.family(), prefix.copyAddress(), out);

        return out.append(' ').append(prefix.family()).append(' ').append(prefix.prefixLength()).toString();
    }

    private String describeStderr()
    {
        final String line = lastStderrLine;
        return line.isEmpty() ? "" : ": " + Tool.clip(line);
    }

    private void keepLastLine(final InputStream stream)
    {
        final StringBuilder line = new StringBuilder();
        try (InputStream in = stream)
        {
            int c;
            while ((c = in.read()) >= 0)
            {
                if ('\n' == c)
                {
                    if (line.length() > 0)
                    {
                        lastStderrLine = line.toString().trim();
                    }
                    line.setLength(0);
                }
                else if (line.length() < 1024)
                {
                    line.append((char)c);
                }
            }
            if (line.length() > 0)
            {
                lastStderrLine = line.toString().trim();
            }
        }
        catch (final IOException ignore)
        {
            // Process gone.
        }
    }
}
