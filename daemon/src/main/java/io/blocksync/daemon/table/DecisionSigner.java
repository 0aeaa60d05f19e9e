package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.NodeKey;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Signs this node's own decisions as their origin, once, when the ban table has fixed every wire field (origin
 * sequence, time, clamped duration): the record's fields go into a scratch record, are signed with this node's
 * current key ({@link BanRecordFlyweight#sign}), and the key id and 64-byte signature come back into the decision,
 * which the store keeps so that any node can relay it. Ed25519 in BouncyCastle allocates a few KB per signature; a
 * local decision is rare next to received records. One thread at a time (its scratch record);
 * {@link #forAnotherThread()} gives each further signer thread its own.
 */
public final class DecisionSigner
{
    private final NodeKey key;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
    private final BanRecordFlyweight record = new BanRecordFlyweight();

    /** @param key this node's current key ({@code [node] key-id}, the one it sends with). */
    public DecisionSigner(final NodeKey key)
    {
        this.key = key;
    }

    /**
     * A signer over the same key with a scratch of its own, for another thread. The key is shared read-only:
     * {@link NodeKey#sign} reads its seed and public key, written once before any signer thread starts, and
     * BouncyCastle's {@code Ed25519.sign} keeps its state per call (a fresh digest and scratch arrays) but for the
     * base-point tables, built once under a lock and read-only after.
     */
    public DecisionSigner forAnotherThread()
    {
        return new DecisionSigner(key);
    }

    /** Write the origin key id and signature of the decision's wire fields into it. */
    public void sign(final Ban decision)
    {
        record.wrap(scratch, 0).set(decision).sign(key);
        decision.originKeyId(key.keyId()).signature(scratch, BanRecordFlyweight.SIGNED_LENGTH);
    }
}
