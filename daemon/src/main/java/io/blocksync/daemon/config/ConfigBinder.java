package io.blocksync.daemon.config;

import io.blocksync.codec.NodeKey;
import io.blocksync.codec.PeerKey;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.ReplayWindow;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the sections of a {@link ConfigFile} into a {@link NodeConfig}: routes each section to its binder, and
 * checks what involves more than one section (peer ids, addresses and names against each other and this node).
 */
final class ConfigBinder
{
    private static final List<String> SINGLE_SECTIONS = List.of(
        NodeSection.NAME, BansSection.NAME, FirewallSection.NAME, AllowSection.NAME, ProtocolSection.NAME,
        HttpSection.NAME, CrowdSecSection.NAME, MulticastSection.NAME);
    private static final List<String> ALL_SECTIONS = List.of(
        NodeSection.NAME, BansSection.NAME, FirewallSection.NAME, AllowSection.NAME, ProtocolSection.NAME,
        HttpSection.NAME, CrowdSecSection.NAME, PeerSection.NAME, SourceSection.NAME, RuleSection.NAME, MulticastSection.NAME);
    private static final String ACCEPTED_SECTIONS =
        "[node], [bans], [firewall], [allow], [protocol], [http], [crowdsec], [peer ID], [source NAME], [rule NAME], [multicast]";

    private record BoundPeer(PeerConfig peer, SectionReader reader)
    {
    }

    /**
     * @param peerId from the header, or 0 when it is missing or wrong (reported; the section is still bound so that
     *               its other problems are found too).
     */
    private record PeerHeader(int peerId, ConfigSection section)
    {
    }

    private final Path source;
    private final Path baseDirectory;
    private final Diagnostics diagnostics;
    private final NodeConfig.Builder config;
    private final Map<String, ConfigSection> singleSections = new HashMap<>();
    private final Map<Integer, ConfigSection> peerSectionsById = new HashMap<>();
    private final List<PeerHeader> peerHeaders = new ArrayList<>();
    private final Map<String, ConfigSection> sourceSections = new java.util.LinkedHashMap<>();
    private final Map<String, ConfigSection> ruleSections = new java.util.LinkedHashMap<>();

    private ConfigBinder(final Path source, final Diagnostics diagnostics)
    {
        this.source = source;
        this.baseDirectory = source.toAbsolutePath().getParent();
        this.diagnostics = diagnostics;
        this.config = new NodeConfig.Builder(source);
    }

    /**
     * @return the configuration, or null when the diagnostics hold errors.
     */
    static NodeConfig bind(final Path source, final ConfigFile file, final Diagnostics diagnostics)
    {
        final ConfigBinder binder = new ConfigBinder(source, diagnostics);
        for (final ConfigSection section : file.sections())
        {
            binder.classify(section);
        }

        binder.bindSections();
        binder.warnIfInlineKeysExposed(file);

        return diagnostics.hasErrors() ? null : new NodeConfig(binder.config, diagnostics.warnings());
    }

    private void classify(final ConfigSection section)
    {
        final String name = section.name();
        if (PeerSection.NAME.equals(name))
        {
            classifyPeer(section);
        }
        else if (SourceSection.NAME.equals(name) || RuleSection.NAME.equals(name))
        {
            classifyNamed(section, SourceSection.NAME.equals(name) ? sourceSections : ruleSections);
        }
        else if (SINGLE_SECTIONS.contains(name))
        {
            final ConfigSection first = singleSections.putIfAbsent(name, section);
            if (null != first)
            {
                error(section, "duplicate section [" + name + "] (first on line " + first.line() + ")");
            }
            else if (null != section.argument())
            {
                diagnostics.error(section.line(), section.argumentColumn(),
                    "section [" + name + "] takes no argument; write [" + name + "]");
            }
        }
        else
        {
            error(section, "unknown section [" + name + "]" + NearMiss.hint(name, ALL_SECTIONS, "[", "]") +
                "; accepted sections: " + ACCEPTED_SECTIONS);
        }
    }

