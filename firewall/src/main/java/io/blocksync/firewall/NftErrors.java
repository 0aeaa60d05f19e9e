package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;

/**
 * Turns nft's multi-line error report into the one line the batcher reports.
 */
final class NftErrors
{
    private NftErrors()
    {
    }

    /**
     * One line from nft's error report, e.g. {@code nft: Error: interval overlaps with an existing one
     * (stdin line 3 at '192.0.2.5')}: the message, where, and the text nft underlined.
     */
    static String describe(final Tool nft, final CommandResult result)
    {
        final String[] lines = result.error().split("\n");
        for (int i = 0; i < lines.length; i++)
        {
            final int at = lines[i].indexOf("Error:");
            if (at < 0)
            {
                continue;
            }

            final StringBuilder message = new StringBuilder(nft.program()).append(": ")
                .append(lines[i].substring(at).trim());
            final String[] location = lines[i].substring(0, at).split(":");
            final String marked = i + 2 < lines.length ? underlined(lines[i + 1], lines[i + 2]) : "";
            if (location.length >= 2 || !marked.isEmpty())
            {
                message.append(" (");
                if (location.length >= 2)
                {
                    message.append("stdin line ").append(location[1].trim());
                }
                if (!marked.isEmpty())
                {
                    message.append(location.length >= 2 ? " at '" : "at '").append(marked).append('\'');
                }
                message.append(')');
            }

            return Tool.clip(message.toString()) + nft.hint(lines[i]);
        }

        return nft.failure(result);
    }

    private static String underlined(final String text, final String marks)
    {
        final int start = marks.indexOf('^');
        if (start < 0 || start >= text.length())
        {
            return "";
        }
        int end = marks.lastIndexOf('^') + 1;
        end = Math.min(end, text.length());

        return Tool.clip(text.substring(start, end));
    }
}
