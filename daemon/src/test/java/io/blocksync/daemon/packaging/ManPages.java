package io.blocksync.daemon.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the entries of the mdoc man pages in dist/man: which commands and flags blocksync(8) lists, which keys each
 * section of blocksync.conf(5) lists. Only the list-item lines ({@code .It}) count, so prose may mention anything.
 */
final class ManPages
{
    static final Path DIRECTORY = Path.of("../dist/man");
    static final Path BLOCKSYNC_8 = DIRECTORY.resolve("blocksync.8");
    static final Path BLOCKSYNC_CONF_5 = DIRECTORY.resolve("blocksync.conf.5");

    private ManPages()
    {
    }

    /**
     * @return the flags (as typed: "-c", "--config") on the {@code .It} lines of section {@code sectionName}, outside
     * any {@code .It Cm} item.
     */
    static Set<String> sectionFlags(final Path page, final String sectionName) throws IOException
    {
        final Set<String> flags = new TreeSet<>();
        for (final String line : section(page, sectionName))
        {
            if (line.startsWith(".It "))
            {
                flags.addAll(flags(line));
            }
        }
        return flags;
    }

    /**
     * @return per command of the COMMANDS section ({@code .It Cm NAME ...}), the flags on its {@code .It} lines: the
     * command's own line and the items of its option list.
     */
    static Map<String, Set<String>> commandFlags(final Path page) throws IOException
    {
        final Map<String, Set<String>> commands = new LinkedHashMap<>();
        Set<String> current = null;
        for (final String line : section(page, "COMMANDS"))
        {
            if (line.startsWith(".It Cm "))
            {
                current = new TreeSet<>();
                commands.put(line.split(" +")[2], current);
            }
            if (line.startsWith(".It ") && null != current)
            {
                current.addAll(flags(line));
            }
        }
        return commands;
    }

    /**
     * @return the keys ({@code .It Ic KEY}, each {@code Ic} of the line) of every subsection ({@code .Ss}) whose title names the configuration
     * section {@code [name]}.
     */
    static Set<String> configKeys(final String name) throws IOException
    {
        final Set<String> keys = new TreeSet<>();
        boolean inSection = false;
        for (final String line : Files.readAllLines(BLOCKSYNC_CONF_5))
        {
            if (line.startsWith(".Ss ") || line.startsWith(".Sh "))
            {
                inSection = line.startsWith(".Ss ") && line.contains("[" + name);
            }
            else if (inSection && line.startsWith(".It Ic "))
            {
                // Every Ic of the line: ".It Ic set4 Ar name , Ic set6 Ar name" lists two keys.
                final String[] words = line.split(" +");
                for (int i = 1; i + 1 < words.length; i++)
                {
                    if ("Ic".equals(words[i]))
                    {
                        keys.add(words[i + 1]);
                    }
                }
            }
        }
        return keys;
    }

    /** One flag as a synopsis or an option item writes it: {@code --interval} with argument {@code duration}, optional. */
    record Flag(String name, String argument, boolean optional)
    {
    }

    /**
     * @return per command named on a {@code .Cm} line of the SYNOPSIS ({@code .Cm bans | peers}: each), the flags of
     * its synopsis entry (from one {@code .Nm} line to the next) with their argument and whether they are optional
     * (inside {@code Op} on their line, or between {@code Oo} and {@code Oc}).
     */
    static Map<String, List<Flag>> synopsis(final Path page) throws IOException
    {
        final Map<String, List<Flag>> commands = new LinkedHashMap<>();
        List<Flag> entry = null;
        List<String> names = List.of();
        int openOptional = 0;
        for (final String line : section(page, "SYNOPSIS"))
        {
            if (line.startsWith(".Nm"))
            {
                if (null != entry && names.isEmpty())
                {
                    commands.put("", entry);
                }
                entry = new java.util.ArrayList<>();
                names = List.of();
                openOptional = 0;
                continue;
            }
            if (null == entry)
            {
                continue;
            }
            final String[] words = line.split(" +");
            if (".Cm".equals(words[0]))
            {
                names = new java.util.ArrayList<>();
                for (int i = 1; i < words.length; i++)
                {
                    if (!"|".equals(words[i]))
                    {
                        names.add(words[i]);
                        commands.put(words[i], entry);
                    }
                }
                continue;
            }
            boolean optionalOnLine = false;
            for (int i = 0; i < words.length; i++)
            {
                final String word = words[i].startsWith(".") ? words[i].substring(1) : words[i];
                optionalOnLine |= "Op".equals(word);
                openOptional += "Oo".equals(word) ? 1 : "Oc".equals(word) ? -1 : 0;
                if ("Fl".equals(word) && i + 1 < words.length)
                {
                    final String argument = i + 3 < words.length && "Ar".equals(words[i + 2]) ? words[i + 3] : null;
                    for (final String name : flagNames(words[i + 1]))
                    {
                        entry.add(new Flag(name, argument, optionalOnLine || openOptional > 0));
                    }
                }
            }
        }
        if (null != entry && names.isEmpty())
        {
            commands.put("", entry);
        }
        return commands;
    }

