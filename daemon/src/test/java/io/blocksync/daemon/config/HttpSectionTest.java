package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static io.blocksync.daemon.config.ConfigTesting.NODE;
import static io.blocksync.daemon.config.ConfigTesting.assertErrors;
import static io.blocksync.daemon.config.ConfigTesting.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * [http]: absent means no server; listen is required and loopback unless allow-remote = yes.
 */
class HttpSectionTest
{
    @Test
    void absentMeansNoServer() throws Exception
    {
        assertNull(parse(NODE).httpListen());
    }

    @Test
    void loopbackListenIsTaken() throws Exception
    {
        assertEquals(new InetSocketAddress("127.0.0.1", 9477), parse(NODE + "[http]\nlisten = 127.0.0.1:9477\n").httpListen());
        assertEquals(new InetSocketAddress("::1", 9477), parse(NODE + "[http]\nlisten = [::1]:9477\n").httpListen());
    }

    @Test
    void anotherAddressNeedsAllowRemoteAndTheWildcardWarns() throws Exception
    {
        assertErrors(NODE + "[http]\nlisten = 192.0.2.1:9477\n",
            "test.conf:7:10: listen: 192.0.2.1:9477 is not a loopback address; the status page has no authentication: " +
                "use 127.0.0.1:PORT or [::1]:PORT, or set allow-remote = yes");
        assertEquals(new InetSocketAddress("192.0.2.1", 9477),
            parse(NODE + "[http]\nlisten = 192.0.2.1:9477\nallow-remote = yes\n").httpListen());
        final NodeConfig wildcard = parse(NODE + "[http]\nlisten = 0.0.0.0:9477\nallow-remote = yes\n");
        assertEquals(List.of("test.conf:7:10: warning: listen: 0.0.0.0:9477 serves the status page on every address of " +
            "this host, without authentication"), wildcard.warnings());
    }

    @Test
    void listenIsRequiredAndKeysAreChecked()
    {
        assertErrors(NODE + "[http]\nallow-remote = maybe\n",
            "test.conf:6:2: missing required key 'listen' in [http]",
            "test.conf:7:16: allow-remote: 'maybe' is not one of yes, no");
        assertErrors(NODE + "[http]\nlisten = 127.0.0.1:9477\nport = 9477\n",
            "test.conf:8:1: unknown key 'port' in [http]; accepted keys: listen, allow-remote");
    }
}
