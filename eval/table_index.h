/* A row index for decision tables (eval/table_index.c): which rows can
 * match the given inputs, without testing every row.  Used by eval_table
 * (eval/eval.c); the table's observable behaviour -- results, errors,
 * explain, coverage, step counts -- is the linear scan's. */
#ifndef SVL_TABLE_INDEX_H
#define SVL_TABLE_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/ast.h"

typedef struct table_index table_index;

/* Indexed columns looked up per call: their row sets go in an array of
 * this many pointers on the caller's stack. */
#define TABLE_INDEX_MAX_COLS 16

/* The index of table d (an N_TABLE node), built on the first call and kept
 * on the node; NULL when the table has nothing worth indexing. */
const table_index *table_index_of(const node *d);

/* Point sets[0..] at the rows that can match inputs ins (one per input
 * column).  False when an input is of a kind the index cannot judge (null,
 * a text in a number column, another unit): scan every row then. */
bool table_index_locate(const table_index *ix, const value *ins, const uint64_t **sets);

/* The one row that can match inputs ins, when the index knows it
 * matches and that no other row does (one indexed column, no dirty row);
 * 0 when it cannot say: several rows, none, or an input it cannot judge. */
int table_index_only(const table_index *ix, const value *ins);

/* The first row >= from (rows count from 1) that can match, or a number
 * greater than the table's last row. */
int table_index_next(const table_index *ix, const uint64_t *const *sets, int from);

/* A dirty row has a cell the index does not judge (a test against a
 * parameter, a call, a test that can fail): the caller tests it as the
 * scan would.  A candidate row that is not dirty matches. */
bool table_index_dirty(const table_index *ix, int row);

/* Tests only: true makes table_index_of return NULL (the linear scan), so
 * that a test can compare both ways on the same tables. */
extern bool table_index_off;

#endif
