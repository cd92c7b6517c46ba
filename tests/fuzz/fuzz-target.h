/* The libFuzzer entry points. A fuzz target (fuzz-NAME.c) defines LLVMFuzzerTestOneInput and
 * may define LLVMFuzzerInitialize. It must not keep state between inputs, must free what it
 * allocates (LeakSanitizer runs under libFuzzer) and aborts (g_assert) on a broken
 * invariant. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);
