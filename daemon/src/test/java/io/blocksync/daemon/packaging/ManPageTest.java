package io.blocksync.daemon.packaging;

import io.blocksync.daemon.cli.CommandLines;
import io.blocksync.daemon.config.ConfigException;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.FileModes;
import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The man pages in dist/man (shipped in the .deb and the BSD tarball) lint clean with mandoc and list what the code
 * accepts: blocksync(8) every command and option of {@code blocksync help} (picocli's CommandSpec), blocksync.conf(5)
 * every key each configuration section accepts (as the reader's own "accepted keys" error lists them).
 */
class ManPageTest
{
    private static final String NODE = "[node]\nid = 1\nlisten = 127.0.0.1:7701\nstate-dir = state\n" +
        "key = base64:On4vGS0+Hlv1cEpBPtljE3HMv2QVAMbw7f1WaxqpADc=\n";
    private static final String UNKNOWN = "zz-not-a-key";

    /** A configuration section as the man page names it, and the text that opens it with what it needs. */
    private record Section(String name, String text)
    {
    }

    private static final List<Section> SECTIONS = List.of(
        new Section("node", ""),
        new Section("bans", "[bans]\n"),
        new Section("firewall", "[firewall]\nbackend = log\n"),
        new Section("firewall", "[firewall]\nbackend = nftables\n"),
        new Section("firewall", "[firewall]\nbackend = nftables\nmode = existing\nset4 = s\n"),
        new Section("firewall", "[firewall]\nbackend = ipset\n"),
        new Section("firewall", "[firewall]\nbackend = ipset\nmode = existing\nset4 = s\n"),
        new Section("firewall", "[firewall]\nbackend = pf\n"),
        new Section("firewall", "[firewall]\nbackend = control\nscript = /bin/true\n"),
        new Section("firewall", "[firewall]\nbackend = sshguard\ncommand = /bin/true\n"),
        new Section("http", "[http]\nlisten = 127.0.0.1:9477\n"),
        new Section("multicast", "[multicast]\ngroup = 239.255.42.1\ninterface = lo\n"),
        new Section("crowdsec", "[crowdsec]\nlapi-url = http://127.0.0.1:8080\napi-key-file = /dev/null\n"),
        new Section("allow", "[allow]\n"),
        new Section("protocol", "[protocol]\n"),
        new Section("peer", "[peer 2]\naddress = 127.0.0.1:7702\nkey = base64:" +
            "wiYes3ZAMDJb8LNRN6l11PzTETZqMKgRsa+A6wsdbOwD9YFD/qUg0oxEcOyt9vgvtH9Zss4Rj9y0m9+rVPN+BQ==\n"),
        new Section("source", "[source s]\ntype = nflog\ngroup = 5\n"),
        new Section("source", "[source s]\ntype = pflog-file\n"),
        new Section("source", "[source s]\ntype = pcap-pipe\ncommand = /bin/true\n"),
        new Section("source", "[source s]\ntype = pf-table\ntable = t\n"),
        new Section("rule", "[rule r]\nnfail = 3\n"));

    @Test
    void mandocLintIsClean() throws Exception
    {
        assumeTrue(Tools.installed("mandoc"), "skipped: mandoc is not installed (apt-get install mandoc; CI has it)");

        final Process process = new ProcessBuilder("mandoc", "-T", "lint", "-W", "style",
            ManPages.BLOCKSYNC_8.toString(), ManPages.BLOCKSYNC_CONF_5.toString()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "mandoc did not finish");

        // Whether nft(8) or pfctl(8) is installed here says nothing about the pages, nor does mandoc's own index.
        final List<String> messages = output.lines()
            .filter(line -> !line.contains("referenced manual not found") && !line.contains("mandoc.db"))
            .toList();
        assertEquals(List.of(), messages, "mandoc -T lint -W style on dist/man");
    }

    @Test
    void blocksync8ListsEveryCommandAndOptionOfBlocksyncHelp() throws Exception
    {
        final CommandSpec top = CommandLines.commandLine().getCommandSpec();
        final Map<String, Set<String>> code = new LinkedHashMap<>();
        top.subcommands().forEach((name, command) -> code.put(name, optionNames(command.getCommandSpec())));

        final Map<String, Set<String>> page = ManPages.commandFlags(ManPages.BLOCKSYNC_8);
        final List<String> problems = new ArrayList<>();
        for (final Map.Entry<String, Set<String>> command : code.entrySet())
        {
            final Set<String> listed = page.get(command.getKey());
            if (null == listed)
            {
                problems.add("blocksync.8 has no '.It Cm " + command.getKey() + "' entry under COMMANDS (options " +
                    command.getValue() + ")");
            }
            else if (!listed.equals(command.getValue()))
            {
                problems.add(command.getKey() + ": blocksync help has " + command.getValue() + ", blocksync.8 " +
                    listed);
            }
        }
        for (final String listed : page.keySet())
        {
            if (!code.containsKey(listed))
            {
                problems.add("blocksync.8 lists '" + listed + "', which blocksync help does not have");
            }
        }
        final Set<String> topOptions = optionNames(top);
        final Set<String> topListed = ManPages.sectionFlags(ManPages.BLOCKSYNC_8, "OPTIONS");
        if (!topOptions.equals(topListed))
        {
            problems.add("blocksync: blocksync help has " + topOptions + ", blocksync.8 OPTIONS " + topListed);
        }

        assertEquals(List.of(), problems, "dist/man/blocksync.8 against picocli's CommandSpec");
        // What this compares is not nothing: the commands of today are all there.
        assertTrue(page.keySet().containsAll(List.of("run", "ban", "unban", "bans", "peers", "status", "keygen",
            "check-config", "flush", "events", "demo", "help")), page.toString());
    }

    /**
     * Every command of picocli's model has a SYNOPSIS entry, and every option appears there and in its COMMANDS item
     * in the form {@code blocksync COMMAND --help} gives it: the same argument name (picocli's {@code DURATION} is
     * {@code Ar duration}), optional exactly when picocli does not require it, and its default (picocli's default
     * value, or the words of a "default: ..." clause in its description) in the item's text. An entry lists no flag
     * one of its commands lacks.
     */
    @Test
    void blocksync8GivesEveryCommandAndOptionInTheFormOfBlocksyncHelp() throws Exception
    {
        final CommandSpec top = CommandLines.commandLine().getCommandSpec();
        final Map<String, List<ManPages.Flag>> synopsis = ManPages.synopsis(ManPages.BLOCKSYNC_8);
        final Map<String, Map<String, Map.Entry<ManPages.Flag, String>>> items = ManPages.optionItems(ManPages.BLOCKSYNC_8);
        final List<String> problems = new ArrayList<>();
        final Map<String, CommandSpec> commands = new LinkedHashMap<>();
        commands.put("", top);
        top.subcommands().forEach((name, command) -> commands.put(name, command.getCommandSpec()));
        for (final Map.Entry<String, CommandSpec> command : commands.entrySet())
        {
            final String name = command.getKey().isEmpty() ? "blocksync" : command.getKey();
            final List<ManPages.Flag> entry = synopsis.get(command.getKey());
            if (null == entry)
            {
                problems.add("SYNOPSIS has no entry for " + name);
                continue;
            }
            final Set<String> known = new TreeSet<>();
            for (final OptionSpec option : command.getValue().options())
            {
                known.addAll(Arrays.asList(option.names()));
                checkSynopsis(problems, name, option, entry);
                if (!command.getKey().isEmpty())
                {
                    checkItem(problems, name, option, items.getOrDefault(command.getKey(), Map.of()));
                }
            }
            for (final ManPages.Flag flag : entry)
            {
                if (!known.contains(flag.name()))
                {
                    problems.add("SYNOPSIS gives " + name + " " + flag.name() + ", which it does not have");
                }
            }
        }
        assertEquals(List.of(), problems, "dist/man/blocksync.8 against picocli's CommandSpec");
        assertTrue(synopsis.keySet().containsAll(List.of("run", "import", "bench", "help", "status")), synopsis.toString());
    }

    private static void checkSynopsis(
        final List<String> problems, final String command, final OptionSpec option, final List<ManPages.Flag> entry)
    {
        final String argument = argument(option);
        final boolean optional = !required(option);
        final String form = form(option.longestName(), argument, optional);
        final List<ManPages.Flag> found = entry.stream().filter(flag -> Arrays.asList(option.names()).contains(flag.name()))
            .toList();
        if (found.isEmpty())
        {
            problems.add("SYNOPSIS " + command + " lacks " + form);
        }
        for (final ManPages.Flag flag : found)
        {
            if (!java.util.Objects.equals(argument, flag.argument()) || optional != flag.optional())
            {
                problems.add("SYNOPSIS " + command + " gives " + form(flag.name(), flag.argument(), flag.optional()) +
                    ", blocksync help " + form);
            }
        }
    }

    private static void checkItem(final List<String> problems, final String command, final OptionSpec option,
        final Map<String, Map.Entry<ManPages.Flag, String>> items)
    {
        final String argument = argument(option);
        Map.Entry<ManPages.Flag, String> item = null;
        for (final String name : option.names())
        {
            item = null == item ? items.get(name) : item;
        }
        if (null == item)
        {
            if (!option.usageHelp() && !option.versionHelp())
            {
                problems.add("COMMANDS " + command + " has no '.It Fl' item for " + option.longestName());
            }
            return;
        }
        if (!java.util.Objects.equals(argument, item.getKey().argument()))
        {
            problems.add("COMMANDS " + command + " " + option.longestName() + " takes '" + item.getKey().argument() +
                "', blocksync help '" + argument + "'");
        }
        final String text = " " + item.getValue().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.'/-]+", " ") + " ";
        for (final String word : defaultWords(option))
        {
            if (!text.contains(" " + word + " ") && !text.contains(" -" + word + " ") && !text.contains(" --" + word + " "))
            {
                problems.add("COMMANDS " + command + " " + option.longestName() + " does not give its default as " +
                    "blocksync help does (" + defaultWords(option) + "; '" + word + "' missing from:" + item.getValue() + ")");
                return;
            }
        }
    }

    /** @return the words of the option's default: picocli's default value, else a "default: ..." clause of its description. */
    private static List<String> defaultWords(final OptionSpec option)
    {
        if (option.arity().max() == 0)
        {
            return List.of();
        }
        final String text;
        if (null != option.defaultValue())
        {
            text = option.defaultValue();
        }
        else
        {
            final java.util.regex.Matcher clause = java.util.regex.Pattern.compile("(?i)\\bdefault:? ([^)]*)")
                .matcher(String.join(" ", option.description()));
            if (!clause.find())
            {
                return List.of();
            }
            text = clause.group(1);
        }
        return Arrays.stream(text.toLowerCase(java.util.Locale.ROOT).split("[^a-z0-9.'/-]+"))
            .map(word -> word.replaceAll("^-+|\\.$", "")).filter(word -> !word.isEmpty()).toList();
    }

    private static String argument(final OptionSpec option)
    {
        return option.arity().max() == 0 ? null : option.paramLabel().replaceAll("[<>]", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** An option of a group (keygen's --out | --public) is required only when its group is. */
    private static boolean required(final OptionSpec option)
    {
        return option.required() && (null == option.group() || option.group().multiplicity().min() > 0);
    }

    private static String form(final String flag, final String argument, final boolean optional)
    {
        final String text = flag + (null == argument ? "" : " " + argument);
        return optional ? "[" + text + "]" : text;
    }

    /**
     * The key-file rule is said one way: the code's warning ({@link FileModes#KEY_FILE_RULE}) word for word in every
     * document that gives it, line breaks aside.
     */
    @Test
    void theKeyFileRuleIsStatedInTheSameWordsEverywhere() throws Exception
    {
        final List<String> problems = new ArrayList<>();
        for (final Path document : List.of(Path.of("../docs/CONFIG.md"), Path.of("../docs/DEPLOY.md"),
            Path.of("../README.md"), ManPages.BLOCKSYNC_8, ManPages.BLOCKSYNC_CONF_5))
        {
            final String text = java.nio.file.Files.readString(document).replaceAll("\\s+", " ");
            if (!text.contains("A key file is " + FileModes.KEY_FILE_RULE) &&
                !text.contains("a key file is " + FileModes.KEY_FILE_RULE))
            {
                problems.add(document + " does not say 'a key file is " + FileModes.KEY_FILE_RULE + "'");
            }
            for (final String other : List.of("0640 owned by root in the group", "owned by root in the group",
                "readable by the group `blocksync` (or `_blocksync`) only"))
            {
                if (text.contains(other))
                {
                    problems.add(document + " also words the rule another way: '" + other + "'");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void blocksyncConf5ListsEveryKeyOfEverySection() throws Exception
    {
        final Map<String, Set<String>> accepted = new LinkedHashMap<>();
        for (final Section section : SECTIONS)
        {
            accepted.computeIfAbsent(section.name(), name -> new TreeSet<>()).addAll(acceptedKeys(section));
        }

        final List<String> problems = new ArrayList<>();
        for (final Map.Entry<String, Set<String>> section : accepted.entrySet())
        {
            final Set<String> listed = ManPages.configKeys(section.getKey());
            if (!listed.equals(section.getValue()))
            {
                final Set<String> missing = new TreeSet<>(section.getValue());
                missing.removeAll(listed);
                final Set<String> extra = new TreeSet<>(listed);
                extra.removeAll(section.getValue());
                problems.add("[" + section.getKey() + "]: blocksync.conf.5 lacks " + missing + ", lists unknown " +
                    extra);
            }
        }
        assertEquals(List.of(), problems, "dist/man/blocksync.conf.5 against the configuration reader");
        assertTrue(accepted.get("firewall").containsAll(List.of("backend", "reason-table", "set-prefix")),
            accepted.toString());
    }

    @Test
    void everySectionTheReaderAcceptsIsChecked() throws Exception
    {
        // "unknown section [zz-not-a-section]...; accepted sections: [node], [bans], ..., [peer ID], [source NAME]"
        final Set<String> accepted = new TreeSet<>();
        try
        {
            ConfigReader.parse(Path.of("test.conf"), NODE + "[zz-not-a-section]\n");
            fail("the reader accepted an unknown section");
        }
        catch (final ConfigException ex)
        {
            for (final String error : ex.errors())
            {
                final int at = error.indexOf("accepted sections: ");
                if (at > 0)
                {
                    for (final String section : error.substring(at + "accepted sections: ".length()).split(", "))
                    {
                        accepted.add(section.replaceAll("^\\[|[\\] ].*$", ""));
                    }
                }
            }
        }

        final Set<String> checked = new TreeSet<>();
        SECTIONS.forEach(section -> checked.add(section.name()));
        assertEquals(accepted, checked, "a new section needs a SECTIONS line here and an .Ss in blocksync.conf.5");
    }

    private static Set<String> optionNames(final CommandSpec command)
    {
        final Set<String> names = new TreeSet<>();
        for (final OptionSpec option : command.options())
        {
            names.addAll(Arrays.asList(option.names()));
        }
        return names;
    }

    /**
     * @return the keys the reader accepts in the section, from its error for an unknown key:
     * "unknown key 'KEY' in [SECTION]...; accepted keys: a, b, c".
     */
    private static List<String> acceptedKeys(final Section section)
    {
        final String text = section.text().isEmpty() ?
            NODE + UNKNOWN + " = 1\n" : NODE + "\n" + section.text() + UNKNOWN + " = 1\n";
        try
        {
            ConfigReader.parse(Path.of("test.conf"), text);
        }
        catch (final ConfigException ex)
        {
            for (final String error : ex.errors())
            {
                final int at = error.indexOf("; accepted keys: ");
                if (error.contains("unknown key '" + UNKNOWN + "'") && at > 0)
                {
                    return List.of(error.substring(at + "; accepted keys: ".length()).split(", "));
                }
            }
            fail("no unknown-key error for " + section + ": " + ex.errors());
        }
        return fail("the reader accepted an unknown key in " + section);
    }
}
