package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Show a node's counters (live, from the status file; costs the node nothing).")
final class StatusCommand implements Callable<Integer>
{
    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--json", description = "One JSON object: node, pid, running, started, counters {name: value}, firewall {backend, failures {kind: " +
        "{count, last_message}}}.")
    boolean json;

    public Integer call()
    {
        final NodeConfig nodeConfig = config.load(System.err);
        if (null == nodeConfig)
        {
            return BlockSyncCli.EXIT_USAGE;
        }

        final StatusReading reading = StatusReading.read(nodeConfig, "status");
        if (null == reading)
        {
            return BlockSyncCli.EXIT_FAILED;
        }

        final boolean alive = reading.isAlive(System.currentTimeMillis());
        if (json)
        {
            final List<String> counters = new ArrayList<>();
            for (final Map.Entry<String, Long> entry : reading.node.entrySet())
            {
                counters.add(Json.string(entry.getKey()) + ":" + entry.getValue());
            }
            System.out.println("{\"node\":" + reading.nodeId + ",\"pid\":" + reading.pid + ",\"running\":" + alive +
                ",\"started\":" + Json.string(Instant.ofEpochMilli(reading.startTimeMillis).toString()) +
                ",\"counters\":{" + String.join(",", counters) + "}" +
                ",\"firewall\":" + FirewallFailureView.json(nodeConfig, reading, alive) + "}");
        }
        else
        {
            System.out.println("node " + reading.nodeId + " (pid " + reading.pid + ") " + (alive ? "running" : "NOT running") +
                ", started " + Instant.ofEpochMilli(reading.startTimeMillis));
            for (final Map.Entry<String, Long> entry : reading.node.entrySet())
            {
                System.out.printf("  %-36s %d%n", entry.getKey(), entry.getValue());
            }
            FirewallFailureView.print(nodeConfig, reading, alive);
        }
        return alive ? BlockSyncCli.EXIT_OK : BlockSyncCli.EXIT_FAILED;
    }
}
