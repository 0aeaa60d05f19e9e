package io.blocksync.daemon.cli;

import io.blocksync.nativeio.SystemdNotify;

import java.io.PrintStream;
import java.util.Map;

/**
 * Tells a service manager that the node is ready, sd_notify(3)'s {@code READY=1}, for systemd's {@code Type=notify}
 * (dist/systemd/blocksync.service), through {@link SystemdNotify}. Only when systemd asked for it by setting
 * {@code NOTIFY_SOCKET}; otherwise nothing happens. Called once from the thread that started the node, never from
 * the loop. A failure costs one line on stderr, never the node: systemd then times the start out itself.
 */
final class ServiceReadiness
{
    static final String NOTIFY_SOCKET = SystemdNotify.NOTIFY_SOCKET;

    private ServiceReadiness()
    {
    }

    /**
     * @param environment the process environment ({@code System.getenv()}), read for {@code NOTIFY_SOCKET}.
     * @param status      one line for {@code systemctl status}, e.g. "node 1 listening on UDP port 7701".
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

        final String problem = SystemdNotify.ready(socket, status);
        if (null != problem)
        {
            err.println("blocksync: " + problem);
        }
        return null == problem;
    }
}
