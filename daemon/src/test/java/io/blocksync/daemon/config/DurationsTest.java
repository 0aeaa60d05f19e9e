package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest
{
    private static String secondsError(final String text)
    {
        return assertThrows(IllegalArgumentException.class, () -> Durations.parseSeconds(text)).getMessage();
    }

    private static String millisError(final String text)
    {
        return assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis(text)).getMessage();
    }

    @Test
    void shouldParseEachUnitInSeconds()
    {
        assertEquals(30, Durations.parseSeconds("30s"));
        assertEquals(15 * 60, Durations.parseSeconds("15m"));
        assertEquals(3600, Durations.parseSeconds("1h"));
        assertEquals(7 * 86_400, Durations.parseSeconds("7d"));
        assertEquals(14 * 86_400, Durations.parseSeconds("2w"));
    }

    @Test
    void shouldParseCombinationsAndPlainSeconds()
    {
        assertEquals(5400, Durations.parseSeconds("1h30m"));
        assertEquals(86_400 + 2 * 3600 + 3 * 60 + 4, Durations.parseSeconds("1d2h3m4s"));
        assertEquals(8 * 86_400, Durations.parseSeconds("1w1d"));
        assertEquals(90, Durations.parseSeconds("90"));
        assertEquals(0, Durations.parseSeconds("0"));
        assertEquals(120, Durations.parseSeconds("120s"));
    }

    @Test
    void shouldParseMillis()
    {
        assertEquals(200, Durations.parseMillis("200ms"));
        assertEquals(1500, Durations.parseMillis("1s500ms"));
        assertEquals(5000, Durations.parseMillis("5s"));
        assertEquals(90_000, Durations.parseMillis("1m30s"));
        assertEquals(2000, Durations.parseMillis("2"), "a plain number is seconds here too");
    }

    @Test
    void shouldGiveTheDocumentedMessage()
    {
        assertEquals("'1x': expected a duration such as 30s, 15m, 1h, 7d", secondsError("1x"));
        assertEquals("'1x': expected a duration such as 200ms, 30s, 15m, 1h", millisError("1x"));
    }

    @Test
    void shouldRefuseMalformedText()
    {
        final String[] malformed = {
            "", "h", "1.5h", "-5s", "+5s", "1H", "1 h", "1h ", "1h30", "ms", "permanent", "5y", "1hh" };
        for (final String text : malformed)
        {
            assertEquals("'" + text + "': expected a duration such as 30s, 15m, 1h, 7d", secondsError(text), text);
        }
    }

    @Test
    void shouldRefuseUnitsOutOfOrderOrRepeated()
    {
        assertEquals("'30m1h': units must go from largest to smallest, each at most once, e.g. 1h30m",
            secondsError("30m1h"));
        assertEquals("'1h1h': units must go from largest to smallest, each at most once, e.g. 1h30m",
            secondsError("1h1h"));
        assertEquals("'500ms1s': units must go from largest to smallest, each at most once, e.g. 1h30m",
            millisError("500ms1s"));
    }

    @Test
    void shouldRefuseMillisecondsWhereSecondsAreExpected()
    {
        assertEquals("'500ms': milliseconds are not accepted here; expected whole seconds such as 30s, 15m, 1h, 7d",
            secondsError("500ms"));
    }

    @Test
    void shouldRefuseOverflow()
    {
        assertEquals("'99999999999999999999': duration is too large", secondsError("99999999999999999999"));
        assertEquals("'9223372036854775807': duration is too large", millisError("9223372036854775807"));
        assertEquals("'99999999999999w': duration is too large", secondsError("99999999999999w"));
        assertEquals(Long.MAX_VALUE, Durations.parseSeconds("9223372036854775807"));
    }

    private static String banError(final String text, final long maxSeconds)
    {
        return assertThrows(IllegalArgumentException.class, () -> Durations.parseBanSeconds(text, maxSeconds)).getMessage();
    }

    @Test
    void shouldParseBanDurations()
    {
        assertEquals(Durations.PERMANENT, Durations.parseBanSeconds("permanent"));
        assertEquals(3600, Durations.parseBanSeconds("1h"));
        assertEquals(90, Durations.parseBanSeconds("90"));
        assertEquals(4_294_967_295L, Durations.parseBanSeconds("4294967295"));
        assertEquals(30 * 86_400, Durations.parseBanSeconds("30d", 30 * 86_400));
        assertEquals(14 * 86_400, Durations.parseBanSeconds("2w", Durations.PERMANENT));
    }

    @Test
    void shouldRefuseZeroNegativeAndMalformedBanDurationsNamingTheValueAndTheAcceptedForms()
    {
        final String forms = "; accepted: permanent, 30s, 15m, 1h, 30d, 2w, 1h30m";
        assertEquals("'0': a ban must last at least 1s" + forms, banError("0", Durations.PERMANENT));
        assertEquals("'0s': a ban must last at least 1s" + forms, banError("0s", Durations.PERMANENT));
        assertEquals("'0h0m': a ban must last at least 1s" + forms, banError("0h0m", Durations.PERMANENT));
        assertEquals("'-5s': a ban cannot last a negative time" + forms, banError("-5s", Durations.PERMANENT));
        assertEquals("'-2': a ban cannot last a negative time" + forms, banError("-2", Durations.PERMANENT));
        assertEquals(Durations.PERMANENT, Durations.parseBanSeconds("-1"), "fail2ban's bantime = -1 is permanent");
        assertEquals("'1x': not a ban duration" + forms, banError("1x", Durations.PERMANENT));
        assertEquals("'': not a ban duration" + forms, banError("", Durations.PERMANENT));
        assertEquals("'Permanent': not a ban duration" + forms, banError("Permanent", Durations.PERMANENT));
        assertEquals("'500ms': a ban lasts whole seconds, not milliseconds" + forms, banError("500ms", Durations.PERMANENT));
        assertEquals("'30m1h': units must go from largest to smallest, each at most once, e.g. 1h30m" + forms,
            banError("30m1h", Durations.PERMANENT));
    }

    @Test
    void shouldRefuseBanDurationsBeyondTheRecordOrOverflowingTheArithmetic()
    {
        final String tooLong = ": longer than the 49710d6h28m15s (about 136 years) a ban record can hold; " +
            "accepted: permanent, 30s, 15m, 1h, 30d, 2w, 1h30m";
        assertEquals("'200000w'" + tooLong, banError("200000w", Durations.PERMANENT));
        assertEquals("'4294967296'" + tooLong, banError("4294967296", Durations.PERMANENT));
        assertEquals("'99999999999999999999'" + tooLong, banError("99999999999999999999", Durations.PERMANENT));
        assertEquals("'15250284452471w'" + tooLong, banError("15250284452471w", Durations.PERMANENT),
            "overflows a long when multiplied out");
        assertEquals("'1w9223372036854775807s'" + tooLong, banError("1w9223372036854775807s", Durations.PERMANENT),
            "overflows when added up");
    }

    @Test
    void shouldRefuseBanDurationsBeyondMaxDurationAndPermanentWhenTheMaximumIsNot()
    {
        final long max = 30 * 86_400;
        final String forms = "; accepted: 1s to 30d (max-duration), e.g. 30s, 15m, 1h, 1h30m";
        assertEquals("'31d': longer than max-duration (30d)" + forms, banError("31d", max));
        assertEquals("'200000w': longer than the 49710d6h28m15s (about 136 years) a ban record can hold" + forms,
            banError("200000w", max));
        assertEquals("'permanent': bans without end are off here (max-duration is 30d)" + forms,
            banError("permanent", max));
        assertEquals("'0': a ban must last at least 1s" + forms, banError("0", max));
    }

    @Test
    void shouldFormatCompactly()
    {
        assertEquals("1h30m", Durations.formatSeconds(5400));
        assertEquals("2d", Durations.formatSeconds(172_800));
        assertEquals("45s", Durations.formatSeconds(45));
        assertEquals("0s", Durations.formatSeconds(0));
        assertEquals("30d", Durations.formatSeconds(30 * 86_400));
        assertEquals("1d1h1m1s", Durations.formatSeconds(90_061));
        assertEquals("permanent", Durations.formatBanSeconds(Durations.PERMANENT));
        assertEquals("1h", Durations.formatBanSeconds(3600));
        assertEquals("200ms", Durations.formatMillis(200));
        assertEquals("1s500ms", Durations.formatMillis(1500));
        assertEquals("5s", Durations.formatMillis(5000));
        assertEquals("0ms", Durations.formatMillis(0));
        assertThrows(IllegalArgumentException.class, () -> Durations.formatSeconds(-1));
    }

    @Test
    void shouldReadBackWhatItFormats()
    {
        final long[] seconds = { 1, 59, 60, 61, 3599, 3600, 5400, 86_399, 86_400, 604_800, 4_294_967_295L,
            Long.MAX_VALUE };
        for (final long value : seconds)
        {
            assertEquals(value, Durations.parseSeconds(Durations.formatSeconds(value)));
        }

        final long[] millis = { 1, 999, 1000, 1001, 60_000, 3_600_001, 86_400_000 };
        for (final long value : millis)
        {
            assertEquals(value, Durations.parseMillis(Durations.formatMillis(value)));
        }
    }
}
