package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.config.CrowdSecConfig;
import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.config.EndpointText;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "check-config", description = "Validate a config file; every error is printed as FILE:LINE:COLUMN: message.")
final class CheckConfigCommand implements Callable<Integer>
{
    @Mixin
    ConfigOption config = new ConfigOption();

    public Integer call()
    {
        final NodeConfig nodeConfig = config.load(System.err, true);
        if (null == nodeConfig)
        {
            return config.failure();
        }

        System.out.println(config.file + ": ok");
        System.out.println("  node " + nodeConfig.nodeId() + " listening on " + EndpointText.format(nodeConfig.listen()) +
            ", state in " + nodeConfig.stateDir());
        System.out.println("  bans: default " + Durations.formatBanSeconds(nodeConfig.defaultBanSeconds()) + ", max " +
            Durations.formatBanSeconds(nodeConfig.maxBanSeconds()) + ", capacity " + nodeConfig.storeCapacity() +
            ", firewall " + nodeConfig.firewallBackend());
        System.out.println("  sends and signs with key id " + nodeConfig.keyId() +
            (nodeConfig.keys().length > 1 ? ", also accepts its next key id " + nodeConfig.keys()[1].keyId() : ""));
        for (final PeerConfig peer : nodeConfig.peers())
        {
            System.out.println("  peer " + peer.nodeId() + " (" + peer.name() + ") at " +
                EndpointText.format(peer.address()) + ", key id " + peer.keyId() +
                (peer.keys().length > 1 ? ", next key id " + peer.keys()[1].keyId() + " (addressed)" : ""));
        }
        for (final IpPrefix allowed : nodeConfig.allowList())
        {
            System.out.println("  never banned: " + AddressText.format(allowed));
        }
        final CrowdSecConfig crowdsec = nodeConfig.crowdsec();
        if (null != crowdsec)
        {
            System.out.println("  crowdsec: following decisions at " + crowdsec.lapiUrl() + " every " +
                Durations.formatMillis(crowdsec.pollIntervalMillis()) +
                (crowdsec.push() ? ", pushing this node's bans there as " + crowdsec.machine().login() : ""));
        }
        return BlockSyncCli.EXIT_OK;
    }
}
