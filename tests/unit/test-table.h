/* Table-driven unit tests: where one check repeats over many inputs, the inputs are a table
 * of rows and one function runs a row. Each row's first member is `const char *path`, the
 * GTest path of its case (readable and stable: "/map-reply/bad-counts/255-locators"), so that
 * a failure names its case and one case can be run alone (-p PATH). */
#pragma once

#include <glib.h>

static inline void
test_add_table (gconstpointer rows, gsize n_rows, gsize row_size, GTestDataFunc func)
{
  for (gsize i = 0; i < n_rows; i++)
    {
      const char *const *path = (const char *const *) ((const guint8 *) rows + i * row_size);

      g_test_add_data_func (*path, path, func);
    }
}

/* Adds one test per row of the array rows, each running func with its row as the data. */
#define TEST_ADD_TABLE(rows, func)                                                                 \
  test_add_table ((rows), G_N_ELEMENTS (rows), sizeof (rows)[0], (func))
