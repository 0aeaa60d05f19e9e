/*
 * Kernel sessions for io.blocksync.nativeio.NftablesSession and IpsetSession: libnftables and libipset, loaded at
 * run time with dlopen so that the JNI library builds and loads without them (no -dev headers needed: the few
 * prototypes are declared below from the libraries' public headers, nftables 1.0.x and ipset 7.x).
 *
 * A session is one library context kept open across calls: nft_ctx (its netlink socket and cache) or struct ipset
 * (its session, type cache and netlink socket). A call runs one script, as `nft -f -` or `ipset -exist restore`
 * would, and keeps the library's own output and error text.
 *
 * Network namespaces: a session given a namespace file (/run/netns/NAME) enters it around every library call on the
 * calling thread and returns at once, so sockets the libraries open (at context creation or lazily) live there and
 * the calling thread never stays in another namespace.
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jni.h>

#include "io_blocksync_nativeio_NftablesSession.h"
#include "io_blocksync_nativeio_IpsetSession.h"

#define MESSAGE_LENGTH 512
/* Error text kept per call; a script with 100,000 bad lines must not grow it without bound. */
#define MAX_TEXT_LENGTH (1 << 20)

/* From libnftables (nftables/libnftables.h). */
struct nft_ctx;
#define NFT_CTX_DEFAULT 0

/* From libipset (libipset/ipset.h, session.h). */
struct ipset;
struct ipset_session;
typedef int (*ipset_custom_errorfn)(struct ipset *ipset, void *p, int status, const char *msg, ...);
typedef int (*ipset_standard_errorfn)(struct ipset *ipset, void *p);
typedef int (*ipset_print_outfn)(struct ipset_session *session, void *p, const char *fmt, ...);
#define IPSET_WARNING 1
#define IPSET_NOTICE 2
#define IPSET_ERROR 3
#define IPSET_ENV_EXIST (1 << 3)
/* Bits 0-5: sorted, quiet, resolve, exist, list set names only, list headers only. */
#define IPSET_ENV_BITS 6
/* ipset's exit statuses: 1 other, 2 parameter, 3 version, 4 session problem (exits as 1). */
#define IPSET_VERSION_PROBLEM 3
/* ipset_parse_stream reads lines with fgets into a buffer of this many bytes (MAX_CMDLINE_CHARS). */
#define IPSET_LINE_BUFFER 1024
/* struct ipset numbers restore lines in a uint32_t that never resets; start afresh well before it wraps. */
#define IPSET_RENEW_AFTER_LINES (1u << 30)

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static struct
{
    bool tried;
    char failure[MESSAGE_LENGTH];
    struct nft_ctx *(*ctx_new)(uint32_t flags);
    void (*ctx_free)(struct nft_ctx *ctx);
    int (*buffer_output)(struct nft_ctx *ctx);
    int (*buffer_error)(struct nft_ctx *ctx);
    const char *(*output_buffer)(struct nft_ctx *ctx);
    const char *(*error_buffer)(struct nft_ctx *ctx);
    int (*run_cmd_from_buffer)(struct nft_ctx *ctx, const char *buffer);
    unsigned int (*output_get_flags)(struct nft_ctx *ctx);
    void (*output_set_flags)(struct nft_ctx *ctx, unsigned int flags);
} nft;

static struct
{
    bool tried;
    char failure[MESSAGE_LENGTH];
    void (*load_types)(void);
    struct ipset *(*init)(void);
    int (*fini)(struct ipset *ipset);
    int (*custom_printf)(struct ipset *ipset, ipset_custom_errorfn custom_error,
        ipset_standard_errorfn standard_error, ipset_print_outfn outfn, void *p);
    struct ipset_session *(*session)(struct ipset *ipset);
    int (*parse_stream)(struct ipset *ipset, FILE *f);
    int (*commit)(struct ipset_session *session);
    int (*report_type)(const struct ipset_session *session);
    const char *(*report_msg)(const struct ipset_session *session);
    void (*report_reset)(struct ipset_session *session);
    void (*envopt_set)(struct ipset_session *session, int env);
    void (*envopt_unset)(struct ipset_session *session, int env);
} ips;

/* A growable text buffer for output and error text. */
struct text
{
    char *data;
    size_t length;
    size_t capacity;
};

