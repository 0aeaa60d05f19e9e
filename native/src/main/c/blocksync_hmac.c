/*
 * HMAC-SHA256 (RFC 2104) for io.blocksync.nativeio.NativeHmacSha256 over bytes at a native address, with the SHA-256
 * of libcrypto (OpenSSL 3, loaded at run time with dlopen: no -dev headers needed to build). OpenSSL's SHA-256 uses
 * the CPU's SHA extensions where it has them: ~1.1 us for a 1,200-byte datagram on the bench VM, where BouncyCastle's
 * under the launcher's C1-only JIT takes ~9 us (PERFORMANCE.md, origin13).
 *
 * The caller owns the memory: a key's state (the SHA-256 states after the inner and the outer padded key block, so
 * each MAC costs the message's blocks and two more, as BouncyCastle's HMac does) lives in a Java direct buffer of
 * io.blocksync.codec.HmacSha256Tag.Engine.STATE_LENGTH bytes; nothing is allocated here per key or per MAC.
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jni.h>

#include "io_blocksync_nativeio_NativeHmacSha256.h"

#define BLOCK_LENGTH 64
#define DIGEST_LENGTH 32

/* OpenSSL's SHA256_CTX (openssl/sha.h, the same layout from 0.9.8 to 3.x: SHA_LONG is a 32-bit unsigned int). */
struct sha256_ctx
{
    uint32_t h[8];
    uint32_t nl, nh;
    uint32_t data[16];
    unsigned int num, md_len;
};

struct hmac_state
{
    struct sha256_ctx inner;
    struct sha256_ctx outer;
};

_Static_assert(sizeof(struct sha256_ctx) == 112, "SHA256_CTX is 112 bytes");
/* io.blocksync.codec.HmacSha256Tag.Engine.STATE_LENGTH must hold it. */
_Static_assert(sizeof(struct hmac_state) <= 256, "state fits STATE_LENGTH");

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static struct
{
    bool tried;
    bool ok;
    char failure[256];
    int (*init)(struct sha256_ctx *);
    int (*update)(struct sha256_ctx *, const void *, size_t);
    int (*final)(unsigned char *, struct sha256_ctx *);
} crypto;

static void *crypto_symbol(void *library, const char *name, const char *soname)
{
    void *address = dlsym(library, name);
    if (NULL == address && '\0' == crypto.failure[0])
    {
        snprintf(crypto.failure, sizeof(crypto.failure), "%s has no symbol %s", soname, name);
    }
    return address;
}

/*
 * A known answer (FIPS 180-2's SHA-256("abc")) computed in a context with guard bytes after the 112 this file assumes:
 * a libcrypto.so whose SHA256_CTX is larger, or whose SHA-256 is wrong, is refused and BouncyCastle computes the tags.
 */
static bool self_test(const char *soname)
{
    static const unsigned char expected[DIGEST_LENGTH] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
    union
    {
        struct sha256_ctx context;
        unsigned char bytes[512];
    } guarded;
    unsigned char digest[DIGEST_LENGTH];
    memset(guarded.bytes, 0xA5, sizeof(guarded.bytes));
    crypto.init(&guarded.context);
    crypto.update(&guarded.context, "abc", 3);
    crypto.final(digest, &guarded.context);
    for (size_t i = sizeof(struct sha256_ctx); i < sizeof(guarded.bytes); i++)
    {
        if (0xA5 != guarded.bytes[i])
        {
            snprintf(crypto.failure, sizeof(crypto.failure), "%s's SHA256_CTX is larger than OpenSSL's 112 bytes", soname);
            return false;
        }
    }
    if (0 != memcmp(digest, expected, sizeof(expected)))
    {
        snprintf(crypto.failure, sizeof(crypto.failure), "%s's SHA-256 gave a wrong known answer", soname);
        return false;
    }
    return true;
}

JNIEXPORT jstring JNICALL Java_io_blocksync_nativeio_NativeHmacSha256_open0(JNIEnv *env, jclass type)
{
    (void)type;
    pthread_mutex_lock(&load_lock);
    if (!crypto.tried)
    {
        crypto.tried = true;
        static const char *const sonames[] = { "libcrypto.so.3", "libcrypto.so" };
        void *library = NULL;
        const char *soname = NULL;
        for (size_t i = 0; i < sizeof(sonames) / sizeof(sonames[0]) && NULL == library; i++)
        {
            soname = sonames[i];
            library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        }
        if (NULL == library)
        {
            const char *reason = dlerror();
            snprintf(crypto.failure, sizeof(crypto.failure), "cannot load libcrypto.so.3 or libcrypto.so: %s (Debian: apt-get install libssl3)",
                NULL == reason ? "unknown error" : reason);
        }
        else
        {
            *(void **)(&crypto.init) = crypto_symbol(library, "SHA256_Init", soname);
            *(void **)(&crypto.update) = crypto_symbol(library, "SHA256_Update", soname);
            *(void **)(&crypto.final) = crypto_symbol(library, "SHA256_Final", soname);
            crypto.ok = '\0' == crypto.failure[0] && self_test(soname);
        }
    }
    pthread_mutex_unlock(&load_lock);
    return crypto.ok ? NULL : (*env)->NewStringUTF(env, crypto.failure);
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_NativeHmacSha256_init0(
    JNIEnv *env, jclass type, jbyteArray key, jlong state_address)
{
    (void)type;
    struct hmac_state *state = (struct hmac_state *)(intptr_t)state_address;
    unsigned char block[BLOCK_LENGTH];
    memset(block, 0, sizeof(block));
    const jsize length = (*env)->GetArrayLength(env, key);
    if (length <= BLOCK_LENGTH)
    {
        (*env)->GetByteArrayRegion(env, key, 0, length, (jbyte *)block);
    }
    else
    {
        /* RFC 2104: a key longer than the block is hashed first. */
        struct sha256_ctx hashed;
        crypto.init(&hashed);
        for (jsize from = 0; from < length; from += BLOCK_LENGTH)
        {
            const jsize chunk = length - from < BLOCK_LENGTH ? length - from : BLOCK_LENGTH;
            (*env)->GetByteArrayRegion(env, key, from, chunk, (jbyte *)block);
            crypto.update(&hashed, block, (size_t)chunk);
        }
        memset(block, 0, sizeof(block));
        crypto.final(block, &hashed);
        explicit_bzero(&hashed, sizeof(hashed));
    }
    for (int i = 0; i < BLOCK_LENGTH; i++)
    {
        block[i] ^= 0x36;
    }
    crypto.init(&state->inner);
    crypto.update(&state->inner, block, BLOCK_LENGTH);
    for (int i = 0; i < BLOCK_LENGTH; i++)
    {
        block[i] ^= 0x36 ^ 0x5c;
    }
    crypto.init(&state->outer);
    crypto.update(&state->outer, block, BLOCK_LENGTH);
    /* explicit_bzero: a memset of a buffer not read again is removed by the compiler. */
    explicit_bzero(block, sizeof(block));
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_NativeHmacSha256_compute0(
    JNIEnv *env, jclass type, jlong state_address, jlong address, jint length, jlong digest_address)
{
    (void)env;
    (void)type;
    const struct hmac_state *state = (const struct hmac_state *)(intptr_t)state_address;
    unsigned char inner_digest[DIGEST_LENGTH];
    struct sha256_ctx context = state->inner;
    crypto.update(&context, (const void *)(intptr_t)address, (size_t)length);
    crypto.final(inner_digest, &context);
    context = state->outer;
    crypto.update(&context, inner_digest, DIGEST_LENGTH);
    crypto.final((unsigned char *)(intptr_t)digest_address, &context);
}
