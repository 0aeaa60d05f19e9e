package io.blocksync.daemon.config;

import io.blocksync.codec.PeerKey;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * [peer ID]: one trusted node, and its public key (and next one). Checks that involve several peers are {@link ConfigBinder}'s.
 */
final class PeerSection
{
    static final String NAME = "peer";

    private PeerSection()
    {
    }

    /**
     * @param peerId from the header, or 0 when it was wrong (already reported).
     * @return the peer, or null when something in the section is wrong (reported).
     */
    static PeerConfig bind(final SectionReader reader, final int peerId, final Path baseDirectory)
    {
        final String name = reader.value("name", Values.name(), "node" + peerId);
        final InetSocketAddress address = reader.required("address", PeerSection::parseAddress);
        final List<PeerKey> keys = KeySetting.bind(reader, baseDirectory, false, KeyText::publicKey);
        reader.finish();

        return 0 == peerId || null == address || null == keys ? null :
            new PeerConfig(peerId, name, address, keys.toArray(new PeerKey[0]));
    }

    private static InetSocketAddress parseAddress(final String text)
    {
        final InetSocketAddress address = EndpointText.parse(text);
        if (address.getAddress().isAnyLocalAddress())
        {
            throw new IllegalArgumentException(Quoted.quote(text) +
                " is the unspecified address; write the peer's own address");
        }
        if (address.getAddress().isMulticastAddress())
        {
            throw new IllegalArgumentException(Quoted.quote(text) + " is a multicast group; a [peer] is one node, " +
                "whose unicast datagrams are sealed under a key only the two share: write its own unicast address (a LAN " +
                "group goes in [multicast], its members listed as peers)");
        }

        return address;
    }
}
