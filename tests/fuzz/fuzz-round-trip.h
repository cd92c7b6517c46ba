/* What every decoder's fuzz target checks besides "no crash, no leak": a message that
 * decodes re-encodes, and its encoding is a fixed point (decode + encode gives the same
 * bytes again), so the encoder and decoder agree on every field the decoder accepted. */
#pragma once

#include <glib.h>
#include <stdlib.h>

#define FUZZ_KEY ((const guint8 *) "fuzz-key")
#define FUZZ_KEY_LEN 8

/* libFuzzer treats abort() as a finding; g_assert may be compiled out, this may not. */
#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond))                                                                  \
      {                                                                           \
        g_printerr ("%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
        abort ();                                                                 \
      }                                                                           \
  } while (0)

/* Decode data with decode(), encode with encode(); then check the fixed point. The
 * encode expression may use `msg`; it may fail only with a GError. */
#define FUZZ_ROUND_TRIP(Type, free_func, decode, encode_expr)                      \
  do {                                                                             \
    Type *msg = NULL;                                                              \
    GBytes *first = NULL, *second = NULL;                                          \
    GError *error = NULL;                                                          \
    if (!decode (data, size, &msg, &error))                                        \
      {                                                                            \
        FUZZ_CHECK (error != NULL && msg == NULL);                                 \
        g_error_free (error);                                                      \
        return 0;                                                                  \
      }                                                                            \
    first = (encode_expr);                                                         \
    free_func (msg);                                                               \
    msg = NULL;                                                                    \
    if (first == NULL)                                                             \
      {                                                                            \
        FUZZ_CHECK (error != NULL);                                                \
        g_error_free (error);                                                      \
        return 0;                                                                  \
      }                                                                            \
    FUZZ_CHECK (decode (g_bytes_get_data (first, NULL), g_bytes_get_size (first),  \
                        &msg, &error));                                            \
    second = (encode_expr);                                                        \
    FUZZ_CHECK (second != NULL);                                                   \
    FUZZ_CHECK (g_bytes_equal (first, second));                                    \
    free_func (msg);                                                               \
    g_bytes_unref (first);                                                         \
    g_bytes_unref (second);                                                        \
  } while (0)
