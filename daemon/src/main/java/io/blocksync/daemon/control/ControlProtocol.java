package io.blocksync.daemon.control;

/**
 * The control socket's line protocol. A client writes request lines and then an empty line (or closes its side);
 * the daemon answers one line per request line, in order, each starting with {@code ok} or {@code error}.
 * <pre>
 *   ping                                      ok pong node 1
 *   ban PREFIX SECONDS REASON PROTOCOL PORT   ok ban 192.0.2.1
 *     SECONDS: a number, "permanent", or "default" (also 0) for the configured default-duration
 *   unban PREFIX                              ok unban 192.0.2.1 | error 192.0.2.9: ...
 * </pre>
 * PROTOCOL is an IANA number (0 any), PORT 0 for any. Limits ({@link ControlServer}): lines of at most
 * {@value ControlServer#MAX_LINE_BYTES} bytes, {@value ControlServer#MAX_LINES_PER_REQUEST} lines per request,
 * {@value ControlServer#MAX_CONNECTIONS} connections at once, {@value ControlServer#IDLE_TIMEOUT_MILLIS} ms of silence.
 */
public final class ControlProtocol
{
    public static final String PING = "ping";
    public static final String BAN = "ban";
    public static final String UNBAN = "unban";
    public static final String PERMANENT = "permanent";
    public static final String DEFAULT = "default";
    public static final String OK = "ok";
    public static final String ERROR = "error";

    private ControlProtocol()
    {
    }
}
