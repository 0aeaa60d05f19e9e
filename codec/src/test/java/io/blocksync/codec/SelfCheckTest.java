package io.blocksync.codec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfCheckTest
{
    @Test
    void selfCheckPassesAndSaysWhatItRefused()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int status = new SelfCheck(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        final String output = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(0, status, output);
        assertTrue(output.contains("decoded: BAN 192.0.2.1 proto 6 port 22 for 3600 s reason sshd-ddos origin 1"), output);
        assertTrue(output.contains("rejected as replay"), output);
        assertTrue(output.contains("rejected as bad_tag"), output);
        assertTrue(output.contains("self-check passed"), output);
    }
}
