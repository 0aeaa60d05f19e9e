package io.blocksync.daemon.config;

/**
 * Quotes operator input for messages. Control characters are escaped and long text is cut so that a hostile or
 * broken file cannot forge log lines or flood them.
 */
final class Quoted
{
    private static final int MAX_SHOWN = 80;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private Quoted()
    {
    }

    static String quote(final String text)
    {
        final int shownEnd = Math.min(text.length(), MAX_SHOWN);
        final StringBuilder out = new StringBuilder(shownEnd + 8).append('\'');
        for (int i = 0; i < shownEnd; i++)
        {
            final char c = text.charAt(i);
            if (Character.isISOControl(c))
            {
                out.append("\\u");
                for (int shift = 12; shift >= 0; shift -= 4)
                {
                    out.append(HEX_DIGITS[(c >>> shift) & 0xF]);
                }
            }
            else
            {
                out.append(c);
            }
        }

        if (text.length() > shownEnd)
        {
            out.append("...");
        }

        return out.append('\'').toString();
    }
}
