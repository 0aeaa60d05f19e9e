package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import org.agrona.concurrent.EpochClock;

/**
 * The {@code log} backend: a dry run that writes each change it would make, on the loop thread, without allocating:
 * {@code LABEL: firewall add PREFIX reason R [proto P] [port N] timeout Ts|permanent} and
 * {@code LABEL: firewall remove PREFIX reason R [proto P] [port N]}.
 */
public final class LogFirewall implements Firewall
{
    private final FirewallContext.LoopLog out;
    private final EpochClock clock;
    private final String label;
    private final StringBuilder line = new StringBuilder(160);

    public LogFirewall(final FirewallContext context)
    {
        this.out = context.loopLog();
        this.clock = context.clock();
        this.label = context.label();
    }

    @Override
    public boolean ban(final Ban ban)
    {
        begin("add ", ban);
        if (Ban.PERMANENT == ban.expiresAtMillis())
        {
            line.append(" permanent");
        }
        else
        {
            line.append(" timeout ").append(KernelTimeout.secondsLeft(ban.expiresAtMillis(), clock.time())).append('s');
        }
        out.line(line);

        return true;
    }

    @Override
    public boolean unban(final Ban ban)
    {
        begin("remove ", ban);
        out.line(line);

        return true;
    }

    @Override
    public int poll(final FirewallListener listener)
    {
        return 0;
    }

    @Override
    public void close()
    {
    }

    private void begin(final String action, final Ban ban)
    {
        line.setLength(0);
        line.append(label).append(": firewall ").append(action);
        AddressText.append(ban.prefix(), line);
        line.append(" reason ");
        ban.appendReason(line);
        if (0 != ban.protocol())
        {
            line.append(" proto ").append(ban.protocol());
        }
        if (0 != ban.port())
        {
            line.append(" port ").append(ban.port());
        }
    }
}
