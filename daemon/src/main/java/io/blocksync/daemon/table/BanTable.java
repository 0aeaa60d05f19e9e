package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.store.BanStoreFullException;
import io.blocksync.daemon.store.BanVisitor;
import io.blocksync.daemon.store.StartScan;

/**
 * The ban table: the one place that decides what a node holds. Every decision, local or from a peer, goes through
 * {@link #apply}: guard rails once ({@link BanPolicy}: protected prefixes, minimum prefix length, longest duration),
 * then the higher version wins (ties to the higher origin node id) against what the store holds, then the store, then
 * the listeners (the outgoing stream, the firewall) hear of the change. An UNBAN is stored as a tombstone for its
 * retention so an older BAN arriving late cannot bring the ban back. Expiry is the table's too ({@link #expire}).
 * <p>
 * Order does not trust wall clocks: a version is the origin's {@link HybridLogicalClock} value, every received one
 * advances this node's clock, and a local decision takes a version above whatever the table holds for the prefix.
 * Lifetimes count on this node's clock alone: a BAN, local or a peer's, lasts its duration from when this node takes
 * it, never beyond now plus {@code max-duration}; a tombstone, its retention from then. A peer's record stamped more
 * than {@code maxClockSkewMillis} ahead of this node's wall clock (origin time), or versioned more than
 * {@link HybridLogicalClock#refusalLeadMillis twice that plus a second} ahead, is refused ({@link #isTooFarAhead}):
 * a refusal that this node's clock lifts as it advances, so its callers must let the record come again. Its version
 * is taken into the clock only within the skew, so what a peer pushes this node's clock to stays within what every
 * honest peer accepts.
 * <p>
 * Two clocks: every {@code nowMillis} given to the table is the node's steady time (a monotonic frame, see the
 * daemon's {@code SteadyClock}), and so are the expiries and applied-at times it stores, so a wall-clock step moves
 * no ban's end. What crosses the wire is wall-clock: origin times stamped, versions from the {@link HybridLogicalClock},
 * the skew check; the table gets it as {@code nowMillis - frameOffset} ({@link #frameOffset}, 0 unless set, so a
 * caller with one clock sees one clock).
 * <p>
 * Room is bounded per origin once {@link #limitOrigins} gave the table an {@link OriginQuota}: a peer's record that
 * would take a new slot is refused when its origin holds its quota, or when peers' entries together fill all but the
 * room reserved for this node's own decisions; a local decision may use the whole store. Without a quota, peers
 * may fill {@link BanStore#capacity()}. Loop thread only; allocation-free.
 */
public final class BanTable
{
    private static final long DAY_MILLIS = 86_400_000L;
    private static final long TEN_YEARS_MILLIS = 10L * 365 * DAY_MILLIS;

    private final BanStore store;
    private final BanPolicy policy;
    private final NodeCounters counters;
    private final long tombstoneRetentionMillis;
    private final ClockBounds bounds;
    private final HybridLogicalClock clock;
    private final ExpirySweep expirySweep;
    private final Ban current = new Ban();
    private final Ban next = new Ban();
    private final PreparedDecision prepared = new PreparedDecision();
    private final RemoteRoom remoteRoom;
    private BanTableListener[] listeners = new BanTableListener[0];
    private OriginQuota quota;
    private DecisionSigner signer;
    private long frameOffsetMillis;
    private boolean admittedExists;

    /**
     * @param tombstoneRetentionMillis how long an UNBAN is kept to outvote late copies of the ban it lifted, see
     *                                 {@link #tombstoneRetentionMillis(long)}.
     * @param maxClockSkewMillis       how far ahead of this node's clock a peer's origin time may be
     *                                 ({@code [protocol] max-clock-skew}), at least 0.
     * @param clock                    the node's hybrid logical clock: versions local decisions, takes received ones.
     */
    public BanTable(
        final BanStore store,
        final BanPolicy policy,
        final NodeCounters counters,
        final long tombstoneRetentionMillis,
        final long maxClockSkewMillis,
        final HybridLogicalClock clock)
    {
        this.store = store;
        this.policy = policy;
        this.counters = counters;
        this.tombstoneRetentionMillis = tombstoneRetentionMillis;
        this.bounds = new ClockBounds(maxClockSkewMillis);
        this.clock = clock;
        this.expirySweep = new ExpirySweep(store, counters, ExpiryIndex.maxEntriesFor(store.capacity()));
        this.remoteRoom = new RemoteRoom(store);
    }

