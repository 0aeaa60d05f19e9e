package io.blocksync.codec;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A ban reason as operators name it: a fail2ban jail ({@code sshd}, {@code nginx-http-auth}), an sshguard or
 * blacklistd rule, a CrowdSec scenario ({@code crowdsecurity/ssh-bf}), a named list ({@code spamhaus-drop}).
 * 1 to {@value #MAX_LENGTH} ASCII characters: the first a letter or digit ({@code [A-Za-z0-9]}), the rest letters,
 * digits, {@code _ . - /}. Text travels on the wire rather than a number so that loosely coupled peers need no
 * shared table; the record's reason field holds it zero-padded to {@value #MAX_LENGTH} bytes, read here as
 * {@value #WORDS} little-endian 64-bit words (byte {@code i} in bits {@code 8 * (i % 8)} of word {@code i / 8}).
 * <p>
 * <b>Identity.</b> Inside a process a reason is named by one long, its {@link #id()}: for a text of at most 8
 * characters its first word itself (the text packed, so the top bit is clear and the id is its own text), else a
 * 64-bit hash of the five words with the top bit set. Firewall tables and maps key on the id; the text is read back
 * with {@link #nameOf(long)} ({@link ReasonNames} keeps the longer ones). Ids are never stored or sent: the store and
 * the wire keep the text.
 */
public final class ReasonCode
{
    public static final int MAX_LENGTH = BanRecordFlyweight.REASON_LENGTH;
    /** 64-bit words of the text field. */
    public static final int WORDS = MAX_LENGTH / Long.BYTES;
    /** The characters a reason may hold after its first, in the words of {@link #validate(String)}'s messages. */
    public static final String CHARACTERS = "A-Z, a-z, 0-9, '_', '.', '-' and '/'";

    private static final long HASHED = 1L << 63;

    private final String text;
    private final long[] words;
    private final long id;

    private ReasonCode(final String text, final long[] words)
    {
        this.text = text;
        this.words = words;
        this.id = id(words[0], words[1], words[2], words[3], words[4]);
    }

    /**
     * @throws IllegalArgumentException naming the text and the rule it breaks.
     */
    public static ReasonCode of(final String text)
    {
        final String error = validate(text);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }

        final long[] words = new long[WORDS];
        for (int i = 0; i < text.length(); i++)
        {
            words[i >> 3] |= ((long)text.charAt(i)) << (8 * (i & 7));
        }
        return ReasonNames.register(new ReasonCode(text, words));
    }

    /** A reason from its words as the wire and the store hold them; call only with well-formed words. */
    static ReasonCode fromWords(final long[] words)
    {
        final StringBuilder text = new StringBuilder(MAX_LENGTH);
        appendText(words, text);
        return new ReasonCode(text.toString(), words.clone());
    }

    /**
     * @return null when the text is a valid reason, otherwise what is wrong with it.
     */
    public static String validate(final String text)
    {
        if (null == text || text.isEmpty())
        {
            return "reason must not be empty";
        }
        if (text.length() > MAX_LENGTH)
        {
            return "reason '" + printable(text) + "' is longer than " + MAX_LENGTH + " characters";
        }
        if (!isFirstChar(text.charAt(0)))
        {
            return "reason '" + printable(text) + "' must start with a letter or digit";
        }
        for (int i = 1; i < text.length(); i++)
        {
            if (!isReasonChar(text.charAt(i)))
            {
                return "reason '" + printable(text) + "' may only contain " + CHARACTERS;
            }
        }
        return null;
    }

    /** Same rules as {@link #validate(String)}, applied to a record's zero-padded reason field, without allocating. */
    public static boolean isWellFormed(final DirectBuffer buffer, final int offset)
    {
        if (!isFirstChar(buffer.getByte(offset) & 0xFF))
        {
            return false;
        }
        boolean ended = false;
        for (int i = 1; i < MAX_LENGTH; i++)
        {
            final int c = buffer.getByte(offset + i) & 0xFF;
            if (c == 0)
            {
                ended = true;
            }
            else if (ended || !isReasonChar(c))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether an id can name a reason: a long reason's hash (top bit set), or a short reason's packed text that follows
     * {@link #validate(String)}'s rules. Allocation-free.
     */
    public static boolean isWellFormed(final long id)
    {
        if (id < 0)
        {
            return true;
        }
        if (!isFirstChar((int)(id & 0xFF)))
        {
            return false;
        }
        boolean ended = false;
        for (int i = 1; i < Long.BYTES; i++)
        {
            final int c = (int)((id >>> (8 * i)) & 0xFF);
            if (c == 0)
            {
                ended = true;
            }
            else if (ended || !isReasonChar(c))
            {
                return false;
            }
        }
        return true;
    }

    /** Word {@code index} of a reason field at {@code offset}. */
    static long word(final DirectBuffer buffer, final int offset, final int index)
    {
        return buffer.getLong(offset + index * Long.BYTES, LITTLE_ENDIAN);
    }

    /**
     * The id of a text held as five words (see the class comment): the first word when the rest are zero, else a
     * hash (murmur3's 64-bit finaliser over a running mix) with the top bit set. Never 0 for a valid text.
     */
    public static long id(final long w0, final long w1, final long w2, final long w3, final long w4)
    {
        if ((w1 | w2 | w3 | w4) == 0 && w0 >= 0)
        {
            return w0;
        }
        long h = 0x9E3779B97F4A7C15L;
        h = mix(h ^ w0);
        h = mix(h ^ w1);
        h = mix(h ^ w2);
        h = mix(h ^ w3);
        h = mix(h ^ w4);
        return h | HASHED;
    }

    /**
     * The text of an id: a short reason's own text, a longer one's from {@link ReasonNames}, "" for 0, and
     * {@code #} and the id in hex for a long reason this process has not met (never the case for one read from the
     * wire or the store while {@link ReasonNames} has room).
     */
    public static String nameOf(final long id)
    {
        if (0 == id)
        {
            return "";
        }
        if (id > 0)
        {
            final StringBuilder text = new StringBuilder(Long.BYTES);
            appendWord(id, text);
            return text.toString();
        }
        final ReasonCode known = ReasonNames.find(id);
        return null == known ? "#" + Long.toHexString(id) : known.text;
    }

    /** The reason with this id, or null when it is a long reason this process has not met. */
    public static ReasonCode byId(final long id)
    {
        if (id > 0)
        {
            final long[] words = new long[WORDS];
            words[0] = id;
            return fromWords(words);
        }
        return ReasonNames.find(id);
    }

    /** Append the text held in words (up to the first zero byte). */
    static void appendText(final long[] words, final StringBuilder out)
    {
        for (final long word : words)
        {
            if (!appendWord(word, out))
            {
                return;
            }
        }
    }

    /** @return false when the word ended the text (held a zero byte). */
    private static boolean appendWord(final long word, final StringBuilder out)
    {
        for (int i = 0; i < Long.BYTES; i++)
        {
            final int c = (int)((word >>> (8 * i)) & 0xFF);
            if (c == 0)
            {
                return false;
            }
            out.append((char)c);
        }
        return true;
    }

    public String text()
    {
        return text;
    }

    /** The reason's identity inside this process, see the class comment. */
    public long id()
    {
        return id;
    }

    /** Word {@code index} (0 to 4) of the zero-padded text. */
    public long word(final int index)
    {
        return words[index];
    }

    public boolean equals(final Object other)
    {
        return other instanceof ReasonCode && ((ReasonCode)other).text.equals(text);
    }

    public int hashCode()
    {
        return Long.hashCode(id);
    }

    public String toString()
    {
        return text;
    }

    private static long mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    private static boolean isFirstChar(final int c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isReasonChar(final int c)
    {
        return isFirstChar(c) || c == '_' || c == '.' || c == '-' || c == '/';
    }

    private static String printable(final String text)
    {
        final String cut = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        final StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++)
        {
            final char c = cut.charAt(i);
            out.append(c < 0x20 || c > 0x7E ? '?' : c);
        }
        return out.toString();
    }
}
