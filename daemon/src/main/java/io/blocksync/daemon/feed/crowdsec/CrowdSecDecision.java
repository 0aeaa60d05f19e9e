package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;

import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One decision of the LAPI's decision stream ({@code GET /v1/decisions/stream}: {@code {"new":[...],"deleted":[...]}},
 * each {@code {"id":1,"origin":"cscli","scenario":"crowdsecurity/ssh-bf","scope":"Ip","type":"ban",
 * "value":"192.0.2.7","duration":"3h59m58.8s"}}; CrowdSec's swagger, model "Decision"), and how it maps to a BlockSync
 * ban: scopes {@code Ip} and {@code Range}, type {@code ban}; the reason is the scenario, else the origin, cut to
 * {@link ReasonCode#MAX_LENGTH} characters ({@code cscli}'s own scenario, "manual 'ban' from 'machine'", is not a
 * valid reason, so such bans read {@code cscli}).
 *
 */
final class CrowdSecDecision
{
    /** The scenario prefix of the decisions this node pushes: the bouncer never takes them back (no echo). */
    static final String PUSHED_SCENARIO_PREFIX = "blocksync/";
    /** A reason when neither the scenario nor the origin is one. */
    static final String FALLBACK_REASON = "crowdsec";

    /** Where {@link Stream#parse(Reader, Sink)} hands each decision, as soon as its object is read. */
    interface Sink
    {
        /**
         * @param deleted true for an entry of {@code deleted}, false for one of {@code new}.
         * @throws IOException          to end the parse (the loop did not take a slice in time).
         * @throws InterruptedException when the thread is closed.
         */
        void decision(boolean deleted, CrowdSecDecision decision) throws IOException, InterruptedException;
    }

    /** The two lists of a stream reply, collected (tests); a list CrowdSec sends as null is empty. */
    record Stream(List<CrowdSecDecision> added, List<CrowdSecDecision> deleted)
    {
        /** @throws IllegalArgumentException when the reply is not the stream's JSON shape (one line, where). */
        static Stream parse(final String json)
        {
            final Stream stream = new Stream(new ArrayList<>(), new ArrayList<>());
            try
            {
                parse(new StringReader(json), (deleted, decision) -> (deleted ? stream.deleted() : stream.added()).add(decision));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            return stream;
        }

        /**
         * Read as it arrives, one decision's object at a time, each handed to the sink at once: the reply is never
         * held whole, neither as text nor as objects (names other than {@code new} and {@code deleted}, and a
         * decision's fields other than the seven it uses, are skipped unread; every string and number is at most
         * {@value LapiJson#MAX_TOKEN_CHARS} characters, {@link LapiJson#reader}).
         *
         * @throws IllegalArgumentException when the reply is malformed JSON or not the stream's shape (one line); the
         *                                  decisions before the fault have been handed to the sink.
         * @throws IOException              when the reader or the sink fails (the connection, or the body's bound).
         */
        static void parse(final Reader in, final Sink sink) throws IOException, InterruptedException
        {
            final JsonReader reader = LapiJson.reader(in);
            try
            {
                if (reader.peek() != JsonToken.BEGIN_OBJECT)
                {
                    throw new IllegalArgumentException("the decision stream is not a JSON object");
                }
                reader.beginObject();
                boolean sawNew = false;
                boolean sawDeleted = false;
                while (reader.hasNext())
                {
                    final String name = reader.nextName();
                    final boolean isNew = "new".equals(name);
                    if (isNew || "deleted".equals(name))
                    {
                        if (isNew ? sawNew : sawDeleted)
                        {
                            throw new IllegalArgumentException("bad JSON: the name '" + name + "' is given twice at " + reader.getPath());
                        }
                        sawNew |= isNew;
                        sawDeleted |= !isNew;
                        list(reader, !isNew, sink);
                    }
                    else
                    {
                        reader.skipValue();
                    }
                }
                reader.endObject();
                if (reader.peek() != JsonToken.END_DOCUMENT)
                {
                    throw new IllegalArgumentException("bad JSON: data after the value at " + reader.getPath());
                }
            }
            catch (final MalformedJsonException | EOFException | IllegalStateException | NumberFormatException ex)
            {
                throw LapiJson.refusal(ex);
            }
        }
    }

    private static void list(final JsonReader reader, final boolean deleted, final Sink sink) throws IOException, InterruptedException
    {
        if (reader.peek() == JsonToken.NULL)
        {
            reader.nextNull();
            return;
        }
        if (reader.peek() != JsonToken.BEGIN_ARRAY)
        {
            throw new IllegalArgumentException("the decision stream's lists are not arrays");
        }
        reader.beginArray();
        while (reader.hasNext())
        {
            final String path = reader.getPath();
            if (reader.peek() != JsonToken.BEGIN_OBJECT)
            {
                throw new IllegalArgumentException("the decision at " + path + " is not a JSON object");
            }
            final Map<String, Object> fields = fields(reader);
            final CrowdSecDecision decision;
            try
            {
                decision = new CrowdSecDecision(fields);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("the decision at " + path + ": " + ex.getMessage(), ex);
            }
            sink.decision(deleted, decision);
        }
        reader.endArray();
    }

