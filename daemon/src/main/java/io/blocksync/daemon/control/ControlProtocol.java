package io.blocksync.daemon.control;

/**
 * The control socket's line protocol. A client writes request lines and then an empty line (or closes its side);
 * the daemon answers one line per request line, in order, each starting with {@code ok} or {@code error}.
 * <pre>
 *   ping                                      ok pong node 1
 *   ban PREFIX SECONDS REASON PROTOCOL PORT [HITS]
 *                                             ok ban 192.0.2.1 | ok ban 192.0.2.1 (stored; not enforced: MESSAGE)
 *     HITS: how many events led to the ban (fail2ban's failures), shown in the node's audit line
 *     SECONDS: "default" for the configured default-duration, or a ban duration as the CLI and the config file
 *     take it (config.Durations): "permanent" (or fail2ban's "-1"), seconds (90) or units (30s, 1h, 30d, 2w, 1h30m), at least 1s and at
 *     most max-duration; anything else ("0", "-5", "200000w") is refused with a line naming it
 *   unban PREFIX                              ok unban 192.0.2.1 | error 192.0.2.9: ...
 *   enforced PREFIX                           ok enforced 192.0.2.1 true | ok enforced 192.0.2.1 false[ refused: MESSAGE]
 *   firewall KIND                             ok firewall nftables partial 3[ last: MESSAGE]
 *     KIND: apply, partial, check, drift or cleanup (io.blocksync.firewall.FailureKind)
 *   flush REASON                              ok flush REASON LIFTED | error ...
 *     lifts every live ban this node decided under REASON (ControlFlush); the only line of its request
 * </pre>
 * The language-neutral description, for shims in any language, is docs/CONTROL.md.
 * <b>Listings</b> answer with any number of row lines, streamed as they are read, then one {@code ok} line (or an
 * {@code error} line when the listing could not be completed). A listing must be the only line of its request.
 * <pre>
 *   bans [all]     ACTION PREFIX ORIGIN EXPIRES REMAINING PROTOCOL PORT DECIDED REASON ENFORCED[ refused: MESSAGE]
 *                  ...
 *                  ok bans ROWS
 *     live bans only, or with "all" expired entries and unban tombstones too; in the store's order (unsorted).
 *     ACTION ban or unban; ORIGIN the origin's node id; EXPIRES the end on the wall clock, Unix ms (0: none);
 *     REMAINING seconds left, -1 for none; PROTOCOL an IANA number; DECIDED the origin's decision time, Unix ms;
 *     REASON the reason's text (io.blocksync.codec.ReasonCode, up to 40 characters), "-" for none;
 *     ENFORCED true when the firewall confirms the kernel holds this live ban, else false (with the kernel's refusal).
 *   bans table|json [all] [ID=NAME ...]
 *                  the text `blocksync bans [--json] [--all]` prints, formatted by the node (BanListing), every line
 *                  ...
 *                  ok bans ROWS
 *     ID=NAME names an origin as the CLI's config does ("self" for this node; others "nodeID"). When the store
 *     cannot be read before any row, the answer is the error line alone.
 *   counters       counter TYPE KEY VALUE LABEL
 *                  ...
 *                  ok counters node ID pid PID started MS alive MS
 *     every counter of the status file (io.blocksync.daemon.status.NodeCounters: TYPE 1 node, KEY its id; 2 peer,
 *     KEY the peer's id; 3 event source), then the file's header: start and alive times are Unix ms, the alive time
 *     refreshed by the loop about once a second.
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
    public static final String FLUSH = "flush";
    public static final String FIREWALL = "firewall";
    public static final String BANS = "bans";
    public static final String ALL = "all";
    public static final String TABLE = "table";
    public static final String JSON = "json";
    public static final String COUNTERS = "counters";
    public static final String COUNTER = "counter";
    /** Longest tool message in a reply line; the rest is cut and marked "...". */
    public static final int MAX_MESSAGE_CHARS = 400;
    public static final String OK = "ok";
    public static final String ERROR = "error";

    private ControlProtocol()
    {
    }
}
