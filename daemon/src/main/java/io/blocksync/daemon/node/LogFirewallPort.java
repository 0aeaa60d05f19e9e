package io.blocksync.daemon.node;

import io.blocksync.codec.IpPrefix;

/**
 * The {@code log} backend: a dry run that writes every change it would make.
 */
public final class LogFirewallPort implements FirewallPort
{
    private final EventLog.Line line;
    private final int nodeId;

    public LogFirewallPort(final EventLog log, final int nodeId)
    {
        this.line = log.newLine();
        this.nodeId = nodeId;
    }

    public boolean ban(final IpPrefix prefix, final long expiresAtMillis, final long reasonPacked, final int protocol, final int port)
    {
        line.begin().append("node ").append(nodeId).append(": firewall add ").append(prefix).append(" reason ").appendReason(reasonPacked);
        appendProtocolAndPort(protocol, port);
        if (expiresAtMillis == 0)
        {
            line.append(" permanent");
        }
        else
        {
            line.append(" timeout ").append(Math.max(1, (expiresAtMillis - System.currentTimeMillis() + 999) / 1000)).append('s');
        }
        line.commit();
        return true;
    }

    public boolean unban(final IpPrefix prefix, final long reasonPacked, final int protocol, final int port)
    {
        line.begin().append("node ").append(nodeId).append(": firewall remove ").append(prefix).append(" reason ").appendReason(reasonPacked);
        appendProtocolAndPort(protocol, port);
        line.commit();
        return true;
    }

    private void appendProtocolAndPort(final int protocol, final int port)
    {
        if (protocol != 0)
        {
            line.append(" proto ").append(protocol);
        }
        if (port != 0)
        {
            line.append(" port ").append(port);
        }
    }
}
