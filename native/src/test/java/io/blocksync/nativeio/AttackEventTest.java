package io.blocksync.nativeio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttackEventTest
{
    @Test
    void textFieldsCompareWithoutStringsAndShowEscaped()
    {
        final AttackEvent event = new AttackEvent();
        event.ifname().set("em0");
        event.logPrefix().set("ssh\\scan");

        assertTrue(event.ifname().equalsAscii("em0"));
        assertFalse(event.ifname().equalsAscii("em01"));
        assertFalse(event.ifname().equalsAscii("em"));
        assertTrue(event.logPrefix().startsWith("ssh"));
        assertFalse(event.logPrefix().startsWith("ssh\\scan!"));
        final StringBuilder out = new StringBuilder();
        event.logPrefix().appendTo(out);
        assertEquals("ssh\\x5cscan", out.toString(), "a backslash is escaped so escapes cannot be forged");
    }

    @Test
    void resetClearsEveryFieldToAbsent()
    {
        final AttackEvent event = new AttackEvent().action(1).ruleNumber(5).group(3)
            .error(DecodeError.NOT_IP, 3, 5, 0);
        event.ifname().set("em0");
        event.logPrefix().set("p");
        event.packet().protocol(6).sourcePort(1).destinationPort(2).ipVersion(4);

        event.reset();

        assertEquals("unknown", event.toString());
        assertEquals(DecodeResult.OK, event.result());
        assertEquals(AttackEvent.NONE, event.group());
        assertFalse(event.packet().hasAddresses());
    }

    @Test
    void errorTextNamesRecordOffsetAndExpectation()
    {
        final AttackEvent event = new AttackEvent().record(3, 412).error(DecodeError.TLV_OVERRUNS_RECORD, 4, 256, 8);
        final StringBuilder out = new StringBuilder();

        event.appendError(out);

        assertEquals("record 3 at byte 412: TLV claims 256 bytes, only 8 remain in the record (record offset 4)",
            out.toString());
        assertEquals(DecodeResult.MALFORMED, event.result());
    }

    @Test
    void everyMessageTemplateFillsAllItsPlaceholders()
    {
        for (final DecodeError error : DecodeError.values())
        {
            final String message = error.message(12, 34);
            assertFalse(message.contains("{") || message.contains("}"), error + ": " + message);
            assertEquals(error == DecodeError.NONE, error.result() == DecodeResult.OK, error.name());
        }
    }
}
