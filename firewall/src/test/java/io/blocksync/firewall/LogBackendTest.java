package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.blocksync.firewall.Bans.add;
import static io.blocksync.firewall.Bans.remove;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LogBackendTest
{
    @Test
    void writesWhatItWouldDo()
    {
        final List<String> lines = new ArrayList<>();
        final LogBackend backend = new LogBackend(lines::add);

        backend.start();
        backend.apply(List.of(add("192.0.2.7", 3600), remove("2001:db8::/64")));
        backend.reconcile(List.of(add("198.51.100.0/24", 60, "http")));
        backend.flush();

        assertEquals(List.of(
            "dry run: no packet filter is changed",
            "would ADD 192.0.2.7 timeout=3600s reason=ssh",
            "would REMOVE 2001:db8::/64 reason=ssh",
            "would re-assert ADD 198.51.100.0/24 timeout=60s reason=http",
            "would reconcile 1 live bans",
            "would flush"), lines);
    }
}