struct namespace_switch
{
    char *path;
    int own;
};

struct nft_session
{
    struct nft_ctx *ctx;
    struct namespace_switch ns;
};

struct ipset_session_state
{
    struct ipset *ipset;
    struct namespace_switch ns;
    bool exist;
    /* Restore lines this struct ipset counted before the current call, to number error lines per call. */
    uint32_t lines_before;
    /* Per call: */
    FILE *input;
    long stopped_at;
    int status;
    struct text output;
    struct text error;
};

static void throw_io(JNIEnv *env, const char *message)
{
    jclass type = (*env)->FindClass(env, "java/io/IOException");
    if (NULL != type)
    {
        (*env)->ThrowNew(env, type, message);
    }
}

static void throw_errno(JNIEnv *env, const char *what, const char *path, int error)
{
    char message[MESSAGE_LENGTH];
    snprintf(message, sizeof(message), "%s %s: %s", what, NULL == path ? "" : path, strerror(error));
    throw_io(env, message);
}

static void *symbol(void *library, const char *name, char *failure, size_t failure_length, const char *soname)
{
    void *address = dlsym(library, name);
    if (NULL == address && '\0' == failure[0])
    {
        snprintf(failure, failure_length, "%s has no symbol %s (an incompatible version?)", soname, name);
    }

    return address;
}

static void *open_library(const char *soname, char *failure, size_t failure_length, const char *package)
{
    void *library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (NULL == library)
    {
        const char *reason = dlerror();
        snprintf(failure, failure_length, "cannot load %s: %s (Debian: apt-get install %s)",
            soname, NULL == reason ? "unknown error" : reason, package);
    }

    return library;
}

static const char *load_nftables(const char *soname)
{
    pthread_mutex_lock(&load_lock);
    if (!nft.tried)
    {
        nft.tried = true;
        void *library = open_library(soname, nft.failure, sizeof(nft.failure), "libnftables1");
        if (NULL != library)
        {
#define NFT_SYMBOL(field, name) *(void **)(&nft.field) = symbol(library, name, nft.failure, sizeof(nft.failure), soname)
            NFT_SYMBOL(ctx_new, "nft_ctx_new");
            NFT_SYMBOL(ctx_free, "nft_ctx_free");
            NFT_SYMBOL(buffer_output, "nft_ctx_buffer_output");
            NFT_SYMBOL(buffer_error, "nft_ctx_buffer_error");
            NFT_SYMBOL(output_buffer, "nft_ctx_get_output_buffer");
            NFT_SYMBOL(error_buffer, "nft_ctx_get_error_buffer");
            NFT_SYMBOL(run_cmd_from_buffer, "nft_run_cmd_from_buffer");
            NFT_SYMBOL(output_get_flags, "nft_ctx_output_get_flags");
            NFT_SYMBOL(output_set_flags, "nft_ctx_output_set_flags");
#undef NFT_SYMBOL
        }
    }
    pthread_mutex_unlock(&load_lock);

    return '\0' == nft.failure[0] ? NULL : nft.failure;
}

static const char *load_ipset(const char *soname)
{
    pthread_mutex_lock(&load_lock);
    if (!ips.tried)
    {
        ips.tried = true;
        void *library = open_library(soname, ips.failure, sizeof(ips.failure), "libipset13");
        if (NULL != library)
        {
#define IPS_SYMBOL(field, name) *(void **)(&ips.field) = symbol(library, name, ips.failure, sizeof(ips.failure), soname)
            IPS_SYMBOL(load_types, "ipset_load_types");
            IPS_SYMBOL(init, "ipset_init");
            IPS_SYMBOL(fini, "ipset_fini");
            IPS_SYMBOL(custom_printf, "ipset_custom_printf");
            IPS_SYMBOL(session, "ipset_session");
            IPS_SYMBOL(parse_stream, "ipset_parse_stream");
            IPS_SYMBOL(commit, "ipset_commit");
            IPS_SYMBOL(report_type, "ipset_session_report_type");
            IPS_SYMBOL(report_msg, "ipset_session_report_msg");
            IPS_SYMBOL(report_reset, "ipset_session_report_reset");
            IPS_SYMBOL(envopt_set, "ipset_envopt_set");
            IPS_SYMBOL(envopt_unset, "ipset_envopt_unset");
#undef IPS_SYMBOL
            if ('\0' == ips.failure[0])
            {
                /* Registers the set types once per process; calling it twice would register them twice. */
                ips.load_types();
            }
        }
    }
    pthread_mutex_unlock(&load_lock);

    return '\0' == ips.failure[0] ? NULL : ips.failure;
}

