package io.blocksync.daemon.config;

import io.blocksync.firewall.PfBackend;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/nftables.conf, ipset.conf and pf.conf are valid as shipped and say what they claim.
 */
class FirewallExamplesTest
{
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void eachManagedBackendExampleReadsCleanly() throws Exception
    {
        for (final String backend : new String[]{ "nftables", "ipset", "pf" })
        {
            final NodeConfig config = ConfigReader.read(EXAMPLES.resolve(backend + ".conf"));
            assertEquals(backend, config.firewall().backend());
            assertTrue(config.firewall().managed(), backend);
            assertTrue(config.stateDir().endsWith(Path.of("target", "examples", backend)), config.stateDir().toString());
        }
        final PfBackend.Settings pf = (PfBackend.Settings)ConfigReader.read(EXAMPLES.resolve("pf.conf")).firewall().backendSettings();
        assertEquals("brutessh", pf.reasonTables().get("ssh"));

        final NodeConfig detecting = ConfigReader.read(EXAMPLES.resolve("nflog.conf"));
        assertEquals("nflog", detecting.sources().get(0).type());
        assertEquals("kernel", detecting.rules().get(0).source());
        assertEquals(5, detecting.rules().get(0).nfail());
    }
}
