#include "lisp-error.h"

G_DEFINE_QUARK (lisp-error-quark, lisp_error)