    /**
     * Tombstones must outlive any ban they could have superseded: the longest ban allowed, at least a day; with
     * permanent bans allowed ({@code maxBanSeconds} 0), ten years.
     */
    public static long tombstoneRetentionMillis(final long maxBanSeconds)
    {
        return maxBanSeconds == 0 ? TEN_YEARS_MILLIS : Math.max(DAY_MILLIS, maxBanSeconds * 1000);
    }

    /** Before the loop starts: who hears of changes, in the order added. */
    public BanTable addListener(final BanTableListener listener)
    {
        final BanTableListener[] grown = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        grown[listeners.length] = listener;
        listeners = grown;
        return this;
    }

    /**
     * Before the loop starts: bound what each origin, and all peers together, may hold. Counts what the store holds
     * now, by one scan, which also builds the expiry index ({@link #expire}; without this call the first expire scans).
     */
    /** Entries one peer origin may hold: its {@link OriginQuota} share, or the whole capacity without a quota. */
    public long originLimit()
    {
        return null == quota ? capacity() : quota.perOriginLimit();
    }

    public BanTable limitOrigins(final OriginQuota quota)
    {
        quota.clear();
        expirySweep.rebuild(quota);
        this.quota = quota;
        return this;
    }

    /**
     * As {@link #limitOrigins(OriginQuota)}, counting and indexing from the node's one start-up pass over the store
     * instead of a scan of its own; the quota and the expiry index are complete once {@link StartScan#finish()} ran.
     */
    public BanTable limitOrigins(final OriginQuota quota, final StartScan scan)
    {
        quota.clear();
        expirySweep.rebuildFrom(scan, quota);
        this.quota = quota;
        return this;
    }

    /**
     * Before the loop starts: the signer of this node's own decisions, which signs each as its origin once every wire
     * field is fixed ({@link #prepareLocal}) and before it is stored ({@link #storeLocal}), so the store (and any
     * catch-up from it) carries this node's signature. {@link #decideLocal} signs with it inline; the node's door
     * (the daemon's {@code LocalDecisions}) hands it to a signer thread.
     */
    public BanTable signLocalDecisions(final DecisionSigner signer)
    {
        this.signer = signer;
        return this;
    }

    /** The signer of local decisions, null when they are stored unsigned (tests of the table alone). */
    public DecisionSigner signer()
    {
        return signer;
    }

    /**
     * The loop's steady time minus its wall clock, as read this duty cycle: what turns a {@code nowMillis} into the
     * wall-clock time that origin times, versions and the skew check use. Loop thread; no allocation.
     *
     * @param steadyMinusWallMillis ms, 0 while the wall clock has not stepped.
     */
    public void frameOffset(final long steadyMinusWallMillis)
    {
        this.frameOffsetMillis = steadyMinusWallMillis;
    }

    /**
     * Whether peers' records may take {@code newEntries} more slots now, e.g. the records of one BATCH whose prefixes
     * the table does not hold yet; a caller that finds no room leaves the frame for a later retransmission instead
     * of dropping records.
     */
    public boolean hasRemoteRoom(final int newEntries)
    {
        return remoteRoom.admits(newEntries, remoteLimit());
    }

    /**
     * A peer's record, already authenticated and well formed.
     *
     * @param nowMillis steady time: the record's lifetime counts from here.
     * @return a {@link BanOutcome}.
     */
    public int applyRemote(final Ban record, final long nowMillis)
    {
        return apply(record, nowMillis, false, false, null);
    }

    /**
     * As {@link #applyRemote(Ban, long)}, given what the table holds for the record's prefix as the caller read it
     * ({@link #get}) with no change made to that prefix since: saves reading the store a second time (the receive
     * path checks every record against the table before it applies any).
     *
     * @param entry the entry read for the prefix, null when the table held none.
     */
    public int applyRemote(final Ban record, final long nowMillis, final Ban entry)
    {
        return apply(record, nowMillis, false, true, entry);
    }

