package io.blocksync.daemon.control;

/**
 * The control socket's line protocol. A client writes request lines and then an empty line (or closes its side);
 * the daemon answers one line per request line, in order, each starting with {@code ok} or {@code error}.
 * <pre>
 *   ping                                      ok pong node 1
 *   ban PREFIX SECONDS REASON PROTOCOL PORT   ok ban 192.0.2.1 | ok ban 192.0.2.1 (stored; not enforced: MESSAGE)
 *     SECONDS: "default" for the configured default-duration, or a ban duration as the CLI and the config file
 *     take it (config.Durations): "permanent", seconds (90) or units (30s, 1h, 30d, 2w, 1h30m), at least 1s and at
 *     most max-duration; anything else ("0", "-5", "200000w") is refused with a line naming it
 *   unban PREFIX                              ok unban 192.0.2.1 | error 192.0.2.9: ...
 *   enforced PREFIX                           ok enforced 192.0.2.1 true | ok enforced 192.0.2.1 false[ refused: MESSAGE]
 *   firewall KIND                             ok firewall nftables partial 3[ last: MESSAGE]
 *     KIND: apply, partial, check, drift or cleanup (io.blocksync.firewall.FailureKind)
 * </pre>
 * A ban reply is sent once the decision is durable and the firewall confirmed it or the wait for it ran out
 * ({@link BanReplies}); it keeps {@code ok} first whether or not the kernel enforces the ban yet. MESSAGE is the
 * tool's or library's own text on one line, cut at {@value #MAX_MESSAGE_CHARS} characters.
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
    public static final String ENFORCED = "enforced";
    public static final String FIREWALL = "firewall";
    /** Longest tool message in a reply line; the rest is cut and marked "...". */
    public static final int MAX_MESSAGE_CHARS = 400;
    public static final String OK = "ok";
    public static final String ERROR = "error";

    private ControlProtocol()
    {
    }
}
