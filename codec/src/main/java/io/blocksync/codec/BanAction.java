package io.blocksync.codec;

/**
 * What a ban decision does to a prefix. The wire code is the record's action byte (see {@link BanRecordFlyweight}
 * and docs/PROTOCOL.md, "BAN/UNBAN record"); the store keeps the same code.
 */
public enum BanAction
{
    /** Block the prefix until the ban expires or is lifted. */
    BAN(1),
    /** Lift a ban; kept as a tombstone so an older BAN arriving late cannot bring it back. */
    UNBAN(2);

    private static final BanAction[] BY_CODE = { null, BAN, UNBAN };

    private final int code;

    BanAction(final int code)
    {
        this.code = code;
    }

    /** The action byte on the wire and in the store: 1 or 2. */
    public int code()
    {
        return code;
    }

    /**
     * @return the action for a wire or store code, or null when the code is not one (a malformed record).
     */
    public static BanAction fromCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
