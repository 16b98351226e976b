#include <stdio.h>
#include <stdlib.h>
#include <svl.h>

int main(void) {
  svl_vm *vm = svl_new(NULL); /* default limits, no permissions */
  const char *rules = "fn vat(price: GBP) = price * 20%\n";
  if (svl_load_string(vm, "rules.svl", rules, SVL_NTS) != SVL_OK) {
    fputs(svl_last_error(vm)->rendered, stderr);
    return 1;
  }
  svl_value *vat, *result, *price = svl_quantity(vm, "1234.50", "GBP");
  if (svl_get(vm, "vat", &vat) != SVL_OK || svl_call(vm, vat, 1, &price, &result) != SVL_OK) {
    fputs(svl_last_error(vm)->rendered, stderr);
    return 1;
  }
  char *text = svl_format_value(vm, result, SVL_FORMAT_TEXT);
  printf("VAT on £1,234.50 is %s\n", text); /* VAT on £1,234.50 is £246.90 */
  free(text);
  svl_free(vm); /* and every handle with it */
  return 0;
}