    /**
     * A decision made here (see {@link BanDecider}), already numbered with its origin node and sequence, stamped with
     * this node's wall clock as origin time and a version from its clock above whatever the table holds for the
     * prefix, so it wins here and at every peer, whatever the clocks. An entry versioned ahead of what the clock takes
     * but within what a peer's record may carry (a peer whose clock, or whose clock's push, runs ahead of ours) is
     * outvoted by one count above its version, without moving the clock; a peer whose wall clock is behind ours
     * defers that record until its clock has caught up (at most the skew). An entry versioned beyond even that
     * (stored while this node's clock was far ahead) is replaced all the same, and does not drag the clock along.
     * An unban carries the reason, protocol and port of the ban it lifts.
     *
     * Here in one step: {@link #prepareLocal}, signed inline with {@link #signer()}, {@link #storeLocal}.
     *
     * @param request   receives the decision as applied when the outcome is {@link BanOutcome#APPLIED}.
     * @param nowMillis steady time; the origin time and version are taken at the matching wall-clock time.
     * @return a {@link BanOutcome}.
     */
    public int decideLocal(final Ban request, final long nowMillis)
    {
        final int outcome = prepareLocal(request, nowMillis, prepared);
        if (outcome != BanOutcome.APPLIED)
        {
            return outcome;
        }
        if (null != signer)
        {
            signer.sign(prepared.record());
        }
        final int stored = storeLocal(prepared);
        if (stored == BanOutcome.APPLIED)
        {
            request.set(prepared.record());
        }
        return stored;
    }

    /**
     * The first half of {@link #decideLocal}: every check and every field of the record to store (origin time,
     * version, clamped duration, expiry, hit count), the table left unchanged. The record is then signed (off the
     * loop, or inline) and stored by {@link #storeLocal} in the order prepared. Until then the table does not hold
     * it: the caller must not prepare another decision for the same prefix in between (it would be versioned and
     * checked against the entry this one replaces).
     *
     * @param request   numbered as for {@link #decideLocal}; receives the record (unsigned) when
     *                  {@link BanOutcome#APPLIED}.
     * @param into      receives the record to sign and store and the entry it replaces.
     * @return {@link BanOutcome#APPLIED} when {@code into} is to be stored; else nothing was prepared.
     */
    public int prepareLocal(final Ban request, final long nowMillis, final PreparedDecision into)
    {
        final long wallMillis = nowMillis - frameOffsetMillis;
        final boolean exists = store.get(request.prefix(), current);
        if (request.isUnban())
        {
            if (!(exists && current.isActiveAt(nowMillis)))
            {
                return BanOutcome.NOT_BANNED;
            }
            // Firewalls with a table per reason find the element by the lifted ban's reason and scope.
            request.reasonOf(current).protocol(current.protocol()).port(current.port());
        }
        if (exists && clock.isTrusted(current.version(), wallMillis))
        {
            // Received entries were taken into the clock already; this covers what was stored before a restart.
            clock.observe(current.version(), wallMillis);
        }
        long version = clock.tick(wallMillis);
        if (exists && current.version() >= version && bounds.mayOutvote(current.version(), wallMillis))
        {
            version = current.version() + 1;
        }
        request.originTimeMillis(wallMillis).version(version);
        final int outcome = admit(request, nowMillis, true, true, exists ? current : null);
        if (outcome == BanOutcome.APPLIED)
        {
            into.record().set(next);
            into.prior(admittedExists, current);
            request.set(next);
        }
        return outcome;
    }

    /**
     * The second half of {@link #decideLocal}, for a record {@link #prepareLocal} gave and (when the table has a
     * signer) signed since: store it and tell the listeners. A peer's record for the prefix stored since it was
     * prepared and ordered above it (a concurrent decision elsewhere) wins, as it would have had it come a moment
     * later: the local record is not stored ({@link BanOutcome#STALE}), nor when the store has no slot left for it
     * ({@link BanOutcome#STORE_FULL}, inserts fail only past about twice the capacity). Either way its origin
     * sequence is used, so the listeners still hear of it ({@link BanTableListener#onLocalNotStored}): the stream
     * carries it and peers find it stale, as they would a superseded record.
     *
     * @return {@link BanOutcome#APPLIED}, {@link BanOutcome#STALE} or {@link BanOutcome#STORE_FULL}.
     */
    public int storeLocal(final PreparedDecision decision)
    {
        final Ban record = decision.record();
        final boolean exists = store.get(record.prefix(), current);
        int outcome = BanOutcome.STALE;
        if (!exists || decision.isPrior(current) || compare(record, current) > 0)
        {
            outcome = store(record, exists, true);
        }
        if (outcome != BanOutcome.APPLIED)
        {
            for (final BanTableListener listener : listeners)
            {
                listener.onLocalNotStored(record);
            }
        }
        return outcome;
    }

