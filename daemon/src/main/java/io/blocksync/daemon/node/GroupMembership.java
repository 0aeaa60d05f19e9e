package io.blocksync.daemon.node;

import io.blocksync.codec.GroupVerifier;
import io.blocksync.daemon.config.MulticastConfig;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.status.NodeCounters;

import java.io.IOException;

/**
 * Start-up of the {@code [multicast]} group: open and join the group socket, let the loop's selector watch it, trust
 * the member peers' public keys for group datagrams, and attach the group roles to the agent.
 */
public final class GroupMembership
{
    private GroupMembership()
    {
    }

    /**
     * @param wallMillis the wall clock now, Unix ms.
     * @return the joined group socket, for the caller to close after the loop stops; null without {@code [multicast]}.
     * @throws IOException when the group cannot be joined (the interface is gone or has no multicast).
     */
    public static GroupChannel join(
        final NodeConfig config, final NodeAgent agent, final UdpTransport transport, final NodeCounters counters, final long wallMillis)
        throws IOException
    {
        final MulticastConfig multicast = config.multicast();
        if (null == multicast)
        {
            return null;
        }
        final GroupVerifier verifier = new GroupVerifier(config.nodeId());
        for (final PeerConfig peer : config.peers())
        {
            if (multicast.isMember(peer.nodeId()))
            {
                verifier.addMember(peer.nodeId(), peer.keys());
            }
        }
        final GroupChannel channel = GroupChannel.open(multicast, counters);
        try
        {
            transport.watch(channel.channel());
        }
        catch (final IOException ex)
        {
            channel.close();
            throw ex;
        }
        agent.multicast(channel, config.keys()[0], verifier, wallMillis);
        return channel;
    }
}
