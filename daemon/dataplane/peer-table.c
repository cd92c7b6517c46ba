/* Remote RLOCs and when traffic last went to or came from them (peer-table.h). */
#include "peer-table.h"

#include <string.h>

struct _LmnPeerTable {
  GHashTable *peers;  /* Peer* (its LmnIp is the key) */
  guint       max;
};

typedef struct {
  LmnIp  ip;
  gint64 last;
} Peer;

LmnPeerTable *
lmn_peer_table_new (guint max)
{
  LmnPeerTable *t = g_new0 (LmnPeerTable, 1);

  t->peers = g_hash_table_new_full ((GHashFunc) lmn_ip_hash, (GEqualFunc) lmn_ip_equal, g_free,
                                    NULL);
  t->max = max;
  return t;
}

void
lmn_peer_table_free (LmnPeerTable *t)
{
  if (t == NULL)
    return;
  g_hash_table_unref (t->peers);
  g_free (t);
}

static LmnIp
key_of (guint8 family, const guint8 *addr)
{
  LmnIp key = { .family = family };

  memcpy (key.addr, addr, lmn_ip_family_len (family));
  return key;
}

void
lmn_peer_table_note (LmnPeerTable *t, guint8 family, const guint8 *addr, gint64 now)
{
  LmnIp key = key_of (family, addr);
  Peer *peer = g_hash_table_lookup (t->peers, &key);

  if (peer == NULL)
    {
      if (g_hash_table_size (t->peers) >= t->max)
        return;
      peer = g_new0 (Peer, 1);
      peer->ip = key;
      g_hash_table_add (t->peers, peer);
    }
  peer->last = now;
}

gint64
lmn_peer_table_last_use (LmnPeerTable *t, guint8 family, const guint8 *addr)
{
  LmnIp key = key_of (family, addr);
  const Peer *peer = g_hash_table_lookup (t->peers, &key);

  return peer != NULL ? peer->last : 0;
}

GArray *
lmn_peer_table_recent (LmnPeerTable *t, gint64 since)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (LmnIp));
  GHashTableIter iter;
  Peer *peer;

  g_hash_table_iter_init (&iter, t->peers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &peer, NULL))
    {
      if (peer->last >= since)
        g_array_append_val (out, peer->ip);
      else
        g_hash_table_iter_remove (&iter);   /* forgotten: room for new peers */
    }
  return out;
}