static jstring probe(JNIEnv *env, jstring soname, const char *(*load)(const char *))
{
    const char *name = (*env)->GetStringUTFChars(env, soname, NULL);
    if (NULL == name)
    {
        return NULL;
    }
    const char *failure = load(name);
    (*env)->ReleaseStringUTFChars(env, soname, name);

    return NULL == failure ? NULL : (*env)->NewStringUTF(env, failure);
}

/* Remembers the namespace file; returns false with an exception if it cannot be opened. */
static bool namespace_init(JNIEnv *env, struct namespace_switch *ns, jstring path)
{
    ns->path = NULL;
    ns->own = -1;
    if (NULL == path)
    {
        return true;
    }

    const char *text = (*env)->GetStringUTFChars(env, path, NULL);
    if (NULL == text)
    {
        return false;
    }
    ns->path = strdup(text);
    (*env)->ReleaseStringUTFChars(env, path, text);
    if (NULL == ns->path)
    {
        throw_io(env, "out of memory");
        return false;
    }

    return true;
}

/*
 * Moves the calling thread into the session's namespace; no-op without one. The thread's own namespace is opened
 * first so that namespace_leave can return to it.
 */
static bool namespace_enter(JNIEnv *env, struct namespace_switch *ns)
{
    if (NULL == ns->path)
    {
        return true;
    }

    char own_path[64];
    snprintf(own_path, sizeof(own_path), "/proc/self/task/%ld/ns/net", (long)syscall(SYS_gettid));
    ns->own = open(own_path, O_RDONLY | O_CLOEXEC);
    if (ns->own < 0)
    {
        throw_errno(env, "cannot open this thread's network namespace", own_path, errno);
        return false;
    }

    const int target = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (target < 0)
    {
        const int error = errno;
        close(ns->own);
        ns->own = -1;
        throw_errno(env, "cannot open network namespace (expected a path such as /run/netns/NAME)", ns->path, error);
        return false;
    }

    const int entered = setns(target, CLONE_NEWNET);
    const int error = errno;
    close(target);
    if (entered < 0)
    {
        close(ns->own);
        ns->own = -1;
        throw_errno(env, "cannot enter network namespace (needs CAP_SYS_ADMIN)", ns->path, error);
        return false;
    }

    return true;
}

/* Returns false only if the thread could not go back, which leaves it in the other namespace: the caller aborts. */
static bool namespace_leave(JNIEnv *env, struct namespace_switch *ns)
{
    if (ns->own < 0)
    {
        return true;
    }

    const int left = setns(ns->own, CLONE_NEWNET);
    const int error = errno;
    close(ns->own);
    ns->own = -1;
    if (left < 0)
    {
        if (!(*env)->ExceptionCheck(env))
        {
            throw_errno(env, "cannot return to the thread's own network namespace from", ns->path, error);
        }
        return false;
    }

    return true;
}

static char *copy_script(JNIEnv *env, jbyteArray script, jsize *length)
{
    *length = (*env)->GetArrayLength(env, script);
    char *text = malloc((size_t)*length + 1);
    if (NULL == text)
    {
        throw_io(env, "out of memory for the script");
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, script, 0, *length, (jbyte *)text);
    text[*length] = '\0';

    return text;
}

static jbyteArray to_bytes(JNIEnv *env, const char *text, size_t length)
{
    jbyteArray bytes = (*env)->NewByteArray(env, (jsize)length);
    if (NULL != bytes && length > 0)
    {
        (*env)->SetByteArrayRegion(env, bytes, 0, (jsize)length, (const jbyte *)text);
    }

    return bytes;
}

/* ---- nftables ---- */

JNIEXPORT jstring JNICALL Java_io_blocksync_nativeio_NftablesSession_probe0(JNIEnv *env, jclass type, jstring soname)
{
    (void)type;
    return probe(env, soname, load_nftables);
}

