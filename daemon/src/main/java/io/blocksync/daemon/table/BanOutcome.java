package io.blocksync.daemon.table;

/**
 * What the ban table made of one decision. The names are what the control socket reports for each item
 * (docs/CONFIG.md and the CLI print them), so they are a contract.
 */
public final class BanOutcome
{
    /** Stored: new, extended, or superseding what the table held. */
    public static final int APPLIED = 0;
    /** The same decision again (same version and origin): nothing changes. */
    public static final int DUPLICATE = 1;
    /** Ordered before what the table holds for the prefix (lower version): superseded. */
    public static final int STALE = 2;
    /**
     * A ban whose time was already up when it arrived. No longer given since lifetimes count from arrival (protocol 2);
     * the code and name stay reserved.
     */
    public static final int EXPIRED = 3;
    /** Refused: overlaps a protected prefix (allow-list, a peer, this host). */
    public static final int PROTECTED = 4;
    /** Refused: shorter than the family's minimum prefix length. */
    public static final int TOO_BROAD = 5;
    /** Refused: the store has no room. */
    public static final int STORE_FULL = 6;
    /** A local unban of a prefix that has no ban in force. */
    public static final int NOT_BANNED = 7;
    /**
     * Refused: a peer's record stamped further ahead of this node's clock than {@code max-clock-skew}, or versioned
     * more than twice that and a second ahead of it; taken when offered again once the clock has caught up.
     */
    public static final int FUTURE_TIME = 8;
    /** Refused: a peer's new entry whose origin already holds its share of the store ({@code origin-quota}). */
    public static final int ORIGIN_QUOTA = 9;
    /** The outgoing stream is full for now; the caller may try again on a later cycle. Never stored. */
    public static final int BUSY = -1;

    private static final String[] NAMES =
    {
        "applied", "duplicate", "stale", "expired", "protected", "too broad", "store full", "not banned",
        "future time", "origin quota"
    };

    private BanOutcome()
    {
    }

    /** Operator-facing name of an outcome, "busy" or "unknown". */
    public static String name(final int outcome)
    {
        if (outcome == BUSY)
        {
            return "busy";
        }
        return outcome >= 0 && outcome < NAMES.length ? NAMES[outcome] : "unknown";
    }

    /**
     * Whether a peer's record refused with this outcome may be taken if offered again later, so its origin sequence
     * must stay open: stamped or versioned ahead of this node's clock, which catches up. Guard-rail refusals
     * (protected, too broad) stand as long as the configuration does; a record refused for room (store full, origin
     * quota) is not offered again either, since re-offering it every catch-up round would spend its origin's budget,
     * which the origin's new decisions need, on records that cannot fit until expiry frees room.
     */
    public static boolean mayPassLater(final int outcome)
    {
        return outcome == FUTURE_TIME;
    }

    /** Whether the table now holds the decision, whether it was made here or arrived before. */
    public static boolean isInForce(final int outcome)
    {
        return outcome == APPLIED || outcome == DUPLICATE || outcome == STALE;
    }
}
