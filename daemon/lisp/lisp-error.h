/* Errors of the LISP protocol library. Every decoding error names the field and the
 * byte offset inside the message, so a log line is enough to find the bad byte. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LISP_ERROR (lisp_error_quark ())
GQuark lisp_error_quark (void);

typedef enum {
  LISP_ERROR_TRUNCATED,   /* a field runs past the end of the message */
  LISP_ERROR_INVALID,     /* a field holds a value the format forbids */
  LISP_ERROR_UNSUPPORTED, /* a well-formed value this library does not handle */
  LISP_ERROR_AUTH,        /* authentication data missing, malformed or wrong */
} LispError;

G_END_DECLS