    private void classifyPeer(final ConfigSection section)
    {
        int peerId = 0;
        if (null == section.argument())
        {
            error(section, "section [peer] needs the peer's node id, e.g. [peer 2]");
        }
        else
        {
            try
            {
                peerId = Values.integer(1, Integer.MAX_VALUE).parse(section.argument());
            }
            catch (final IllegalArgumentException ex)
            {
                diagnostics.error(section.line(), section.argumentColumn(), "peer id: " + ex.getMessage());
            }
        }

        final ConfigSection first = 0 == peerId ? null : peerSectionsById.putIfAbsent(peerId, section);
        if (null != first)
        {
            error(section, "duplicate section [peer " + peerId + "] (first on line " + first.line() + ")");
            return;
        }

        peerHeaders.add(new PeerHeader(peerId, section));
    }

    /** [source NAME] and [rule NAME]: the name is a label ([a-zA-Z0-9._-]) unique among sections of that kind. */
    private void classifyNamed(final ConfigSection section, final Map<String, ConfigSection> byName)
    {
        final String kind = section.name();
        if (null == section.argument())
        {
            error(section, "section [" + kind + "] needs a name, e.g. [" + kind + " ssh]");
            return;
        }
        try
        {
            Values.name().parse(section.argument());
        }
        catch (final IllegalArgumentException ex)
        {
            diagnostics.error(section.line(), section.argumentColumn(), kind + " name: " + ex.getMessage());
            return;
        }
        final ConfigSection first = byName.putIfAbsent(section.argument(), section);
        if (null != first)
        {
            error(section, "duplicate section [" + kind + " " + section.argument() + "] (first on line " + first.line() + ")");
        }
    }

    private void bindSections()
    {
        final ConfigSection node = singleSections.get(NodeSection.NAME);
        if (null == node)
        {
            diagnostics.error(1, 1, "missing section [node]; it needs id, listen, state-dir and key or key-file");
        }
        else
        {
            NodeSection.bind(new SectionReader(node, diagnostics), baseDirectory, config);
        }

        BansSection.bind(reader(BansSection.NAME), config);
        FirewallSection.bind(reader(FirewallSection.NAME), config, baseDirectory);
        AllowSection.bind(reader(AllowSection.NAME), config);
        ProtocolSection.bind(reader(ProtocolSection.NAME), config);
        if (singleSections.containsKey(HttpSection.NAME))
        {
            HttpSection.bind(reader(HttpSection.NAME), config);
        }
        if (singleSections.containsKey(CrowdSecSection.NAME))
        {
            CrowdSecSection.bind(reader(CrowdSecSection.NAME), baseDirectory, config);
        }
        bindPeers();
        if (singleSections.containsKey(MulticastSection.NAME))
        {
            MulticastSection.bind(reader(MulticastSection.NAME), config);
        }
        for (final Map.Entry<String, ConfigSection> source : sourceSections.entrySet())
        {
            final SourceConfig bound = SourceSection.bind(new SectionReader(source.getValue(), diagnostics), source.getKey(), baseDirectory);
            if (null != bound)
            {
                config.sources.add(bound);
            }
        }
        for (final Map.Entry<String, ConfigSection> rule : ruleSections.entrySet())
        {
            final RuleConfig bound = RuleSection.bind(
                new SectionReader(rule.getValue(), diagnostics), rule.getKey(), sourceSections.keySet(), config);
            if (null != bound)
            {
                config.rules.add(bound);
            }
        }
    }

    private void bindPeers()
    {
        final List<BoundPeer> bound = new ArrayList<>();
        for (final PeerHeader header : peerHeaders)
        {
            final int peerId = header.peerId();
            final ConfigSection section = header.section();
            if (peerId != 0 && peerId == config.nodeId)
            {
                diagnostics.error(section.line(), section.argumentColumn(),
                    "[peer " + peerId + "] has this node's own id; every node needs an id of its own");
            }

            final SectionReader reader = new SectionReader(section, diagnostics);
            final PeerConfig peer = PeerSection.bind(reader, peerId, baseDirectory);
            if (null != peer)
            {
                bound.add(new BoundPeer(peer, reader));
                config.peers.add(peer);
            }
        }

        checkPeersAgainstEachOther(bound);
    }

