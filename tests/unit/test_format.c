/* Tests for lang/format.c (svl fmt), printed as TAP version 13.
 *
 * First fixed cases: input, expected output, and that the expected output
 * is a fixed point.  Then every file named on the command line: the
 * formatted text must parse to the same AST as the original (compared
 * node by node, positions aside) and format to itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svl.h"
#include "core/gc.h"
#include "core/value.h"
#include "lang/format.h"
#include "lang/parse.h"
#include "tap.h"


static void diag_yaml(const char *got, const char *want) {
  printf("  ---\n  got: |\n");
  for (const char *p = got ? got : "(null)"; *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    printf("    %.*s\n", (int)n, p);
    p += n + (e ? 1 : 0);
  }
  printf("  want: |\n");
  for (const char *p = want; *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    printf("    %.*s\n", (int)n, p);
    p += n + (e ? 1 : 0);
  }
  printf("  ...\n");
}

static source *src_of(const char *name, const char *text, size_t len) {
  source *s = gc_alloc(sizeof *s);
  s->name = name;
  s->dir = "";
  s->text = gc_strndup(text, len);
  s->len = len;
  return s;
}

static const char *fmt(const char *name, const char *text, size_t len, size_t *outlen, diag *err) {
  const char *out;
  memset(err, 0, sizeof *err);
  if (!format_source(src_of(name, text, len), &out, outlen, err)) return NULL;
  return out;
}

static void is_fmt(const char *what, const char *in, const char *want) {
  diag e;
  size_t n;
  const char *got = fmt("case.svl", in, strlen(in), &n, &e);
  bool same = got && n == strlen(want) && memcmp(got, want, n) == 0;
  ok(same, what);
  if (!same) {
    if (!got) printf("  # error: %s\n", e.msg ? e.msg : "?");
    diag_yaml(got, want);
  }
  char w[200];
  snprintf(w, sizeof w, "%s: formatted again, unchanged", what);
  got = fmt("case.svl", want, strlen(want), &n, &e);
  same = got && n == strlen(want) && memcmp(got, want, n) == 0;
  ok(same, w);
  if (!same) diag_yaml(got, want);
}

static bool str_eq(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

/* The parse of the formatted text equals the original's in everything
 * but source positions. */
static bool ast_equal(const node *a, const node *b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind || a->op != b->op || a->opt != b->opt || a->nkids != b->nkids) return false;
  if (!str_eq(a->name, b->name) || !str_eq(a->name2, b->name2)) return false;
  if (a->lit.tag != b->lit.tag || a->lit.pct != b->lit.pct || !value_equal(a->lit, b->lit)) return false;
  if (!ast_equal(a->a, b->a) || !ast_equal(a->b, b->b) || !ast_equal(a->c, b->c)) return false;
  for (int i = 0; i < a->nkids; i++)
    if (!ast_equal(a->kids[i], b->kids[i])) return false;
  return true;
}

static char *read_path(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  sbuf b;
  sb_init(&b);
  char buf[8192];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, fp)) > 0) sb_putn(&b, buf, k);
  fclose(fp);
  *len = b.len;
  return b.s ? b.s : gc_strdup("");
}

static void check_file(const char *path) {
  char what[1200];
  size_t len;
  char *text = read_path(path, &len);
  snprintf(what, sizeof what, "%s can be read", path);
  if (!text) { ok(false, what); return; }
  diag e;
  memset(&e, 0, sizeof e);
  node *before = parse_source(src_of(path, text, len), &e);
  size_t n;
  const char *out = fmt(path, text, len, &n, &e);
  if (!before) {
    snprintf(what, sizeof what, "%s does not parse, and is not formatted", path);
    ok(out == NULL && (e.kind == DIAG_LEX || e.kind == DIAG_SYNTAX || e.kind == DIAG_INCOMPLETE), what);
    return;
  }
  snprintf(what, sizeof what, "%s formats", path);
  ok(out != NULL, what);
  if (!out) {
    printf("  # error: %s\n", e.msg ? e.msg : "?");
    return;
  }
  node *after = parse_source(src_of(path, out, n), &e);
  snprintf(what, sizeof what, "%s: the formatted text parses to the same AST", path);
  ok(after && ast_equal(before, after), what);
  size_t n2;
  const char *again = fmt(path, out, n, &n2, &e);
  snprintf(what, sizeof what, "%s: formatting is idempotent", path);
  ok(again && n2 == n && memcmp(again, out, n) == 0, what);
}