JNIEXPORT jlong JNICALL Java_io_blocksync_nativeio_NftablesSession_open0(
    JNIEnv *env, jclass type, jstring network_namespace)
{
    (void)type;
    if (NULL == nft.ctx_new)
    {
        throw_io(env, "libnftables is not loaded");
        return 0;
    }

    struct nft_session *session = calloc(1, sizeof(*session));
    if (NULL == session)
    {
        throw_io(env, "out of memory");
        return 0;
    }
    if (!namespace_init(env, &session->ns, network_namespace) || !namespace_enter(env, &session->ns))
    {
        free(session->ns.path);
        free(session);
        return 0;
    }

    /* The context opens its netlink socket here, inside the namespace. */
    session->ctx = nft.ctx_new(NFT_CTX_DEFAULT);
    const bool left = namespace_leave(env, &session->ns);
    if (NULL == session->ctx || !left)
    {
        if (NULL != session->ctx)
        {
            nft.ctx_free(session->ctx);
        }
        else
        {
            throw_io(env, "nft_ctx_new failed (out of memory, or no netlink socket: needs CAP_NET_ADMIN?)");
        }
        free(session->ns.path);
        free(session);
        return 0;
    }

    if (nft.buffer_output(session->ctx) < 0 || nft.buffer_error(session->ctx) < 0)
    {
        nft.ctx_free(session->ctx);
        free(session->ns.path);
        free(session);
        throw_io(env, "nft_ctx_buffer_output or nft_ctx_buffer_error failed");
        return 0;
    }

    return (jlong)(intptr_t)session;
}

JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_NftablesSession_run0(
    JNIEnv *env, jclass type, jlong handle, jbyteArray script)
{
    (void)type;
    struct nft_session *session = (struct nft_session *)(intptr_t)handle;
    jsize length;
    char *text = copy_script(env, script, &length);
    if (NULL == text)
    {
        return -1;
    }

    if (!namespace_enter(env, &session->ns))
    {
        free(text);
        return -1;
    }
    const int result = nft.run_cmd_from_buffer(session->ctx, text);
    free(text);
    if (!namespace_leave(env, &session->ns))
    {
        return -1;
    }

    return 0 == result ? 0 : 1;
}

JNIEXPORT jbyteArray JNICALL Java_io_blocksync_nativeio_NftablesSession_output0(JNIEnv *env, jclass type, jlong handle)
{
    (void)type;
    /* Reading the buffer also rewinds it for the next command. */
    const char *text = nft.output_buffer(((struct nft_session *)(intptr_t)handle)->ctx);
    return to_bytes(env, NULL == text ? "" : text, NULL == text ? 0 : strlen(text));
}

JNIEXPORT jbyteArray JNICALL Java_io_blocksync_nativeio_NftablesSession_error0(JNIEnv *env, jclass type, jlong handle)
{
    (void)type;
    const char *text = nft.error_buffer(((struct nft_session *)(intptr_t)handle)->ctx);
    return to_bytes(env, NULL == text ? "" : text, NULL == text ? 0 : strlen(text));
}

/* Output flags (NFT_CTX_OUTPUT_*, nftables/libnftables.h) change only how listings print and what they fetch. */
JNIEXPORT void JNICALL Java_io_blocksync_nativeio_NftablesSession_outputFlags0(
    JNIEnv *env, jclass type, jlong handle, jint flags)
{
    (void)env;
    (void)type;
    nft.output_set_flags(((struct nft_session *)(intptr_t)handle)->ctx, (unsigned int)flags);
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_NftablesSession_close0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    struct nft_session *session = (struct nft_session *)(intptr_t)handle;
    nft.ctx_free(session->ctx);
    free(session->ns.path);
    free(session);
}

/* ---- ipset ---- */

static void text_append(struct text *text, const char *format, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    const int needed = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (needed <= 0 || text->length + (size_t)needed >= MAX_TEXT_LENGTH)
    {
        return;
    }

    if (text->length + (size_t)needed + 1 > text->capacity)
    {
        size_t capacity = 0 == text->capacity ? 256 : text->capacity;
        while (capacity < text->length + (size_t)needed + 1)
        {
            capacity *= 2;
        }
        char *grown = realloc(text->data, capacity);
        if (NULL == grown)
        {
            return;
        }
        text->data = grown;
        text->capacity = capacity;
    }

    vsnprintf(text->data + text->length, (size_t)needed + 1, format, args);
    text->length += (size_t)needed;
}