    /**
     * Whether a peer's record is stamped or versioned too far ahead of this node's wall clock to be taken now: origin
     * time beyond {@code max-clock-skew}, version beyond {@link HybridLogicalClock#refusalLeadMillis}, or a negative
     * version. Such a record may be taken later, once this node's clock has caught up; {@link #applyRemote} refuses it
     * as {@link BanOutcome#FUTURE_TIME}.
     *
     * @param nowMillis steady time, as for {@link #applyRemote}.
     */
    public boolean isTooFarAhead(final Ban record, final long nowMillis)
    {
        return bounds.isTooFarAhead(record.originTimeMillis(), record.version(), nowMillis - frameOffsetMillis);
    }

    /** Copy what the table holds for exactly this prefix into {@code into}; false when it holds nothing. */
    public boolean get(final IpPrefix prefix, final Ban into)
    {
        return store.get(prefix, into);
    }

    /** Whether an unexpired ban for exactly this prefix is in force. */
    public boolean isBanned(final IpPrefix prefix, final long nowMillis)
    {
        return store.get(prefix, current) && current.isActiveAt(nowMillis);
    }

    /** Read every entry, bans and tombstones; the visitor must not change the table. */
    public void forEach(final BanVisitor visitor)
    {
        store.forEach(visitor);
    }

    /** Entries the store was sized for ({@code [bans] capacity}). */
    public long capacity()
    {
        return store.capacity();
    }

    /** Entries held, bans and tombstones. */
    public long size()
    {
        return store.size();
    }

    /**
     * Drop expired bans (telling the listeners) and tombstones past their retention, reading only the entries due
     * ({@link ExpirySweep}): nothing when nothing is due, and at most {@link ExpirySweep#MAX_ENTRIES_PER_SWEEP} index
     * entries a call, the rest at the next. Loop thread; no allocation.
     *
     * @param nowMillis steady time.
     * @return entries removed plus stale index entries dropped, at least 1 when the sweep stopped at its bound; 0 when
     * nothing was due.
     */
    public int expire(final long nowMillis)
    {
        final int removed = expirySweep.sweep(nowMillis);
        for (int i = 0; i < removed; i++)
        {
            final Ban expired = expirySweep.removed(i);
            if (null != quota)
            {
                quota.onRemoved(expired.originNodeId());
            }
            if (expired.isBan())
            {
                counters.bansExpired.incrementRelease();
                for (final BanTableListener listener : listeners)
                {
                    listener.onExpired(expired);
                }
            }
            else
            {
                for (final BanTableListener listener : listeners)
                {
                    listener.onTombstoneDropped(expired);
                }
            }
        }
        if (removed > 0)
        {
            counters.storeEntries.setRelease(store.size());
        }
        final int work = removed + expirySweep.lastStale();
        return expirySweep.lastCapped() ? Math.max(1, work) : work;
    }

    private int apply(final Ban decision, final long nowMillis, final boolean local, final boolean read, final Ban entry)
    {
        final int outcome = admit(decision, nowMillis, local, read, entry);
        return outcome == BanOutcome.APPLIED ? store(next, admittedExists, local) : outcome;
    }

