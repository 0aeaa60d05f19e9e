package io.blocksync.daemon.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The syntax of a configuration file: {@code [section]} headers, {@code key = value} lines and {@code #} comments.
 * It knows nothing of which sections or keys exist; {@link ConfigBinder} does. Syntax errors go to the
 * diagnostics and the line is skipped, so one pass reports every problem.
 */
final class ConfigFile
{
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final List<ConfigSection> sections = new ArrayList<>();
    private final Diagnostics diagnostics;
    private ConfigSection current;
    // After a broken header the keys below it belong nowhere; report the header only, not every key.
    private boolean inBrokenSection;

    private ConfigFile(final Diagnostics diagnostics)
    {
        this.diagnostics = diagnostics;
    }

    static ConfigFile parse(final String text, final Diagnostics diagnostics)
    {
        final ConfigFile file = new ConfigFile(diagnostics);
        int lineStart = !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? 1 : 0;
        int lineNumber = 1;
        while (lineStart <= text.length())
        {
            final int newline = text.indexOf('\n', lineStart);
            final int lineEnd = newline < 0 ? text.length() : newline;
            final int contentEnd = lineEnd > lineStart && text.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            file.parseLine(text.substring(lineStart, contentEnd), lineNumber);
            lineStart = lineEnd + 1;
            lineNumber++;
        }

        return file;
    }

    List<ConfigSection> sections()
    {
        return sections;
    }

    private void parseLine(final String line, final int lineNumber)
    {
        final int start = skipBlanks(line, 0);
        if (start == line.length() || line.charAt(start) == '#')
        {
            return;
        }

        for (int i = start; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (c != '\t' && Character.isISOControl(c))
            {
                diagnostics.error(lineNumber, i + 1, String.format("control character U+%04X is not allowed", (int)c));
                return;
            }
        }

        if (line.charAt(start) == '[')
        {
            parseHeader(line, lineNumber, start);
        }
        else
        {
            parseEntry(line, lineNumber, start);
        }
    }

    private void parseHeader(final String line, final int lineNumber, final int open)
    {
        current = null;
        inBrokenSection = true;
        final int close = line.indexOf(']', open);
        if (close < 0)
        {
            diagnostics.error(lineNumber, open + 1, "section header is missing its closing ']'");
            return;
        }

        final int after = skipBlanks(line, close + 1);
        if (after < line.length() && line.charAt(after) != '#')
        {
            diagnostics.error(lineNumber, after + 1, "unexpected text after ']'");
        }

        final int nameStart = skipBlanks(line, open + 1);
        final int nameEnd = skipToBlank(line, nameStart, close);
        if (nameStart == nameEnd)
        {
            diagnostics.error(lineNumber, open + 1, "empty section name; expected e.g. [node] or [peer 2]");
            return;
        }

        final int argumentStart = skipBlanks(line, nameEnd);
        final int argumentEnd = skipToBlank(line, argumentStart, close);
        final int extra = skipBlanks(line, argumentEnd);
        if (extra < close)
        {
            diagnostics.error(lineNumber, extra + 1, "unexpected " + Quoted.quote(line.substring(extra, close)) +
                " in section header; expected [name] or [peer ID]");
            return;
        }

        current = new ConfigSection(
            line.substring(nameStart, nameEnd),
            argumentStart < argumentEnd ? line.substring(argumentStart, argumentEnd) : null,
            lineNumber,
            nameStart + 1,
            argumentStart + 1);
        sections.add(current);
        inBrokenSection = false;
    }

    private void parseEntry(final String line, final int lineNumber, final int start)
    {
        final int equals = line.indexOf('=', start);
        if (equals < 0)
        {
            diagnostics.error(lineNumber, start + 1, "expected 'key = value', a [section] header or a # comment");
            return;
        }

        final String key = line.substring(start, trimEnd(line, start, equals));
        if (key.isEmpty())
        {
            diagnostics.error(lineNumber, start + 1, "missing key name before '='");
            return;
        }

        if (!isKeyName(key))
        {
            diagnostics.error(lineNumber, start + 1, Quoted.quote(key) +
                " is not a key name; keys are lowercase letters, digits and '-'");
            return;
        }

        final int valueStart = skipBlanks(line, equals + 1);
        final int valueEnd = trimEnd(line, valueStart, commentStart(line, valueStart));
        if (valueStart == valueEnd)
        {
            diagnostics.error(lineNumber, valueStart + 1, "missing value for '" + key + "'");
            return;
        }

        if (null == current)
        {
            if (!inBrokenSection)
            {
                diagnostics.error(lineNumber, start + 1, "'" + key +
                    "' is outside any section; put it under a header such as [node]");
            }
            return;
        }

        current.add(new ConfigEntry(key, line.substring(valueStart, valueEnd), lineNumber, start + 1, valueStart + 1));
    }

    /**
     * A '#' starts a comment at the start of the value or after a blank, so a path such as {@code /srv/a#b} keeps
     * its '#'.
     */
    private static int commentStart(final String line, final int valueStart)
    {
        for (int i = valueStart; i < line.length(); i++)
        {
            if (line.charAt(i) == '#' && (i == valueStart || isBlank(line.charAt(i - 1))))
            {
                return i;
            }
        }

        return line.length();
    }

    private static boolean isKeyName(final String key)
    {
        // Upper case passes here so that the binder can answer "did you mean" instead of a syntax error.
        for (int i = 0; i < key.length(); i++)
        {
            final char c = key.charAt(i);
            final boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.';
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }

    private static int skipBlanks(final String line, final int from)
    {
        int i = from;
        while (i < line.length() && isBlank(line.charAt(i)))
        {
            i++;
        }

        return i;
    }

    private static int skipToBlank(final String line, final int from, final int end)
    {
        int i = from;
        while (i < end && !isBlank(line.charAt(i)))
        {
            i++;
        }

        return i;
    }

    private static int trimEnd(final String line, final int start, final int end)
    {
        int i = end;
        while (i > start && isBlank(line.charAt(i - 1)))
        {
            i--;
        }

        return i;
    }

    private static boolean isBlank(final char c)
    {
        return c == ' ' || c == '\t';
    }
}
