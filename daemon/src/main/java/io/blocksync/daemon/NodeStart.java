package io.blocksync.daemon;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.HmacSha256Tag;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.ReplayWindow;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.node.HighWaterMarks;
import io.blocksync.daemon.node.LocalExemptions;
import io.blocksync.daemon.node.OwnAddressFollower;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.store.StartScan;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.firewall.Firewall;
import io.blocksync.firewall.FirewallContext;
import io.blocksync.nativeio.NativeHmacSha256;
import org.agrona.concurrent.EpochClock;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The start-up steps of a {@link Node} that need only the config and what was opened before them: the epoch and
 * receive-side rules after an unclean stop, peer links, the ban policy and the firewall. Each logs its own line.
 */
final class NodeStart
{
    private NodeStart()
    {
    }

    /** One line per start-up step, so a start that hangs or fails says where. */
    static void step(final EventLog.Line line, final NodeConfig config, final String what)
    {
        line.begin().append("node ").append(config.nodeId()).append(": ").append(what).commit();
    }

    /**
     * Batches leave before the sync that covers them, so after a power loss the files may be behind what peers saw:
     * a new epoch makes sure no stream or origin sequence is used again (docs/PROTOCOL.md, "What persists").
     */
    static void startEpochAfterUncleanStop(
        final int nodeId, final BanStore store, final ProgressFile progress, final long nowMillis, final EventLog.Line line)
    {
        final String unclean = store.uncleanStopReason();
        if (null != unclean && !progress.newEpoch())
        {
            progress.startNewEpoch(nowMillis);
            line.begin().append("node ").append(nodeId).append(": the last run did not stop cleanly (").append(unclean)
                .append("): new stream epoch from ").append(progress.streamNext()).commit();
        }
    }

    /**
     * The receive side of progress.dat (high water, received stream positions) may claim records the store lacks after
     * a power loss unless the last run wrote it only after syncs ({@link HighWaterMarks#writeAfterSyncs}): after an
     * unclean stop of a run that wrote it through, it is forgotten and peers catch this node up. The flag for this run
     * is then forced to disk with the forgotten values, before anything is written through again, and with it a sequence
     * ceiling above what the file says was used, for the first decisions.
     */
    static void trustReceiveSide(
        final NodeConfig config, final BanStore store, final ProgressFile progress, final EventLog.Line line)
    {
        final String unclean = store.uncleanStopReason();
        if (null != unclean && !progress.receiveSideAfterSync())
        {
            progress.forgetReceived();
            line.begin().append("node ").append(config.nodeId()).append(": the last run did not stop cleanly and ")
                .append("wrote its received positions without syncs: they are forgotten, peers catch this node up")
                .commit();
        }
        progress.receiveSideAfterSync(config.stateSync());
        // The sequence lease for the first decisions, durable before the loop runs (SequenceLease).
        progress.extendLease();
        progress.force();
    }

    /**
     * How a node computes its link MACs, chosen once at its start: {@code engine} null for BouncyCastle; {@code text}
     * for the start-up line.
     */
    static final class LinkMacs
    {
        final HmacSha256Tag.Engine engine;
        final String text;

        LinkMacs(final HmacSha256Tag.Engine engine, final String text)
        {
            this.engine = engine;
            this.text = text;
        }
    }

    /**
     * libcrypto's SHA-256 where the JNI library and libcrypto load and pass their self-test ({@link NativeHmacSha256}),
     * else BouncyCastle: the same tags, ~1.1 instead of ~9 µs a 1,200-byte datagram under the launcher's C1-only JIT,
     * paid once per peer for every datagram the origin of a bulk sends (PERFORMANCE.md, issue 13, origin13).
     *
     * @return text {@code "libcrypto"}, or {@code "BouncyCastle (WHY)"}.
     */
    static LinkMacs chooseLinkMacs()
    {
        final NativeHmacSha256 engine = NativeHmacSha256.engine();
        return new LinkMacs(engine, null != engine ? "libcrypto" : "BouncyCastle (" + NativeHmacSha256.failure() + ")");
    }

