/* A list of records as a CSV or Markdown table (core/output.c). */
#ifndef SVL_OUTPUT_H
#define SVL_OUTPUT_H

#include "core/value.h"

/* Is x a list whose items are all records (a table)? */
bool output_records_list(value x);
/* CSV: dotted columns for nested records, exact numbers, one unit per
 * column or an amount column and a unit column.  GC text. */
const char *output_csv(value x);
/* Markdown: dotted columns, numbers rounded to 4 places for display. */
const char *output_md(value x);

#endif
