/* Bit-level helpers over network-order address bytes, shared by the prefix type and the
 * map-cache trie. Bit 0 is the most significant bit of byte 0, as in a prefix length. */
#pragma once

#include <glib.h>
#include <string.h>

/* The value (0 or 1) of bit i. */
static inline guint
lisp_addr_bit (const guint8 *addr, guint i)
{
  return (addr[i >> 3] >> (7 - (i & 7))) & 1;
}

/* How many leading bits a and b share, at most max_bits. */
static inline guint
lisp_addr_common_bits (const guint8 *a, const guint8 *b, guint max_bits)
{
  guint i;

  for (i = 0; i * 8 < max_bits; i++)
    {
      guint8 diff = a[i] ^ b[i];

      if (diff != 0)
        {
          guint n = i * 8 + (guint) (__builtin_clz ((guint) diff) - 24);
          return MIN (n, max_bits);
        }
    }
  return max_bits;
}

/* Whether the first len bits of a and b are equal. */
static inline gboolean
lisp_addr_match (const guint8 *a, const guint8 *b, guint len)
{
  guint bytes = len >> 3;
  guint rest = len & 7;

  if (memcmp (a, b, bytes) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;
  return ((a[bytes] ^ b[bytes]) & (guint8) (0xff << (8 - rest))) == 0;
}

/* Clears every bit from len on, so equal prefixes are equal bytes. */
static inline void
lisp_addr_clear_from (guint8 addr[16], guint len)
{
  guint bytes = len >> 3;
  guint rest = len & 7;

  if (len >= 128)
    return;
  if (rest != 0)
    addr[bytes++] &= (guint8) (0xff << (8 - rest));
  memset (addr + bytes, 0, 16 - bytes);
}