    /**
     * The one place a peer's link is made: this node's keys, the peer's public keys, the replay window of what it
     * sends, and the engine its MACs are computed with (null: BouncyCastle).
     */
    static PeerLink newLink(
        final NodeConfig config, final PeerConfig peer, final ReplayWindow replayWindow, final HmacSha256Tag.Engine macEngine)
    {
        return new PeerLink(config.nodeId(), config.keys(), peer.nodeId(), peer.keys(), replayWindow, macEngine);
    }

    /**
     * Every backend, the log dry run included, starts through the firewall module, which first makes the packet filter
     * hold every live ban in the table (blacklistd -r). Managed nftables and ipset modes also close the listen port to
     * everyone but the peers.
     * <p>
     * A ban covering an address of this host is left out: {@link LocalExemptions} keeps it lifted here, and makes sure
     * a kernel that still holds it from the last run drops it.
     *
     * @param clock the node's steady clock: the frame of the stored expiries, turned into kernel timeouts.
     */
    static Firewall newFirewall(
        final NodeConfig config, final EventLog log, final StartScan startScan, final EpochClock clock, final BanPolicy policy)
    {
        final StartBans liveBans = new StartBans(startScan, policy, clock.time());
        final List<IpPrefix> peerAddresses = new ArrayList<>();
        for (final PeerConfig peer : config.peers())
        {
            peerAddresses.add(hostPrefix(peer.address().getAddress()));
        }
        final EventLog.Line line = log.newLine();
        final EventLog.Line loopLine = log.newLine();
        final Firewall firewall = config.firewall().settings().start(new FirewallContext()
            .clock(clock)
            .log(log.threadSafeConsumer())
            .loopLog(text -> loopLine.begin().append(text).commit())
            .label("node " + config.nodeId())
            .threadName("blocksync-firewall-" + config.nodeId())
            .liveBans(liveBans)
            .listenPort(config.listen().getPort())
            .peerAddresses(peerAddresses)
            .stateDirectory(config.stateDir()));
        line.begin().append("node ").append(config.nodeId()).append(": firewall ").append(config.firewall().backend())
            .append(" started");
        if (liveBans.read())
        {
            line.append(", ").append(liveBans.count()).append(" live bans re-applied");
        }
        line.commit();
        return firewall;
    }

    /**
     * The allow-list plus every peer and the listen address: none of them may ever be banned. This host's own
     * addresses are protected too, live, through {@link OwnAddressFollower}.
     */
    static BanPolicy newPolicy(final NodeConfig config)
    {
        final List<IpPrefix> protectedPrefixes = new ArrayList<>();
        final List<String> why = new ArrayList<>();
        for (final IpPrefix allowed : config.allowList())
        {
            protectedPrefixes.add(allowed);
            why.add("allow-list " + allowed);
        }
        for (final PeerConfig peer : config.peers())
        {
            protectedPrefixes.add(hostPrefix(peer.address().getAddress()));
            why.add("peer " + peer.name());
        }
        protectedPrefixes.add(hostPrefix(config.listen().getAddress()));
        why.add("this node's listen address");
        return new BanPolicy(protectedPrefixes, why, config.minPrefixIpv4(), config.minPrefixIpv6(),
            config.maxBanSeconds(), config.originRatePerSecond());
    }

    static Consumer<String> prefixed(final Consumer<String> log, final String prefix)
    {
        return text -> log.accept(prefix + text);
    }

    static IpPrefix hostPrefix(final InetAddress address)
    {
        final byte[] bytes = address.getAddress();
        final int family = bytes.length == 4 ? AddressFamily.IPV4 : AddressFamily.IPV6;
        return new IpPrefix().set(family, bytes, family == AddressFamily.IPV4 ? 32 : 128);
    }
}
