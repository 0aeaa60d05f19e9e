package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyTextTest
{
    private static final String KEY_32 = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private static byte[] counting(final int length)
    {
        final byte[] key = new byte[length];
        for (int i = 0; i < length; i++)
        {
            key[i] = (byte)i;
        }

        return key;
    }

    private static String error(final String text)
    {
        final String message = assertThrows(IllegalArgumentException.class, () -> KeyText.decode(text)).getMessage();
        if (null != text && text.length() > 8)
        {
            assertFalse(message.contains(text.substring(text.length() - 8)), () -> "message repeats key: " + message);
        }

        return message;
    }

    @Test
    void shouldEncodeWithPrefixAndPadding()
    {
        assertEquals(KEY_32, KeyText.encode(counting(32)));
    }

    @Test
    void shouldDecodePrefixedAndBareText()
    {
        assertArrayEquals(counting(32), KeyText.decode(KEY_32));
        assertArrayEquals(counting(32), KeyText.decode(KEY_32.substring("base64:".length())));
        assertArrayEquals(counting(32), KeyText.decode("  " + KEY_32 + "\n"));
        assertArrayEquals(counting(32), KeyText.decode(KEY_32.replace("=", "")), "padding is optional");
    }

    @Test
    void shouldRoundTripEveryLength()
    {
        for (int length = 16; length <= 64; length++)
        {
            final byte[] key = counting(length);
            Arrays.fill(key, 0, length / 2, (byte)0xFF);
            assertArrayEquals(key, KeyText.decode(KeyText.encode(key)));
        }
    }

    @Test
    void shouldRefuseKeysOfTheWrongLength()
    {
        assertEquals("decodes to 8 bytes; a private key is 32 (blocksync keygen --out FILE makes one)",
            assertThrows(IllegalArgumentException.class, () -> KeyText.privateKey(1, counting(8))).getMessage());
        assertEquals("decodes to 8 bytes; a peer's key is its 64-byte public key, which blocksync keygen prints " +
            "on that peer", assertThrows(IllegalArgumentException.class, () -> KeyText.publicKey(1, counting(8))).getMessage());
        assertEquals(1, KeyText.privateKey(1, counting(32)).keyId());
    }

    @Test
    void shouldRefuseEmptyText()
    {
        assertEquals("no key given; expected base64:... (blocksync keygen makes one)", error(""));
        assertEquals("no key given; expected base64:... (blocksync keygen makes one)", error("base64:"));
        assertEquals("no key given; expected base64:... (blocksync keygen makes one)", error(null));
    }

    @Test
    void shouldNameThePositionOfABadCharacterButNotTheCharacter()
    {
        assertEquals("not valid base64: character 5 is not in the base64 alphabet (A-Z a-z 0-9 + /)",
            error("base64:AAEC!wQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        assertEquals("not valid base64: character 5 is not in the base64 alphabet (A-Z a-z 0-9 + /)",
            error("AAEC-wQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        assertEquals("not valid base64: character 6 follows '=' padding",
            error("AAEC=wQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        assertEquals("not valid base64: character 5 is not in the base64 alphabet (A-Z a-z 0-9 + /)",
            error("AAEC wQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
    }

    @Test
    void shouldRefuseBadLengthAndPadding()
    {
        assertEquals("not valid base64: its length does not fit (is part of it missing?)",
            error("base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A="));
        assertEquals("not valid base64: more than two '=' at the end",
            error("base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8==="));
    }

    @Test
    void shouldNameAnUnknownEncoding()
    {
        assertEquals("unknown key encoding 'hex:'; expected base64:...", error("hex:000102030405060708090a0b0c0d0e0f"));
        assertEquals("unknown key encoding 'Base64:'; expected base64:...", error("Base64:" + KEY_32.substring(7)));
    }
}
