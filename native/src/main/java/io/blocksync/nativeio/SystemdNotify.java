package io.blocksync.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * sd_notify(3)'s {@code READY=1} for systemd's {@code Type=notify}, sent through systemd-notify(1)
 * ({@code --ready --pid=JVM --status=...}): Java has no {@code AF_UNIX} datagram socket, and a JNI call for one
 * message per start is not worth its native code. The unit must say {@code NotifyAccess=all}, because the sender is
 * that child; systemd-notify waits (its barrier, systemd 246 and later) until systemd has taken the message, so the
 * child's exit cannot race it.
 */
public final class SystemdNotify
{
    /** The environment variable systemd sets for a {@code Type=notify} service: the socket's path. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    /** systemd-notify's barrier waits 5 s at most; this bounds a hung child. */
    private static final long WAIT_SECONDS = 15;

    private SystemdNotify()
    {
    }

    /**
     * Runs systemd-notify once, blocking the calling thread (never a loop) for at most 15 s.
     *
     * @param socket the value of {@code NOTIFY_SOCKET}, handed to the child.
     * @param status one line for {@code systemctl status}.
     * @return null once systemd-notify exited 0, else why not, one line, e.g.
     * {@code systemd-notify --ready failed (exit 1): Failed to notify init system: No such file or directory}.
     */
    public static String ready(final String socket, final String status)
    {
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
                return "systemd-notify --ready did not finish within " + WAIT_SECONDS + " s";
            }
            return 0 == process.exitValue() ? null : "systemd-notify --ready failed (exit " + process.exitValue() + ")" +
                (output.isEmpty() ? "" : ": " + output.replace('\n', ' '));
        }
        catch (final IOException ex)
        {
            return "cannot tell systemd the node is ready: systemd-notify: " + ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "interrupted while telling systemd the node is ready";
        }
    }
}
