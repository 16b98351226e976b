# Shared by the shell tests of svl report (tests/cli/report.t,
# report_summaries.t): an HTML validator and the self-contained check.
# Sourced after lib.sh.
# html5lib's strict parser fails on any HTML5 parse error; Debian's
# python3-html5lib is for the system python (make report-deps installs it).
validator=""
for py in /usr/bin/python3 python3; do
  if "$py" -c 'import html5lib' 2>/dev/null; then validator=$py; break; fi
done
valid_html() {
  "$validator" -c '
import sys, html5lib
p = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
try:
    p.parse(open(sys.argv[1], "rb").read().decode("utf-8"))
except Exception as e:
    print(e, p.errors[:3])
    sys.exit(1)' "$1"
}

self_contained() { # FILE: no script, no external URL or resource
  ! grep -qiE '<script|<link|<iframe|<object|<embed|@import|https?://| src=|url\([^#]' "$1"
}


# A rule file whose gate fails at run time (a division by zero), for the
# checks that a failed run writes nothing.
broken_rules() {
  cat >"$1" <<'SVL'
rule gate(b) {
  require b.price / 0 > 1, "never"
}
report {
  title: "broken"
  ranking: [{supplier: "A", price: 1}]
  gates: [gate]
}
SVL
}
