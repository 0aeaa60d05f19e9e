package io.blocksync.daemon.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * File errors as an operator reads them: {@code PATH: REASON}, the reason in the words of {@code ls} or {@code cat}
 * (strerror(3): "no such file or directory", "permission denied", "not a directory", "is a directory"), never an
 * exception's class name. {@link Files#exists} answers false for a file it cannot look at (EACCES, ENOTDIR), which
 * turns "cannot read" into "never existed"; {@link #exists} tells the two apart.
 */
public final class FileProblems
{
    private FileProblems()
    {
    }

    /**
     * @return whether {@code path} exists (following symbolic links).
     * @throws IOException with message {@code PATH: REASON} when it cannot be told: a directory on the way that is
     * not searchable (EACCES) or is a file (ENOTDIR), an I/O error.
     */
    public static boolean exists(final Path path) throws IOException
    {
        try
        {
            Files.readAttributes(path, BasicFileAttributes.class);
            return true;
        }
        catch (final NoSuchFileException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            throw new IOException(describe(path, ex), ex);
        }
    }

    /**
     * Open a text file (UTF-8) for reading; a read error later, thrown by {@link BufferedReader#readLine()} or as an
     * {@link UncheckedIOException} by {@link BufferedReader#lines()}, names the file too.
     *
     * @throws IOException {@code PATH: REASON} when it is absent, a directory, not readable.
     */
    public static BufferedReader openText(final Path path) throws IOException
    {
        try
        {
            if (Files.readAttributes(path, BasicFileAttributes.class).isDirectory())
            {
                throw new IOException(path + ": is a directory");
            }
            return new NamedReader(path);
        }
        catch (final FileSystemException ex)
        {
            throw new IOException(describe(path, ex), ex);
        }
    }

    /**
     * @throws IOException {@code PATH: REASON} unless {@code path} is a file this process may read: absent, a
     * directory, not readable.
     */
    public static void checkReadable(final Path path) throws IOException
    {
        openText(path).close();
    }

    /** @return {@code PATH: REASON}; {@code path} may be null for an exception that names its own file. */
    public static String describe(final Path path, final IOException ex)
    {
        final String file = null != path ? path.toString() :
            ex instanceof FileSystemException && null != ((FileSystemException)ex).getFile() ?
            ((FileSystemException)ex).getFile() : null;
        return null == file ? reason(ex) : file + ": " + reason(ex);
    }

    /** @return the reason alone, lower case, as strerror(3) says it: "permission denied". */
    public static String reason(final IOException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "no such file or directory";
        }
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return "already exists";
        }
        if (ex instanceof NotDirectoryException)
        {
            return "not a directory";
        }
        if (ex instanceof DirectoryNotEmptyException)
        {
            return "directory not empty";
        }
        if (ex instanceof NotLinkException)
        {
            return "not a symbolic link";
        }
        if (ex instanceof CharacterCodingException)
        {
            return "not UTF-8 text";
        }
        final String text = ex instanceof FileSystemException ? ((FileSystemException)ex).getReason() : ex.getMessage();
        if (null == text || text.isBlank())
        {
            return null != ex.getCause() && ex.getCause() instanceof IOException ?
                reason((IOException)ex.getCause()) : "input/output error";
        }
        // "java.io.IOException: Is a directory" (a wrapper's message): the words after the class name.
        final String words = text.matches("^[a-z][\\w.]*\\.[A-Z]\\w*(Exception|Error): .*") ?
            text.substring(text.indexOf(": ") + 2) : text;
        return words.length() > 1 && Character.isUpperCase(words.charAt(0)) && Character.isLowerCase(words.charAt(1)) ?
            Character.toLowerCase(words.charAt(0)) + words.substring(1) : words;
    }

    /** A reader whose read errors name its file. */
    private static final class NamedReader extends BufferedReader
    {
        private final Path path;

        NamedReader(final Path path) throws IOException
        {
            super(Files.newBufferedReader(path, StandardCharsets.UTF_8));
            this.path = path;
        }

        @Override
        public String readLine() throws IOException
        {
            try
            {
                return super.readLine();
            }
            catch (final IOException ex)
            {
                throw new IOException(describe(path, ex), ex);
            }
        }
    }
}