    /** One decision's object: the fields it uses (an object or array there reads as {@link #NOT_TEXT}), others skipped. */
    private static Map<String, Object> fields(final JsonReader reader) throws IOException
    {
        final Map<String, Object> fields = new HashMap<>(16);
        reader.beginObject();
        while (reader.hasNext())
        {
            final String name = reader.nextName();
            if (!FIELDS.contains(name))
            {
                reader.skipValue();
                continue;
            }
            if (fields.containsKey(name))
            {
                throw new IllegalArgumentException("bad JSON: the name '" + name + "' is given twice at " + reader.getPath());
            }
            final Object value;
            switch (reader.peek())
            {
                case STRING -> value = reader.nextString();
                case NUMBER -> value = new LapiJson.Number(reader.nextString());
                case BOOLEAN -> value = reader.nextBoolean();
                case NULL ->
                {
                    reader.nextNull();
                    value = null;
                }
                default ->
                {
                    reader.skipValue();
                    value = NOT_TEXT;
                }
            }
            fields.put(name, value);
        }
        reader.endObject();
        return fields;
    }

    /** The fields of a decision BlockSync reads. */
    private static final Set<String> FIELDS = Set.of("id", "origin", "scenario", "scope", "type", "value", "duration");
    /** What a field that holds an object or an array reads as: no text, no id. */
    private static final Object NOT_TEXT = new Object()
    {
        @Override
        public String toString()
        {
            return "an object or array";
        }
    };

    private final long id;
    private final String origin;
    private final String scenario;
    private final String scope;
    private final String type;
    private final String value;
    private final long durationMillis;

    /**
     * @param fields one decision's JSON object; a missing or null text field reads "", a duration that is no Go
     *               duration as ended.
     * @throws IllegalArgumentException when the id is missing or no integer, or a text field is not a string.
     */
    CrowdSecDecision(final Map<?, ?> fields)
    {
        final Object number = fields.get("id");
        long millis;
        try
        {
            millis = GoDuration.parseMillis(text(fields, "duration"));
        }
        catch (final IllegalArgumentException ex)
        {
            millis = Long.MIN_VALUE;
        }
        if (number instanceof LapiJson.Number literal)
        {
            try
            {
                id = literal.longValue();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("its id " + ex.getMessage(), ex);
            }
        }
        else if (number instanceof Long || number instanceof Integer)
        {
            id = ((java.lang.Number)number).longValue();
        }
        else
        {
            throw new IllegalArgumentException("its id " + (null == number ? "is missing" : "'" + LogText.printable(number.toString()) +
                "' is not an integer"));
        }
        origin = text(fields, "origin");
        scenario = text(fields, "scenario");
        scope = text(fields, "scope");
        type = text(fields, "type");
        value = text(fields, "value");
        durationMillis = millis;
    }

    long id()
    {
        return id;
    }

    String value()
    {
        return value;
    }

    String scenario()
    {
        return scenario;
    }

    /** What is left of the decision, ms; negative for a deleted or expired one. */
    long durationMillis()
    {
        return durationMillis;
    }

    private static String text(final Map<?, ?> fields, final String key)
    {
        final Object value = fields.get(key);
        if (null != value && !(value instanceof String))
        {
            throw new IllegalArgumentException("its " + key + " is not a string");
        }
        return null == value ? "" : (String)value;
    }

    /** A decision this node pushed (its scenario says so): never taken back. */
    boolean isPushedByBlockSync()
    {
        return scenario.startsWith(PUSHED_SCENARIO_PREFIX);
    }

    /** @return null when BlockSync can enforce it, else why not (scope or type it does not handle). */
    String unsupported()
    {
        final String lowerScope = scope.toLowerCase(Locale.ROOT);
        if (!"ip".equals(lowerScope) && !"range".equals(lowerScope))
        {
            return "scope '" + LogText.printable(scope) + "' (only Ip and Range are firewall bans)";
        }
        if (!"ban".equalsIgnoreCase(type))
        {
            return "type '" + LogText.printable(type) + "' (only ban is a firewall ban)";
        }
        return null;
    }

    /**
     * The prefix, as the node takes addresses (its ipv4-prefix and ipv6-prefix apply to a lone address).
     *
     * @return null on success, else what is wrong with the value. Never resolves a name.
     */
    String prefix(final IpPrefix into, final int ipv4Length, final int ipv6Length)
    {
        return AddressText.parse(value, into, ipv4Length, ipv6Length);
    }

    /** The ban's reason: the scenario, else the origin, cut to the reason's length; {@value #FALLBACK_REASON} else. */
    ReasonCode reason()
    {
        for (final String candidate : new String[] { scenario, origin })
        {
            final String cut = candidate.length() > ReasonCode.MAX_LENGTH ? candidate.substring(0, ReasonCode.MAX_LENGTH) : candidate;
            if (null == ReasonCode.validate(cut))
            {
                return ReasonCode.of(cut);
            }
        }
        return ReasonCode.of(FALLBACK_REASON);
    }

    /**
     * @param maxSeconds the node's max-duration, 0 for no limit.
     * @return whole seconds, rounded up (a ban never ends before CrowdSec's), at least 1; 0 when the decision has
     * already ended or its duration could not be read.
     */
    long banSeconds(final long maxSeconds, final long recordMaxSeconds)
    {
        if (durationMillis <= 0)
        {
            return 0;
        }
        // Divided before rounding up, so that a duration near Long.MAX_VALUE (saturated when read) cannot overflow.
        final long seconds = Math.max(1, durationMillis / 1000 + (durationMillis % 1000 == 0 ? 0 : 1));
        final long limit = 0 == maxSeconds ? recordMaxSeconds : Math.min(maxSeconds, recordMaxSeconds);
        return Math.min(seconds, limit);
    }
}