static void text_printf(struct text *text, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    text_append(text, format, args);
    va_end(args);
}

/*
 * ipset_parse_stream goes on after a failed line when the error callbacks return (the ipset tool exits inside
 * them instead); moving the input to its end makes it stop there, as `ipset restore` does.
 */
static void ipset_stop(struct ipset_session_state *state, int status)
{
    if (0 == state->status)
    {
        state->status = status;
        state->stopped_at = ftell(state->input);
        fseek(state->input, 0, SEEK_END);
    }
}

/* "Error in line N: ..." counts lines since the struct ipset was made; report the line of this call's script. */
static void ipset_error_line(struct ipset_session_state *state, const char *message)
{
    static const char prefix[] = "Error in line ";
    unsigned long line;
    int consumed = 0;
    if (0 == strncmp(message, prefix, sizeof(prefix) - 1) &&
        1 == sscanf(message + sizeof(prefix) - 1, "%lu%n", &line, &consumed) && line > state->lines_before)
    {
        text_printf(&state->error, "%s%lu", prefix, line - state->lines_before);
        message += sizeof(prefix) - 1 + consumed;
    }

    /* Session reports end in a newline, parser messages do not; the tool prints one either way. */
    const size_t length = strlen(message);
    text_printf(&state->error, "%s%s", message, length > 0 && '\n' == message[length - 1] ? "" : "\n");
}

static int ipset_custom_error(struct ipset *ipset, void *p, int status, const char *message, ...)
{
    (void)ipset;
    struct ipset_session_state *state = p;
    if (0 == status || NULL == message)
    {
        return 0;
    }

    char formatted[MESSAGE_LENGTH * 2];
    va_list args;
    va_start(args, message);
    vsnprintf(formatted, sizeof(formatted), message, args);
    va_end(args);
    ipset_error_line(state, formatted);
    ipset_stop(state, status > IPSET_VERSION_PROBLEM ? 1 : status);

    return -1;
}

static int ipset_standard_error(struct ipset *ipset, void *p)
{
    struct ipset_session_state *state = p;
    struct ipset_session *session = ips.session(ipset);
    const int kind = ips.report_type(session);
    const char *message = ips.report_msg(session);
    if (IPSET_WARNING == kind)
    {
        /* A warning does not fail the call; the tool prints it the same way. */
        text_printf(&state->error, "Warning: %s", NULL == message ? "" : message);
    }
    else if (IPSET_NOTICE == kind || IPSET_ERROR == kind)
    {
        ipset_error_line(state, NULL == message ? "unknown ipset error" : message);
        ipset_stop(state, 1);
    }
    ips.report_reset(session);

    return IPSET_WARNING == kind ? 0 : -1;
}

static int ipset_print_out(struct ipset_session *session, void *p, const char *format, ...)
{
    (void)session;
    struct ipset_session_state *state = p;
    va_list args;
    va_start(args, format);
    text_append(&state->output, format, args);
    va_end(args);

    return 0;
}

/* Options a line sets (-t, -n, -exist, ...) last to the end of its script, as in one `ipset restore`. */
static void ipset_reset_options(struct ipset_session_state *state)
{
    struct ipset_session *session = ips.session(state->ipset);
    for (int bit = 0; bit < IPSET_ENV_BITS; bit++)
    {
        ips.envopt_unset(session, 1 << bit);
    }
    if (state->exist)
    {
        ips.envopt_set(session, IPSET_ENV_EXIST);
    }
}

static bool ipset_renew(JNIEnv *env, struct ipset_session_state *state)
{
    if (NULL != state->ipset)
    {
        ips.fini(state->ipset);
    }
    state->lines_before = 0;
    state->ipset = ips.init();
    if (NULL == state->ipset)
    {
        throw_io(env, "ipset_init failed (out of memory?)");
        return false;
    }
    ips.custom_printf(state->ipset, ipset_custom_error, ipset_standard_error, ipset_print_out, state);
    ipset_reset_options(state);

    return true;
}

