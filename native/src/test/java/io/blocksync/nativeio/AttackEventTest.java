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
        final AttackEvent event = new AttackEvent().ifname("em0").prefix("ssh\\scan");

        assertTrue(event.ifnameEquals("em0"));
        assertFalse(event.ifnameEquals("em01"));
        assertFalse(event.ifnameEquals("em"));
        assertTrue(event.prefixStartsWith("ssh"));
        assertFalse(event.prefixStartsWith("ssh\\scan!"));
        final StringBuilder out = new StringBuilder();
        event.appendPrefix(out);
        assertEquals("ssh\\x5cscan", out.toString(), "a backslash is escaped so escapes cannot be forged");
    }

    @Test
    void resetClearsEveryFieldToAbsent()
    {
        final AttackEvent event = new AttackEvent().ifname("em0").prefix("p").action(1).ruleNumber(5).group(3)
            .protocol(6).sourcePort(1).destinationPort(2).ipVersion(4)
            .error(DecodeError.NOT_IP, 3, 5, 0);

        event.reset();

        assertEquals("unknown", event.toString());
        assertEquals(DecodeResult.OK, event.result());
        assertEquals(AttackEvent.NONE, event.group());
        assertFalse(event.hasAddresses());
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
