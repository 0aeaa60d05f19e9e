package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanVisitor;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.daemon.table.BanTable;
import io.blocksync.firewall.Firewall;

import java.util.ArrayList;

/**
 * Keeps this node's kernel from enforcing a stored ban that covers one of this host's own addresses: a ban stored
 * before the address was added to an interface (or before a restart that found it there) would lock the host out of
 * itself. Such a ban is <em>lifted locally</em>: the firewall drops it ({@link Firewall#unban}), but it stays in the
 * table, still relayed to peers by catch-up, and no UNBAN is sent, since whether other hosts block that prefix is
 * their decision. {@code bans} lists it as not enforced. Once no own address is covered any more (the address was
 * removed), the ban is enforced again until its expiry; if it expired or was lifted meanwhile, it is forgotten.
 * <p>
 * Level-triggered: whenever {@link BanPolicy#ownAddressesGeneration()} moved (the monitor replaced the own addresses
 * and woke the loop), one pass over the table finds every live ban covering an own address, and the lifted ones are
 * checked again. Loop thread only. A pass reads the whole store, but runs only when an interface address changes;
 * between changes a cycle costs one volatile read. Allocates only when a ban is lifted. The first pass is not the
 * loop's: the node's start-up pass over the store finds the bans to lift ({@link #startPass}) and {@link #start} lifts
 * them before the loop runs, so the loop scans only if the addresses changed since the start-up pass began.
 */
public final class LocalExemptions implements BanVisitor
{
    private static final long NEVER = -1;

    private final BanPolicy policy;
    private final BanTable table;
    private final Firewall firewall;
    private final NodeCounters counters;
    private final EventLog.Line log;
    private final ArrayList<IpPrefix> lifted = new ArrayList<>();
    private final Ban scratch = new Ban();
    private long seenGeneration = NEVER;
    private long nowMillis;

    /**
     * @param policy   holds the own addresses.
     * @param table    the bans.
     * @param firewall the kernel's door: bans are lifted and enforced again through it.
     * @param counters {@code bans_lifted_own_address}, {@code bans_restored_own_address}.
     * @param log      the node's log.
     */
    public LocalExemptions(
        final BanPolicy policy, final BanTable table, final Firewall firewall, final NodeCounters counters, final EventLog log)
    {
        this.policy = policy;
        this.table = table;
        this.firewall = firewall;
        this.counters = counters;
        this.log = log.newLine();
    }

    /**
     * What the node's start-up pass over the store hands to {@link #start}: the live bans covering an own address, as
     * the own addresses were when the pass began. Made before the firewall starts (which does not get those bans);
     * a visitor of that pass.
     *
     * @param nowMillis the node's steady time of the pass.
     */
    public static StartPass startPass(final BanPolicy policy, final long nowMillis)
    {
        return new StartPass(policy, nowMillis);
    }

    /**
     * Before the loop starts, once the start-up pass ended: lift what it found, as the loop's first pass would have,
     * and take the own addresses it saw as seen; if they changed since, the loop's first cycle makes a pass.
     */
    public LocalExemptions start(final StartPass pass)
    {
        this.nowMillis = pass.nowMillis;
        for (final Ban ban : pass.covering)
        {
            visit(ban);
        }
        seenGeneration = pass.generation;
        return this;
    }

    /**
     * Loop thread, each cycle.
     *
     * @return work done: bans lifted or enforced again, 1 for a pass that changed nothing, 0 when the own addresses
     * did not change.
     */
    public int poll(final long nowMillis)
    {
        final long generation = policy.ownAddressesGeneration();
        if (generation == seenGeneration)
        {
            return 0;
        }
        seenGeneration = generation;
        this.nowMillis = nowMillis;
        final int before = lifted.size();
        table.forEach(this);
        int work = lifted.size() - before;
        work += restoreUncovered();
        return Math.max(1, work);
    }

    /**
     * @param prefix a ban's prefix.
     * @return true while the ban of exactly this prefix is lifted here for covering an own address. Loop thread.
     */
    public boolean isLifted(final IpPrefix prefix)
    {
        return indexOf(prefix) >= 0;
    }

    /**
     * @return bans lifted here now. Loop thread.
     */
    public int liftedCount()
    {
        return lifted.size();
    }

    /** One stored entry during a pass: lift a live ban that covers an own address, once. */
    public void visit(final Ban ban)
    {
        if (ban.isBan() && ban.isActiveAt(nowMillis) && policy.coversOwnAddress(ban.prefix()) && indexOf(ban.prefix()) < 0)
        {
            firewall.unban(ban);
            lifted.add(new IpPrefix().set(ban.prefix()));
            counters.bansLiftedOwnAddress.incrementRelease();
            log.begin().append("ban of ").append(ban.prefix()).append(" covers an address of this host (")
                .append(policy.whyProtected(ban.prefix()))
                .append("): no longer enforced here; kept in the table, no unban sent to peers").commit();
        }
    }

    private int restoreUncovered()
    {
        int restored = 0;
        for (int i = lifted.size() - 1; i >= 0; i--)
        {
            final IpPrefix prefix = lifted.get(i);
            if (policy.coversOwnAddress(prefix))
            {
                continue;
            }
            lifted.remove(i);
            if (table.get(prefix, scratch) && scratch.isBan() && scratch.isActiveAt(nowMillis))
            {
                firewall.ban(scratch);
                restored++;
                counters.bansRestoredOwnAddress.incrementRelease();
                log.begin().append("ban of ").append(prefix)
                    .append(" covers no address of this host any more: enforced here again").commit();
            }
        }
        return restored;
    }

    private int indexOf(final IpPrefix prefix)
    {
        for (int i = 0; i < lifted.size(); i++)
        {
            if (lifted.get(i).equals(prefix))
            {
                return i;
            }
        }
        return -1;
    }

    /** The live bans covering an own address met by the start-up pass: few, copied. */
    public static final class StartPass implements BanVisitor
    {
        private final BanPolicy policy;
        private final long nowMillis;
        private final long generation;
        private final ArrayList<Ban> covering = new ArrayList<>();

        private StartPass(final BanPolicy policy, final long nowMillis)
        {
            this.policy = policy;
            this.nowMillis = nowMillis;
            // Read before the pass: a change during it moves the generation again, and the loop makes a pass.
            this.generation = policy.ownAddressesGeneration();
        }

        @Override
        public void visit(final Ban ban)
        {
            if (ban.isBan() && ban.isActiveAt(nowMillis) && policy.coversOwnAddress(ban.prefix()))
            {
                covering.add(new Ban().set(ban));
            }
        }

        /** Bans found so far. */
        public int count()
        {
            return covering.size();
        }
    }
}
