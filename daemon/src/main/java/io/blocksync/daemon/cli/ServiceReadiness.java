package io.blocksync.daemon.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tells a service manager that the node is ready, sd_notify(3)'s {@code READY=1}, for systemd's {@code Type=notify}
 * (dist/systemd/blocksync.service). Only when systemd asked for it by setting {@code NOTIFY_SOCKET}; otherwise
 * nothing happens.
 * <p>
 * The message goes through systemd-notify(1) ({@code --ready --pid=JVM --status=...}), run once from the thread that
 * started the node, never from the loop: Java has no {@code AF_UNIX} datagram socket, and a JNI call for one message
 * per start is not worth its native code. The unit says {@code NotifyAccess=all} because the sender is that child;
 * systemd-notify waits (its barrier, systemd 246 and later) until systemd has taken the message, so the child's exit
 * cannot race it. A failure costs one line on stderr, never the node: systemd then times the start out itself.
 */
final class ServiceReadiness
{
    static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    /** systemd-notify's barrier waits 5 s at most; this bounds a hung child. */
    private static final long WAIT_SECONDS = 15;

    private ServiceReadiness()
    {
    }

    /**
     * @param environment the process environment ({@code System.getenv()}), read for {@code NOTIFY_SOCKET}.
     * @param status      one line for {@code systemctl status}, e.g. "node 1 listening on 192.0.2.1:7701".
     * @param err         where a failure is reported, one line.
     * @return whether systemd-notify ran and exited 0; false also when no service manager asked.
     */
    static boolean announce(final Map<String, String> environment, final String status, final PrintStream err)
    {
        final String socket = environment.get(NOTIFY_SOCKET);
        if (null == socket)
        {
            return false;
        }

        final List<String> command = List.of("systemd-notify", "--ready",
            "--pid=" + ProcessHandle.current().pid(), "--status=" + status);
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put(NOTIFY_SOCKET, socket);
            final Process process = builder.start();
            process.getOutputStream().close();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                err.println("blocksync: systemd-notify --ready did not finish within " + WAIT_SECONDS + " s");
                return false;
            }
            if (0 != process.exitValue())
            {
                err.println("blocksync: systemd-notify --ready failed (exit " + process.exitValue() + ")" +
                    (output.isEmpty() ? "" : ": " + output.replace('\n', ' ')));
                return false;
            }
            return true;
        }
        catch (final IOException ex)
        {
            err.println("blocksync: cannot tell systemd the node is ready: systemd-notify: " + ex.getMessage());
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
