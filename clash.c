#include <svl.h>
#include <stdio.h>
int read_file(void) { return 1; }
int eval(void) { return 2; }
int dec_parse(void) { return 3; }
int main(void) {
  svl_vm *vm = svl_new(NULL);
  svl_value *v = NULL;
  if (svl_load_string(vm, "c.svl", "let x = 0.1 + 0.2\n", SVL_NTS) || svl_get(vm, "x", &v)) return 1;
  char *s = svl_format_value(vm, v, SVL_FORMAT_TEXT);
  printf("%s %d\n", s, read_file() + eval() + dec_parse());
  return 0;
}
