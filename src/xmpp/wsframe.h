/*
 * The RFC 6455 side of a WebSocket client, by wslay, without I/O: bytes
 * from the server go in through wsframe_feed, whole messages and every
 * frame come out through one callback, and what perch must send (frames,
 * pongs, the close handshake) collects in an output buffer the caller
 * writes. wslay enforces the protocol (masking, reserved bits, opcodes,
 * fragmentation, control frame sizes, UTF-8, close codes) and the message
 * size limit; a refusal comes back with a cause that names the rule, found
 * by a second wslay reader (its frame layer) that sees every header.
 */
#ifndef PERCH_WSFRAME_H
#define PERCH_WSFRAME_H

#include <stddef.h>

#define WSFRAME_CONTINUATION 0x0
#define WSFRAME_TEXT 0x1
#define WSFRAME_BINARY 0x2
#define WSFRAME_CLOSE 0x8
#define WSFRAME_PING 0x9
#define WSFRAME_PONG 0xa

/* "text", "cont", "binary", "close", "ping", "pong"; "?" for others.
 * Static. */
const char *wsframe_opcode_name(unsigned opcode);

/* One frame in or out. Pointers borrowed for the call. */
struct wsframe_frame {
    int out;                 /* 1: perch sends it */
    unsigned opcode;         /* WSFRAME_* (or whatever a refused one had) */
    int fin;                 /* the last frame of its message */
    int mask;                /* the mask bit (only a refused frame has it) */
    unsigned long long size; /* payload bytes of this frame */
    /* In, at the end of a message: all of it (text: every fragment; ping,
     * pong, close: the payload); NULL otherwise. */
    const char *msg;
    size_t msg_len;
    unsigned close_code;      /* close: its status code, 0 when none */
    const char *close_reason; /* close: NUL-terminated, "" when none */
    const char *error;        /* the frame was refused: why; else NULL */
};

typedef void (*wsframe_cb)(void *arg, const struct wsframe_frame *f);

struct wsframe;

/* A client-side context; max_message bounds a message (all fragments)
 * and a frame. Never NULL. cb is called for every frame in and out. */
struct wsframe *wsframe_new(unsigned long long max_message, wsframe_cb cb,
                            void *arg);
void wsframe_free(struct wsframe *w);

/*
 * Reads len bytes from the server. 0: read (a close from the server is
 * reported as its frame, and wsframe_open() becomes 0); -1: the input
 * broke a rule of RFC 6455, the close frame saying so is in the output
 * and wsframe_cause() names the rule. Nothing is read after a close, a
 * refusal or wsframe_stop().
 */
int wsframe_feed(struct wsframe *w, const char *data, size_t len);
/* Reads nothing more (allowed inside the callback). */
void wsframe_stop(struct wsframe *w);
/* After -1: "a masked frame (RFC 6455 5.1: servers never mask)
 * (perch closed with 1002 protocol error)". Borrowed. */
const char *wsframe_cause(const struct wsframe *w);

/* Queue a text message, a ping, or the close frame (reason may be NULL).
 * -1 when the close handshake has begun and nothing more may be sent. */
int wsframe_send_text(struct wsframe *w, const char *text, size_t len);
int wsframe_ping(struct wsframe *w, const char *data, size_t len);
int wsframe_close(struct wsframe *w, unsigned code, const char *reason);

/* Bytes waiting to be written (borrowed, valid until the next call), and
 * how many of them were written. */
const char *wsframe_output(const struct wsframe *w, size_t *len);
void wsframe_written(struct wsframe *w, size_t n);

/* 1 until a close frame was received or sent. */
int wsframe_open(const struct wsframe *w);
/* 1 when a close frame came from the server (its code: close_code). */
int wsframe_close_received(const struct wsframe *w, unsigned *close_code);

/* Where the input stands when the connection ends: NULL between frames,
 * else "in the middle of a text frame (40 of 100 bytes)". New string,
 * caller frees. */
char *wsframe_eof_cause(const struct wsframe *w);

#endif
