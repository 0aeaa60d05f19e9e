package io.blocksync.daemon;

import io.blocksync.daemon.config.FirewallConfig;
import io.blocksync.firewall.BatcherSettings;
import io.blocksync.firewall.ControlScriptBackend;
import io.blocksync.firewall.FirewallBackend;
import io.blocksync.firewall.IpsetBackend;
import io.blocksync.firewall.LogBackend;
import io.blocksync.firewall.NftablesBackend;
import io.blocksync.firewall.PfBackend;
import io.blocksync.firewall.SshguardBackend;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds the firewall backend the [firewall] section names, and the batcher settings around it.
 */
public final class FirewallFactory
{
    private FirewallFactory()
    {
    }

    public static FirewallBackend backend(final FirewallConfig config, final Consumer<String> log)
    {
        switch (config.backend())
        {
            case FirewallConfig.NFTABLES:
            {
                final NftablesBackend.Settings settings = config.managed() ?
                    NftablesBackend.Settings.managed(config.table()).inputPriority(config.priority())
                        .forwardChain(config.forward(), config.priority()) :
                    NftablesBackend.Settings.existingSets(config.family(), config.table(), config.set4(), config.set6());
                return new NftablesBackend(settings.killStates(config.killStates()));
            }

            case FirewallConfig.IPSET:
            {
                final IpsetBackend.Settings settings = config.managed() ?
                    IpsetBackend.Settings.managed(config.table()).forwardChain(config.forward()) :
                    IpsetBackend.Settings.existingSets(config.set4(), config.set6());
                return new IpsetBackend(settings.killStates(config.killStates()));
            }

            case FirewallConfig.PF:
            {
                final PfBackend.Settings settings = new PfBackend.Settings().defaultTable(config.table()).killStates(config.killStates());
                for (final Map.Entry<String, String> entry : config.tableByReason().entrySet())
                {
                    settings.reasonTable(entry.getKey(), entry.getValue());
                }
                return new PfBackend(settings);
            }

            case FirewallConfig.CONTROL:
            {
                final ControlScriptBackend.Settings settings = new ControlScriptBackend.Settings(config.program()).defaultRule(config.table());
                for (final Map.Entry<String, String> entry : config.tableByReason().entrySet())
                {
                    settings.reasonRule(entry.getKey(), entry.getValue());
                }
                return new ControlScriptBackend(settings);
            }

            case FirewallConfig.SSHGUARD:
                return new SshguardBackend(new SshguardBackend.Settings(config.command()));

            default:
                return new LogBackend(log);
        }
    }

    public static BatcherSettings batcherSettings(final FirewallConfig config, final int nodeId)
    {
        return new BatcherSettings()
            .flushDelayMs(config.flushDelayMs())
            .maxBatch(config.maxBatch())
            .threadName("blocksync-firewall-" + nodeId);
    }
}
