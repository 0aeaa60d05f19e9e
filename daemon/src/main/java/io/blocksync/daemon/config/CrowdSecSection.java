package io.blocksync.daemon.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * [crowdsec]: optional; absent, the node does not talk to CrowdSec. {@code lapi-url} and {@code api-key-file} are
 * required; {@code push = yes} also needs {@code machine-credentials-file}. Every error is one line naming the key
 * and the value.
 */
final class CrowdSecSection
{
    static final String NAME = "crowdsec";

    private CrowdSecSection()
    {
    }

    static void bind(final SectionReader reader, final Path baseDirectory, final NodeConfig.Builder config)
    {
        final URI url = reader.required("lapi-url", CrowdSecSection::lapiUrl);
        final Path keyFile = reader.required("api-key-file", Values.path(baseDirectory));
        final long poll = reader.value("poll-interval", Values.millis(100, 600_000), CrowdSecConfig.DEFAULT_POLL_INTERVAL_MILLIS);
        final boolean push = "yes".equals(reader.value("push", Values.oneOf("yes", "no"), "no"));
        final Path machineFile = reader.value("machine-credentials-file", Values.path(baseDirectory), null);
        reader.finish();
        if (null == url || null == keyFile)
        {
            return;
        }

        final String key = readSecret(reader, "api-key-file", keyFile);
        String login = null;
        String password = null;
        if (push)
        {
            if (null == machineFile)
            {
                reader.errorAt("push = yes needs machine-credentials-file: the file `cscli machines add blocksync " +
                    "--auto -f FILE` writes", "push");
                return;
            }
            final String credentials = readSecret(reader, "machine-credentials-file", machineFile);
            if (null == credentials)
            {
                return;
            }
            login = yamlValue(credentials, "login");
            password = yamlValue(credentials, "password");
            if (null == login || null == password)
            {
                reader.errorAt("machine-credentials-file: " + machineFile + " has no " + (null == login ? "'login: '" :
                    "'password: '") + " line (the file `cscli machines add NAME --auto -f FILE` writes has both)",
                    "machine-credentials-file");
                return;
            }
        }
        if (null != key)
        {
            config.crowdsec = new CrowdSecConfig(url, keyFile, key, poll,
                push ? new CrowdSecConfig.Machine(machineFile, login, password) : null);
        }
    }

    static URI lapiUrl(final String text)
    {
        URI uri;
        try
        {
            uri = new URI(text);
        }
        catch (final URISyntaxException ex)
        {
            uri = null;
        }
        if (null == uri || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || null == uri.getHost())
        {
            throw new IllegalArgumentException(Quoted.quote(text) + " is not an http:// or https:// URL with a host, " +
                "e.g. http://127.0.0.1:8080 (CrowdSec's api.server.listen_uri)");
        }
        if (null != uri.getQuery() || null != uri.getFragment())
        {
            throw new IllegalArgumentException(Quoted.quote(text) + ": give the base URL only, without '?' or '#'");
        }
        final String path = null == uri.getPath() ? "" : uri.getPath();
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
    }

    /** The file's content, trimmed; null (reported at the key) when it cannot be read or is empty. */
    private static String readSecret(final SectionReader reader, final String key, final Path file)
    {
        try
        {
            final String text = Files.readString(file).trim();
            if (text.isEmpty())
            {
                reader.errorAt(key + ": " + file + " is empty", key);
                return null;
            }
            return text;
        }
        catch (final NoSuchFileException ex)
        {
            reader.errorAt(key + ": " + file + ": no such file", key);
        }
        catch (final IOException ex)
        {
            // AccessDeniedException's message is the path alone: the reason in strerror's words, as for key-file.
            reader.errorAt(key + ": " + file + ": cannot be read: " + FileProblems.reason(ex), key);
        }
        catch (final RuntimeException ex)
        {
            reader.errorAt(key + ": " + file + ": cannot be read: " + ex.getMessage(), key);
        }
        return null;
    }

    /** {@code key: value} at the start of a line of the simple YAML cscli writes; quotes around the value dropped. */
    static String yamlValue(final String yaml, final String key)
    {
        for (final String line : yaml.split("\n"))
        {
            if (line.startsWith(key + ":"))
            {
                String value = line.substring(key.length() + 1).trim();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") ||
                    value.startsWith("'") && value.endsWith("'")))
                {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}