static void cases(void) {
  is_fmt("spaces around binary operators",
         "let x=1+2*3-4/5 mod 6\n",
         "let x = 1 + 2 * 3 - 4 / 5 mod 6\n");
  is_fmt("calls, indexes and fields are tight",
         "print f( a ,b )[ 1 ] . c\n",
         "print f(a, b)[1].c\n");
  is_fmt("records: no space inside braces, one after colons and commas",
         "let r = { a:1 , b : \"x\" ,}\n",
         "let r = {a: 1, b: \"x\",}\n");
  is_fmt("unary minus is tight, binary minus spaced",
         "let a = - 2 ^ - 2\nlet b = 3 - -1\nlet c = [ -1, - x ]\nlet d = (- x)\n",
         "let a = -2 ^ -2\nlet b = 3 - -1\nlet c = [-1, -x]\nlet d = (-x)\n");
  is_fmt("ranges of single terms are tight, others spaced",
         "let a = 1 .. 5\nlet b = £0 .. £10k\nlet c = 1 + 2..3\nlet d = x.y .. f(z)[1]\nlet e = 1 week..2 weeks\nlet f = -1..-x\n",
         "let a = 1..5\nlet b = £0..£10k\nlet c = 1 + 2 .. 3\nlet d = x.y..f(z)[1]\nlet e = 1 week .. 2 weeks\nlet f = -1..-x\n");
  is_fmt("number and money literals are kept as written",
         "let m = £1_200+£1.2m+10%+2.5e6+1_000.50+€3bn+$5\n",
         "let m = £1_200 + £1.2m + 10% + 2.5e6 + 1_000.50 + €3bn + $5\n");
  is_fmt("quantities and per",
         "let r = 12 FTE*£28_914   per FTE\n",
         "let r = 12 FTE * £28_914 per FTE\n");
  is_fmt("strings are kept byte for byte, interpolation included",
         "print   \"a  b {x+1}  \\t \\u{1F600}\"+\"{ f( \"y\" ) }\"\n",
         "print \"a  b {x+1}  \\t \\u{1F600}\" + \"{ f( \"y\" ) }\"\n");
  is_fmt("a line break inside an interpolation is kept",
         "print \"a{1 +\n      2}b\"\n",
         "print \"a{1 +\n      2}b\"\n");
  is_fmt("blocks indent by two spaces",
         "fn f(x) {\nlet y = x\n      y * 2\n}\n",
         "fn f(x) {\n  let y = x\n  y * 2\n}\n");
  is_fmt("continuation lines are indented once",
         "fn grade(x) =\nif x > 5 then \"a\"\nelse \"b\"\nlet t = 1 +\n2 +\n        3\n",
         "fn grade(x) =\n  if x > 5 then \"a\"\n  else \"b\"\nlet t = 1 +\n  2 +\n  3\n");
  is_fmt("else lines up with a line-starting if, and else-if chains",
         "fn g(x) {\n    if x then 1\n  else if y then 2\n      else 3\n}\n",
         "fn g(x) {\n  if x then 1\n  else if y then 2\n  else 3\n}\n");
  is_fmt("else after a mid-line if is a continuation",
         "let v = if c then 1\nelse 2\n",
         "let v = if c then 1\n  else 2\n");
  is_fmt("a requirement's message on the next line is a continuation",
         "rule r(b) {\nrequire b.ok,\n\"msg\"\n  warn b.x == null , \"no x\"\n}\n",
         "rule r(b) {\n  require b.ok,\n    \"msg\"\n  warn b.x == null, \"no x\"\n}\n");
  is_fmt("list and call items on their own lines are not continuations",
         "let xs = [\n1,\n    2,\n]\nlet y = f(a,\nb)\n",
         "let xs = [\n  1,\n  2,\n]\nlet y = f(a,\n  b)\n");
  is_fmt("brackets opened on one line indent once; a closing bracket lines up with its line",
         "let x = f([\n1,\n], {\na: 1\n})\n",
         "let x = f([\n  1,\n], {\n  a: 1\n})\n");
  is_fmt("decision table columns are aligned, comments kept",
         "table t(grade) hit first {\n"
         "| grade || points |   # header\n"
         "|\"excellent\"||100|\n"
         "  | \"poor\", \"bad\" || 0 |\n"
         "# the default\n"
         "|-||  -1|\n"
         "}\n",
         "table t(grade) hit first {\n"
         "  | grade         || points |  # header\n"
         "  | \"excellent\"   || 100    |\n"
         "  | \"poor\", \"bad\" || 0      |\n"
         "  # the default\n"
         "  | -             || -1     |\n"
         "}\n");
  is_fmt("tables with several inputs and outputs, not() and comparisons",
         "table band(amount: GBP, buyer: text) hit collect sum {\n"
         "| amount | buyer || band | notice |\n"
         "| < £135_018 | - || \"below\" | \"none\" |\n"
         "| £135_018 .. £5.193m | not( \"central\" , \"x\" ) || \"above\" | f( 1 ) |\n"
         "}\n",
         "table band(amount: GBP, buyer: text) hit collect sum {\n"
         "  | amount            | buyer               || band    | notice |\n"
         "  | < £135_018        | -                   || \"below\" | \"none\" |\n"
         "  | £135_018..£5.193m | not(\"central\", \"x\") || \"above\" | f(1)   |\n"
         "}\n");
  is_fmt("table columns count code points, not bytes",
         "table t(x) hit rule order {\n| x || y |\n| \"é£\" || 1 |\n}\n",
         "table t(x) hit rule order {\n  | x    || y |\n  | \"é£\" || 1 |\n}\n");
  is_fmt("a table row over two lines is kept, unaligned",
         "table t(x) {\n| x || y |\n| \"a\",\n \"b\" || 1 |\n}\n",
         "table t(x) {\n  | x || y |\n  | \"a\",\n    \"b\" || 1 |\n}\n");
  is_fmt("trailing comments of adjacent lines share a column",
         "let a = 1 # one\nlet bb = 22   # two\n\nlet c = 3 # three\n",
         "let a = 1    # one\nlet bb = 22  # two\n\nlet c = 3  # three\n");
  is_fmt("runs of blank lines collapse; none at the ends",
         "\n\n\nlet a = 1\n\n\n\nlet b = 2\n\n\n",
         "let a = 1\n\nlet b = 2\n");
  is_fmt("no blank line just inside braces",
         "fn f() {\n\n  1\n\n}\n",
         "fn f() {\n  1\n}\n");
  is_fmt("trailing blanks, tabs and CRLF are removed",
         "let a = 1   \r\n\tlet b = 2\r\n# c  \r\n",
         "let a = 1\nlet b = 2\n# c\n");
  is_fmt("the file ends with exactly one newline",
         "let a = 1 # c",
         "let a = 1  # c\n");
  is_fmt("record fields on their own lines, with comments",
         "indicator NT1 {\ntitle: \"Jobs\"   # the title\n  # a comment line\n    unit: FTE\nproxy: £30_000 per FTE\n  # last\n}\n",
         "indicator NT1 {\n  title: \"Jobs\"  # the title\n  # a comment line\n  unit: FTE\n  proxy: £30_000 per FTE\n  # last\n}\n");
  is_fmt("a field value on the next line is a continuation",
         "let r = {\nprice:\n£1,\nok: a and\nb\n}\n",
         "let r = {\n  price:\n    £1,\n  ok: a and\n    b\n}\n");
  is_fmt("lambdas",
         "let f = fn( x ) = x*2\nlet g = b=>b.price\n",
         "let f = fn(x) = x * 2\nlet g = b => b.price\n");
  is_fmt("types",
         "type Bid = {supplier:text,weeks:weeks ?,xs:[ GBP ] ?}\n",
         "type Bid = {supplier: text, weeks: weeks?, xs: [GBP]?}\n");
  is_fmt("keywords as field names",
         "let r = {type:1,unit:2}\nprint r . unit\n",
         "let r = {type: 1, unit: 2}\nprint r.unit\n");
  is_fmt("comprehensions and not",
         "let v = [b.price for b in bids if not(eligible( b ))]\nprint(1)\n",
         "let v = [b.price for b in bids if not (eligible(b))]\nprint (1)\n");
  is_fmt("declarations",
         "import scoring\nimport \"a.svl\"  as  a\nunit tonne ,tonnes=1000 kg\nfn p(price:GBP,max=100)=max\ntest \"t\"{\nassert 1==1,\"m\"\n}\n",
         "import scoring\nimport \"a.svl\" as a\nunit tonne, tonnes = 1000 kg\nfn p(price: GBP, max = 100) = max\ntest \"t\" {\n  assert 1 == 1, \"m\"\n}\n");
  is_fmt("a comment inside an interpolation is kept with it",
         "print \"{1 # one\n}\"\n",
         "print \"{1 # one\n}\"\n");
  is_fmt("a byte order mark is kept",
         "\xEF\xBB\xBF  let a=1\n",
         "\xEF\xBB\xBFlet a = 1\n");
  is_fmt("an empty file stays empty", "\n\n  \n", "");
  is_fmt("a file of comments", "#!a\n\n\n   # b\n", "#!a\n\n# b\n");

  diag e;
  size_t n;
  const char *bad = "let x = (1 +\nlet y = 2\n";
  ok(fmt("bad.svl", bad, strlen(bad), &n, &e) == NULL && e.kind != 0 && e.at.src, "a syntax error is reported, with its place");
  bad = "let b = 2 \xC2\xA4 3\n";
  ok(fmt("bad.svl", bad, strlen(bad), &n, &e) == NULL && e.kind == DIAG_LEX, "a lexical error is reported");
}

