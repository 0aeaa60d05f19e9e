package io.blocksync.codec;

/**
 * The process's table of reasons longer than 8 characters, by id ({@link ReasonCode#id()}), so that code holding only
 * an id (the firewall's element tables) can name the reason. Filled when a reason is made from text
 * ({@link ReasonCode#of(String)}) and when a ban's reason is read from the wire or the store
 * ({@link Ban#reasonWords(long, long, long, long, long)}). Bounded at {@value #CAPACITY} reasons: beyond, new ones
 * are not kept and {@link ReasonCode#nameOf(long)} shows their id; the ban itself still holds its text and the wire
 * and store are unaffected.
 * <p>
 * Any thread reads without locking and without allocating (a volatile snapshot); a new reason takes a lock and
 * copies the table, which happens once per distinct reason.
 */
public final class ReasonNames
{
    /** Most long reasons kept; fail2ban jails and CrowdSec scenarios of a fleet are a few hundred. */
    public static final int CAPACITY = 4096;

    private static final int SLOTS = CAPACITY * 2;
    private static volatile Table table = new Table(new long[SLOTS], new ReasonCode[SLOTS], 0);

    private ReasonNames()
    {
    }

    private record Table(long[] ids, ReasonCode[] codes, int size)
    {
    }

    /** @return the reason with this id, or null when it is not kept. */
    public static ReasonCode find(final long id)
    {
        final Table current = table;
        for (int slot = slot(id); ; slot = (slot + 1) & (SLOTS - 1))
        {
            final long at = current.ids[slot];
            if (at == id)
            {
                return current.codes[slot];
            }
            if (at == 0)
            {
                return null;
            }
        }
    }

    /** How many long reasons are kept. */
    public static int size()
    {
        return table.size;
    }

    /** Keep a reason's text under its id when it is a long one (the first text met keeps an id); returns it. */
    static ReasonCode register(final ReasonCode code)
    {
        if (code.id() < 0 && null == find(code.id()))
        {
            insert(code.id(), code);
        }
        return code;
    }

    /** The words as read from the wire or the store: allocation-free when the reason is known already. */
    static void note(final long id, final long[] words)
    {
        if (id < 0 && null == find(id))
        {
            insert(id, ReasonCode.fromWords(words));
        }
    }

    private static synchronized void insert(final long id, final ReasonCode code)
    {
        final Table current = table;
        if (current.size == CAPACITY || null != find(id))
        {
            return;
        }
        final long[] ids = current.ids.clone();
        final ReasonCode[] codes = current.codes.clone();
        int slot = slot(id);
        while (ids[slot] != 0)
        {
            slot = (slot + 1) & (SLOTS - 1);
        }
        ids[slot] = id;
        codes[slot] = code;
        table = new Table(ids, codes, current.size + 1);
    }

    private static int slot(final long id)
    {
        return (int)(id ^ (id >>> 29)) & (SLOTS - 1);
    }
}