    private void checkPeersAgainstEachOther(final List<BoundPeer> bound)
    {
        final Map<InetSocketAddress, BoundPeer> byAddress = new HashMap<>();
        final Map<String, BoundPeer> byName = new HashMap<>();
        for (final BoundPeer current : bound)
        {
            final PeerConfig peer = current.peer();
            final SectionReader reader = current.reader();
            final String address = EndpointText.format(peer.address());
            if (peer.address().equals(config.listen))
            {
                reader.errorAt("address: " + address + " is this node's own listen address", "address");
            }

            if (null != config.listen && config.listen.getAddress() instanceof Inet4Address &&
                peer.address().getAddress() instanceof Inet6Address)
            {
                // An IPv4 socket cannot send to it at all: every datagram to this peer would fail.
                reader.errorAt("address: " + address + " is IPv6 but listen = " + EndpointText.format(config.listen) +
                    " is an IPv4 socket, which cannot reach it; listen on [::]:" + config.listen.getPort() +
                    " (IPv4 and IPv6) or give the peer's IPv4 address", "address");
            }

            final BoundPeer sameAddress = byAddress.putIfAbsent(peer.address(), current);
            if (null != sameAddress)
            {
                reader.errorAt("address: " + address + " is already the address of " + describe(sameAddress),
                    "address");
            }

            final BoundPeer sameName = byName.putIfAbsent(peer.name(), current);
            if (null != sameName)
            {
                reader.errorAt("name: '" + peer.name() + "' is already the name of " + describe(sameName), "name");
            }

            if (null != config.keys && 0 != config.nodeId && peer.nodeId() != config.nodeId)
            {
                try
                {
                    new PeerLink(config.nodeId, config.keys.toArray(new NodeKey[0]),
                        peer.nodeId(), peer.keys(), new ReplayWindow());
                }
                catch (final IllegalArgumentException ex)
                {
                    reader.errorAt("key: no link key with this peer: " + ex.getMessage(), KeySetting.KEY,
                        KeySetting.KEY_FILE);
                }
            }

            if (hasOwnKey(peer))
            {
                reader.warningAt("[peer " + peer.nodeId() + "] has this node's own public key; each node needs a " +
                    "key pair of its own (was the wrong key pasted?)", KeySetting.KEY, KeySetting.KEY_FILE,
                    KeySetting.NEXT_KEY, KeySetting.NEXT_KEY_FILE);
            }
        }
    }

    private boolean hasOwnKey(final PeerConfig peer)
    {
        if (null == config.keys)
        {
            return false;
        }
        for (final NodeKey own : config.keys)
        {
            for (final PeerKey key : peer.keys())
            {
                if (Arrays.equals(own.publicKey(), key.publicKey()))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A private key written into the configuration file is only as secret as the file; peers' keys are public.
     */
    private void warnIfInlineKeysExposed(final ConfigFile file)
    {
        if (!Files.isRegularFile(source))
        {
            return;
        }

        for (final ConfigSection section : file.sections())
        {
            if (NodeSection.NAME.equals(section.name()))
            {
                for (final ConfigEntry entry : section.entries())
                {
                    if (KeySetting.KEY.equals(entry.key()) || KeySetting.NEXT_KEY.equals(entry.key()))
                    {
                        final String mode = FileModes.exposedMode(source);
                        if (null != mode)
                        {
                            diagnostics.warning(entry.line(), entry.valueColumn(), "key: " + source +
                                " holds a private key and is readable by group/others (mode " + mode +
                                "); chmod 600 it or move the keys to key-files");
                        }
                        return;
                    }
                }
            }
        }
    }

    private SectionReader reader(final String name)
    {
        final ConfigSection section = singleSections.get(name);

        return new SectionReader(null == section ? ConfigSection.absent(name) : section, diagnostics);
    }

    private void error(final ConfigSection section, final String message)
    {
        diagnostics.error(section.line(), section.column(), message);
    }

    private static String describe(final BoundPeer peer)
    {
        return "[peer " + peer.peer().nodeId() + "] (line " + peer.reader().section().line() + ")";
    }
}