/* How many lines fgets(buffer, IPSET_LINE_BUFFER) returns for text[0, end): ipset's restore line numbers. */
static uint32_t fgets_lines(const char *text, size_t end)
{
    uint32_t lines = 0;
    size_t at = 0;
    while (at < end)
    {
        const char *newline = memchr(text + at, '\n', end - at);
        const size_t line_end = NULL == newline ? end : (size_t)(newline - text) + 1;
        at = line_end - at > IPSET_LINE_BUFFER - 1 ? at + IPSET_LINE_BUFFER - 1 : line_end;
        lines++;
    }

    return lines;
}

JNIEXPORT jstring JNICALL Java_io_blocksync_nativeio_IpsetSession_probe0(JNIEnv *env, jclass type, jstring soname)
{
    (void)type;
    return probe(env, soname, load_ipset);
}

JNIEXPORT jlong JNICALL Java_io_blocksync_nativeio_IpsetSession_open0(
    JNIEnv *env, jclass type, jstring network_namespace, jboolean exist)
{
    (void)type;
    if (NULL == ips.init)
    {
        throw_io(env, "libipset is not loaded");
        return 0;
    }

    struct ipset_session_state *state = calloc(1, sizeof(*state));
    if (NULL == state)
    {
        throw_io(env, "out of memory");
        return 0;
    }
    state->exist = JNI_TRUE == exist;
    if (!namespace_init(env, &state->ns, network_namespace) || !ipset_renew(env, state))
    {
        free(state->ns.path);
        free(state);
        return 0;
    }

    return (jlong)(intptr_t)state;
}

JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_IpsetSession_run0(
    JNIEnv *env, jclass type, jlong handle, jbyteArray script)
{
    (void)type;
    struct ipset_session_state *state = (struct ipset_session_state *)(intptr_t)handle;
    state->output.length = 0;
    state->error.length = 0;
    state->status = 0;
    state->stopped_at = -1;

    jsize length;
    char *text = copy_script(env, script, &length);
    if (NULL == text)
    {
        return -1;
    }
    if (0 == length)
    {
        free(text);
        return 0;
    }
    if (state->lines_before > IPSET_RENEW_AFTER_LINES && !ipset_renew(env, state))
    {
        free(text);
        return -1;
    }
    ipset_reset_options(state);

    state->input = fmemopen(text, (size_t)length, "r");
    if (NULL == state->input)
    {
        free(text);
        throw_errno(env, "fmemopen", NULL, errno);
        return -1;
    }
    if (!namespace_enter(env, &state->ns))
    {
        fclose(state->input);
        free(text);
        return -1;
    }

    ips.parse_stream(state->ipset, state->input);
    /* A line ipset could not split returns before the final commit; send what was gathered, as at any end. */
    struct ipset_session *session = ips.session(state->ipset);
    if (ips.commit(session) < 0)
    {
        ipset_standard_error(state->ipset, state);
    }
    const bool left = namespace_leave(env, &state->ns);

    const size_t consumed = state->stopped_at < 0 ? (size_t)length : (size_t)state->stopped_at;
    state->lines_before += fgets_lines(text, consumed);
    fclose(state->input);
    state->input = NULL;
    free(text);

    return left ? state->status : -1;
}

JNIEXPORT jbyteArray JNICALL Java_io_blocksync_nativeio_IpsetSession_output0(JNIEnv *env, jclass type, jlong handle)
{
    (void)type;
    struct ipset_session_state *state = (struct ipset_session_state *)(intptr_t)handle;
    return to_bytes(env, state->output.data, state->output.length);
}

JNIEXPORT jbyteArray JNICALL Java_io_blocksync_nativeio_IpsetSession_error0(JNIEnv *env, jclass type, jlong handle)
{
    (void)type;
    struct ipset_session_state *state = (struct ipset_session_state *)(intptr_t)handle;
    return to_bytes(env, state->error.data, state->error.length);
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_IpsetSession_close0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    struct ipset_session_state *state = (struct ipset_session_state *)(intptr_t)handle;
    ips.fini(state->ipset);
    free(state->output.data);
    free(state->error.data);
    free(state->ns.path);
    free(state);
}
