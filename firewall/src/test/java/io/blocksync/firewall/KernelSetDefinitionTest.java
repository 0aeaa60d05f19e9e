package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Managed sets re-defined by hand are told from ours by their listed definition: nft type and flags, ipset type,
 * family and timeout header.
 */
class KernelSetDefinitionTest
{
    private static final String RULESET = "table inet blocksync {\n\tset ban4_host {\n\t\ttype ipv4_addr\n\t}\n\n" +
        "\tset ban4 {\n\t\ttype ipv4_addr\n\t\tflags interval,timeout\n\t}\n\tchain input {\n\t}\n}\n";

    @Test
    void anNftSetWithoutItsTimeoutFlagDiffersAndOneAsCreatedOrMissingDoesNot()
    {
        assertTrue(NftSetDefinition.differs(RULESET, "inet blocksync", "ban4_host", "ipv4_addr", "timeout"));
        assertFalse(NftSetDefinition.differs(RULESET, "inet blocksync", "ban4", "ipv4_addr", "interval,timeout"));
        assertTrue(NftSetDefinition.differs(RULESET, "inet blocksync", "ban4", "ipv6_addr", "interval,timeout"));
        assertFalse(NftSetDefinition.differs(RULESET, "inet blocksync", "ban6", "ipv6_addr", "interval,timeout"));
        assertFalse(NftSetDefinition.differs(RULESET, "inet other", "ban4_host", "ipv4_addr", "timeout"));
    }

    @Test
    void anIpsetSetOfAnotherTypeOrWithoutTimeoutIsRedefinedAndAMissingOneIsNot()
    {
        final String terse = "Name: rv4\nType: hash:ip\nRevision: 6\nHeader: family inet hashsize 1024 maxelem 65536\n\n" +
            "Name: rv6\nType: hash:net\nRevision: 7\nHeader: family inet6 hashsize 1024 maxelem 10 timeout 0\n";
        assertEquals(List.of("rv4"), IpsetHeader.mismatched(terse, "rv4", "rv6"));
        assertEquals(List.of(), IpsetHeader.mismatched(terse, "rx4", "rv6"));
        assertEquals(List.of("rv6"), IpsetHeader.mismatched(terse.replace("inet6", "inet"), null, "rv6"));
    }
}
