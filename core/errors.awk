# Turn docs/errors.md into the C catalogue included by core/errors.c.
# An entry is a "## E0123 title" heading and everything up to the next
# "## " heading; the text keeps its Markdown, which reads well in a terminal.
# A C string literal of s and a newline, escaped one character at a time
# (awk implementations disagree about backslashes in gsub replacements).
function cstr(s,    out, i, c) {
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\" || c == "\"" || c == "?") out = out "\\" c   # "\?": no trigraphs in C17
    else if (c == "\t") out = out "\\t"
    else out = out c
  }
  return "\"" out "\\n\""
}
function flush() {
  if (code == "") return
  while (n > 0 && body[n] == "") n--
  printf "  {\"%s\", %s,\n", code, substr(cstr(title), 1, length(cstr(title)) - 3) "\""
  printf "   %s", cstr(code " " title)
  printf "\n   \"\\n\""
  for (i = 1; i <= n; i++) printf "\n   %s", cstr(body[i])
  printf "},\n"
  index_text = index_text "   " cstr(code "  " title) "\n"
  code = ""
}
BEGIN { print "/* Generated from docs/errors.md by core/errors.awk: do not edit. */"
        print "static const errdoc catalogue[] = {" }
/^## E[0-9][0-9][0-9][0-9] / { flush(); code = $2; title = substr($0, 10); n = 0; next }
/^## / { flush(); next }
/^# / && code == "" { next }
code != "" { if (n == 0 && $0 == "") next; body[++n] = $0 }
END { flush(); print "};"
      print "static const char catalogue_index[] ="
      printf "%s", index_text
      print "   \"\";" }
