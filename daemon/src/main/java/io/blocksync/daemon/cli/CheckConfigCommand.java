package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.config.Durations;
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
        System.out.println("  node " + nodeConfig.nodeId() + " listening on " + nodeConfig.listen().getAddress().getHostAddress() +
            ":" + nodeConfig.listen().getPort() + ", state in " + nodeConfig.stateDir());
        System.out.println("  bans: default " + Durations.formatBanSeconds(nodeConfig.defaultBanSeconds()) + ", max " +
            Durations.formatBanSeconds(nodeConfig.maxBanSeconds()) + ", capacity " + nodeConfig.storeCapacity() +
            ", firewall " + nodeConfig.firewallBackend());
        System.out.println("  sends and signs with key id " + nodeConfig.keyId() +
            (nodeConfig.keys().length > 1 ? ", also accepts its next key id " + nodeConfig.keys()[1].keyId() : ""));
        for (final PeerConfig peer : nodeConfig.peers())
        {
            System.out.println("  peer " + peer.nodeId() + " (" + peer.name() + ") at " +
                peer.address().getAddress().getHostAddress() + ":" + peer.address().getPort() + ", key id " + peer.keyId() +
                (peer.keys().length > 1 ? ", next key id " + peer.keys()[1].keyId() + " (addressed)" : ""));
        }
        for (final IpPrefix allowed : nodeConfig.allowList())
        {
            System.out.println("  never banned: " + AddressText.format(allowed));
        }
        return BlockSyncCli.EXIT_OK;
    }
}