    /**
     * @return per command of COMMANDS, per flag of its option list ({@code .It Fl -duration Ar duration}): the flag
     * with its argument, and the item's text (to its next {@code .It} or {@code .El}) without mdoc macros.
     */
    static Map<String, Map<String, Map.Entry<Flag, String>>> optionItems(final Path page) throws IOException
    {
        final Map<String, Map<String, Map.Entry<Flag, String>>> commands = new LinkedHashMap<>();
        Map<String, Map.Entry<Flag, String>> current = null;
        List<Flag> item = List.of();
        StringBuilder text = new StringBuilder();
        for (final String line : section(page, "COMMANDS"))
        {
            if (line.startsWith(".It ") || line.startsWith(".El"))
            {
                for (final Flag flag : item)
                {
                    current.put(flag.name(), Map.entry(flag, text.toString()));
                }
                item = List.of();
                text = new StringBuilder();
            }
            if (line.startsWith(".It Cm "))
            {
                current = new LinkedHashMap<>();
                commands.put(line.split(" +")[2], current);
            }
            else if (line.startsWith(".It Fl ") && null != current)
            {
                final String[] words = line.split(" +");
                item = new java.util.ArrayList<>();
                for (int i = 0; i + 1 < words.length; i++)
                {
                    if ("Fl".equals(words[i]))
                    {
                        final String argument = i + 3 < words.length && "Ar".equals(words[i + 2]) ? words[i + 3] : null;
                        for (final String name : flagNames(words[i + 1]))
                        {
                            item.add(new Flag(name, argument, false));
                        }
                    }
                }
            }
            else if (!item.isEmpty())
            {
                text.append(' ').append(line.replaceAll("^\\.[A-Z][a-z][a-z]? ?", "")
                    .replaceAll("(^| )(Pq|Ar|Ic|Fl|Cm|No|Ns|Ql|Sq|Pa|Ev|Dv|Sy|Op|Oo|Oc|Xr|Pf|Ql)(?= |$)", " "));
            }
        }
        return commands;
    }

    private static List<String> flagNames(final String word)
    {
        if (word.startsWith("-"))
        {
            return List.of("-" + word);
        }
        if (word.matches("[A-Za-z]+"))
        {
            return word.chars().mapToObj(letter -> "-" + (char)letter).toList();
        }
        return List.of();
    }

    private static List<String> section(final Path page, final String name) throws IOException
    {
        final List<String> lines = Files.readAllLines(page);
        final int start = lines.indexOf(".Sh " + name);
        if (start < 0)
        {
            throw new AssertionError(page + " has no section " + name);
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith(".Sh "))
        {
            end++;
        }
        return lines.subList(start + 1, end);
    }

    /**
     * {@code Fl c} is "-c", {@code Fl -config} "--config", {@code Fl hV} "-h" and "-V" (mdoc's combined form).
     */
    private static Set<String> flags(final String line)
    {
        final Set<String> flags = new TreeSet<>();
        final String[] words = line.split(" +");
        for (int i = 0; i + 1 < words.length; i++)
        {
            if ("Fl".equals(words[i]))
            {
                final String name = words[i + 1];
                if (name.startsWith("-"))
                {
                    flags.add("-" + name);
                }
                else if (name.matches("[A-Za-z]+"))
                {
                    name.chars().forEach(letter -> flags.add("-" + (char)letter));
                }
            }
        }
        return flags;
    }
}