/* The public entry point: malloc'ed result, errors through svl_last_error. */
static void api(void) {
  svl_config cfg;
  svl_config_init(&cfg);
  svl_vm *vm = svl_new(&cfg);
  char *out = NULL;
  svl_status st = svl_format_source(vm, "api.svl", "let  a=1 # one\n", SVL_NTS, &out);
  ok(st == SVL_OK && out && !strcmp(out, "let a = 1  # one\n"), "svl_format_source formats");
  free(out);
  out = (char *)"untouched";
  st = svl_format_source(vm, "api.svl", "let a = 1\nlet b = * 2\n", SVL_NTS, &out);
  const svl_error *e = svl_last_error(vm);
  ok(st == SVL_ERR_SYNTAX && out == NULL && e->line == 2 && e->file && !strcmp(e->file, "api.svl"),
     "svl_format_source: a syntax error, located, and no text");
  st = svl_format_source(vm, "api.svl", "", 0, &out);
  ok(st == SVL_OK && out && !strcmp(out, ""), "svl_format_source of nothing");
  free(out);
  ok(svl_format_source(vm, "api.svl", NULL, 3, &out) == SVL_ERR_USAGE, "svl_format_source refuses NULL source");
  svl_free(vm);
}

int main(int argc, char **argv) {
  gc_init();
  printf("TAP version 13\n");
  cases();
  api();
  for (int i = 1; i < argc; i++) check_file(argv[i]);
  return tap_done();
}
