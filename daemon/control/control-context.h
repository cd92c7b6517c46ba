/* What the control plane's parts (the resolver, the RLOC prober) work with: the node's
 * configuration, map-cache, RLOCs, sockets, data plane and counters. The node fills one and
 * each part keeps a copy, so the set is spelled once. */
#pragma once

#include <glib.h>
#include "control-counters.h"
#include "control-socket.h"
#include "dataplane.h"
#include "local-rlocs.h"
#include "map-cache.h"
#include "node-config.h"

G_BEGIN_DECLS

/* Borrowed pointers, none owned. */
typedef struct {
  const LmnConfig *config;
  LispMapCache *cache;
  const LmnLocalRlocs *rlocs;
  LmnControlSockets *sockets;
  LmnDataplane *dataplane; /* may be NULL (tests) */
  LmnControlCounters *counters;
} LmnControlContext;

G_END_DECLS
