package io.blocksync.daemon.config;

import io.blocksync.codec.SenderKeys;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * [peer ID]: one trusted node or multicast group. Checks that involve several peers are {@link ConfigBinder}'s.
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
        final int keyId = reader.value("key-id", Values.integer(0, SenderKeys.MAX_KEY_ID), NodeConfig.DEFAULT_KEY_ID);
        final byte[] key = KeySetting.bind(reader, baseDirectory);
        reader.finish();

        return 0 == peerId || null == address || null == key ? null :
            new PeerConfig(peerId, name, address, keyId, key);
    }

    private static InetSocketAddress parseAddress(final String text)
    {
        final InetSocketAddress address = EndpointText.parse(text);
        if (address.getAddress().isAnyLocalAddress())
        {
            throw new IllegalArgumentException(Quoted.quote(text) +
                " is the unspecified address; write the peer's own address or a multicast group");
        }

        return address;
    }
}
