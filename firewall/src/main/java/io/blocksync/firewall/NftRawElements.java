package io.blocksync.firewall;

import io.blocksync.nativeio.NftElementBatch;
import io.blocksync.nativeio.NftElementWriter;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The nftables backend's element changes as raw nf_tables netlink batches ({@link NftElementWriter}), one per
 * {@link FirewallBackend#apply}: no libnftables command, so no cache refresh dumping every interval set's elements
 * before each one (nft 1.0.6's {@code NFT_CACHE_SETELEM_MAYBE}): a lone ban costs the same with 10,000 prefix bans
 * held as with none. The kernel commits a batch all or nothing, like an nft script; a refusal names the element and
 * the kernel's errno. Worker thread only.
 */
final class NftRawElements implements AutoCloseable
{
    /** System property: {@code false} sends element changes through libnftables even where this could open. */
    static final String PROPERTY = "blocksync.nftables.raw-elements";

    private static final int EEXIST = 17;
    private static final int ENOTEMPTY = 39;

    private final NftElementWriter writer;
    private final NftNetlinkSink sink = new NftNetlinkSink();
    private long commits;

    private NftRawElements(final NftElementWriter writer)
    {
        this.writer = writer;
    }

    /**
     * @param networkNamespace a namespace file, or null for the daemon's.
     * @param channel          where everything else goes, e.g. {@code libnftables session}, for the log line.
     * @param log              gets one line: raw batches in use, or why not.
     * @return the writer, or null when it cannot open or the property turns it off (elements then go to the channel).
     */
    static NftRawElements open(final String networkNamespace, final String channel, final Consumer<String> log)
    {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")))
        {
            log.accept("nftables: element changes through the " + channel + " (" + PROPERTY + " = false)");
            return null;
        }
        try
        {
            final String unavailable = NftElementWriter.unavailableReason();
            if (null != unavailable)
            {
                throw new IOException(unavailable);
            }
            final NftRawElements raw = new NftRawElements(NftElementWriter.open(networkNamespace));
            log.accept("nftables: element changes as raw nf_tables netlink batches; tables, chains and sets " +
                "through the " + channel);
            return raw;
        }
        catch (final IOException ex)
        {
            log.accept("nftables: the nf_tables element socket cannot open (" + ex.getMessage() +
                "); element changes go through the " + channel + " too");
            return null;
        }
    }

    /**
     * Write every set's pending changes in one batch; on success the sets commit, else they roll back.
     *
     * @throws FirewallException naming the first refused element and the kernel's reason, worded as nft words it, e.g.
     * {@code nft: Error: Could not process rule: No such file or directory (netlink batch: add 192.0.2.7 in inet
     * blocksync ban4_host, and 1 more refused)}.
     */
    void commit(final List<NftSetModel> sets, final long nowMs)
    {
        final NftElementBatch batch = writer.batch();
        sink.begin(batch);
        int status = NftElementWriter.COMMITTED;
        try
        {
            for (final NftSetModel set : sets)
            {
                if (set.hasWork())
                {
                    set.emit(sink, nowMs);
                }
            }
            sink.finish();
            if (batch.messages() > 0)
            {
                commits++;
                status = writer.commit();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            abort(sets);
            throw new FirewallException("nftables: " + ex.getMessage(), ex);
        }
        if (NftElementWriter.COMMITTED != status)
        {
            abort(sets);
            throw new FirewallException(refusal(batch, status));
        }
        for (final NftSetModel set : sets)
        {
            set.commit();
        }
    }

    /**
     * @return batches sent since open.
     */
    long commits()
    {
        return commits;
    }

    /**
     * @return netlink messages sent since open, batch begin and end included (no dump request is ever sent here).
     */
    long messagesSent()
    {
        return writer.messagesSent();
    }

    @Override
    public void close()
    {
        writer.close();
    }

    private String refusal(final NftElementBatch batch, final int status)
    {
        if (NftElementWriter.REFUSED != status)
        {
            return "nft: Error: Could not process rule: " + NftElementWriter.describe(status) + " (netlink batch)";
        }
        int first = -1;
        int more = 0;
        for (int i = 0, count = batch.messages(); i < count; i++)
        {
            if (0 != batch.error(i))
            {
                more += first < 0 ? 0 : 1;
                first = first < 0 ? i : first;
            }
        }
        // Worded as nft words a refused command, so logs and status read the same whichever path wrote it.
        final int error = batch.error(first);
        final int element = sink.refused(first, batch.errorOffset(first));
        final String reason = sink.intervalAdd(element) && (EEXIST == error || ENOTEMPTY == error) ?
            "interval overlaps with an existing one" : "Could not process rule: " + NftElementWriter.describe(error);
        return "nft: Error: " + reason + " (netlink batch: " + sink.describe(element) +
            (0 == more ? "" : ", and " + more + " more refused") + ")";
    }

    private static void abort(final List<NftSetModel> sets)
    {
        for (final NftSetModel set : sets)
        {
            set.abort();
        }
    }
}