    /**
     * Every check of {@link #apply}, the table unchanged: when {@link BanOutcome#APPLIED}, {@link #next} holds the
     * record to store, {@link #current} what the table holds ({@link #admittedExists}).
     *
     * @param read  whether the caller read the prefix's entry already: {@code entry} (null for none), current.
     */
    private int admit(final Ban decision, final long nowMillis, final boolean local, final boolean read, final Ban entry)
    {
        final long wallMillis = nowMillis - frameOffsetMillis;
        if (!local)
        {
            if (isTooFarAhead(decision, nowMillis))
            {
                counters.refusedFutureTime.incrementRelease();
                return BanOutcome.FUTURE_TIME;
            }
            // Taken into the clock only within the skew (else counted by it): the record is taken either way.
            clock.observe(decision.version(), wallMillis);
        }

        // Lifetimes count from when this node takes the decision, on its steady clock: no wall clock enters them.
        final long durationSeconds;
        final long expiresAtMillis;
        if (decision.isBan())
        {
            final int verdict = policy.checkPrefix(decision.prefix());
            if (verdict != BanPolicy.ACCEPT)
            {
                (verdict == BanPolicy.PROTECTED ? counters.refusedProtected : counters.refusedTooBroad).incrementRelease();
                return verdict == BanPolicy.PROTECTED ? BanOutcome.PROTECTED : BanOutcome.TOO_BROAD;
            }
            durationSeconds = policy.clampDuration(decision.durationSeconds());
            expiresAtMillis = durationSeconds == Ban.PERMANENT ? Ban.PERMANENT : boundExpiry(nowMillis + durationSeconds * 1000, nowMillis);
        }
        else
        {
            durationSeconds = 0;
            // At least the longest ban's life from now: any ban it superseded here expires before it is dropped.
            expiresAtMillis = nowMillis + tombstoneRetentionMillis;
        }

        final boolean exists = read ? null != entry : store.get(decision.prefix(), current);
        if (read && exists && entry != current)
        {
            current.set(entry);
        }
        // A local decision is versioned above the entry (see decideLocal), or the entry is bogus: it always wins.
        if (exists && !local)
        {
            final int order = compare(decision, current);
            if (order == 0)
            {
                counters.recordsDuplicate.incrementRelease();
                return BanOutcome.DUPLICATE;
            }
            if (order < 0)
            {
                counters.recordsStale.incrementRelease();
                return BanOutcome.STALE;
            }
        }

        final boolean sameOrigin = exists && current.originNodeId() == decision.originNodeId();
        if (!local && !sameOrigin)
        {
            if (null != quota && !quota.admitsOneMore(decision.originNodeId()))
            {
                counters.refusedOriginQuota.incrementRelease();
                return BanOutcome.ORIGIN_QUOTA;
            }
            if (!exists && !remoteRoom.admits(1, remoteLimit()))
            {
                counters.refusedStoreFull.incrementRelease();
                return BanOutcome.STORE_FULL;
            }
        }

        // A peer's record is stored as its origin signed it (its duration too), so it can be relayed; this node's
        // own bound is in the expiry.
        next.set(decision)
            .durationSeconds(local ? durationSeconds : decision.durationSeconds())
            .expiresAtMillis(expiresAtMillis)
            .hitCount((exists ? current.hitCount() : 0) + (local ? decision.hitCount() : 0))
            .appliedAtMillis(nowMillis);
        admittedExists = exists;
        return BanOutcome.APPLIED;
    }

    /** Store an admitted record and tell the listeners; {@link #current} holds the entry it replaces if it exists. */
    private int store(final Ban record, final boolean exists, final boolean local)
    {
        try
        {
            store.put(record);
        }
        catch (final BanStoreFullException ex)
        {
            counters.refusedStoreFull.incrementRelease();
            return BanOutcome.STORE_FULL;
        }
        if (!exists)
        {
            remoteRoom.onInserted();
        }
        final boolean sameOrigin = exists && current.originNodeId() == record.originNodeId();

        if (null != quota && !sameOrigin)
        {
            if (exists)
            {
                quota.onRemoved(current.originNodeId());
            }
            quota.onStored(record.originNodeId());
        }
        if (record.isBan())
        {
            counters.bansApplied.incrementRelease();
        }
        else
        {
            counters.unbansApplied.incrementRelease();
        }
        expirySweep.onStored(record, exists ? current : null);
        for (final BanTableListener listener : listeners)
        {
            listener.onStored(record, exists ? current : null, local);
        }
        return BanOutcome.APPLIED;
    }

    /** Entries peers' decisions may fill: all but the reserved room with a quota, else the store's capacity. */
    private long remoteLimit()
    {
        return null != quota ? quota.remoteLimit() : store.capacity();
    }

    /** With a finite {@code max-duration}, no ban outlives our now plus that duration. */
    private long boundExpiry(final long expiresAtMillis, final long nowMillis)
    {
        final long maxSeconds = policy.maxDurationSeconds();
        return maxSeconds == 0 ? expiresAtMillis : Math.min(expiresAtMillis, nowMillis + maxSeconds * 1000);
    }

    /** The merge order for one prefix: higher version, then higher origin node id. */
    static int compare(final Ban a, final Ban b)
    {
        if (a.version() != b.version())
        {
            return a.version() < b.version() ? -1 : 1;
        }
        return Integer.compare(a.originNodeId(), b.originNodeId());
    }
}
