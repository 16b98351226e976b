/* The HTML of the evaluation report (docs/report.md) that does not
 * depend on what the report shows: escaping and bidi isolation of data
 * text, and the page's style sheet (screen and A4 print). */
#include <string.h>

#include "core/gc.h"
#include "tools/report.h"

void html_esc(sbuf *b, const char *s, size_t len) {
  size_t from = 0;
  for (size_t i = 0; i < len; i++) {
    const char *rep = NULL;
    switch (s[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    case '\0': rep = "\xEF\xBF\xBD"; break; /* U+FFFD: HTML has no NUL */
    default: continue;
    }
    sb_putn(b, s + from, i - from);
    sb_puts(b, rep);
    from = i + 1;
  }
  sb_putn(b, s + from, len - from);
}

void html_escs(sbuf *b, const char *s) { html_esc(b, s, strlen(s)); }

/* The bidi controls (UAX #9): 0 none, 'e' an embedding or override
 * (U+202A/B/D/E, closed by PDF U+202C), 'i' an isolate (U+2066..8, closed
 * by PDI U+2069), 'p' PDF, 'q' PDI. */
char bidi_kind(const unsigned char *p, size_t left) {
  if (left < 3 || p[0] != 0xE2) return 0;
  if (p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) return p[2] == 0xAC ? 'p' : 'e';
  if (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9) return p[2] == 0xA9 ? 'q' : 'i';
  return 0;
}

/* len bytes of data text, HTML-escaped, its bidi controls balanced: a
 * closer with nothing to close is dropped and whatever the text opens is
 * closed at its end, so no character in it reaches past it (a supplier
 * called "Zeta\u{202E}" cannot reverse the sentence it sits in).  The
 * isolation itself is the caller's (<bdi>, or FSI…PDI where no element
 * can go). */
void bidi_esc(sbuf *b, const char *s, size_t len) {
  char stack[64];
  int depth = 0;
  size_t from = 0;
  for (size_t i = 0; i < len; i++) {
    char k = bidi_kind((const unsigned char *)s + i, len - i);
    if (!k) continue;
    bool keep = true;
    if (k == 'e' || k == 'i') {
      keep = depth < (int)sizeof stack;
      if (keep) stack[depth++] = k;
    } else if (k == 'p') { /* closes an embedding above the last isolate */
      keep = depth > 0 && stack[depth - 1] == 'e';
      if (keep) depth--;
    } else { /* PDI closes the last isolate and the embeddings inside it */
      int j = depth - 1;
      while (j >= 0 && stack[j] != 'i') j--;
      keep = j >= 0;
      if (keep) depth = j;
    }
    if (keep) continue;
    html_esc(b, s + from, i - from);
    from = i + 3;
    i += 2;
  }
  html_esc(b, s + from, len - from);
  while (depth > 0) sb_puts(b, stack[--depth] == 'e' ? "\xE2\x80\xAC" : "\xE2\x81\xA9");
}

void data_text(sbuf *b, const char *s) {
  sb_puts(b, "<bdi>");
  bidi_esc(b, s, strlen(s));
  sb_puts(b, "</bdi>");
}

void rp_th(sbuf *b, const char *scope, const char *text) {
  sb_printf(b, "<th scope=\"%s\">", scope);
  data_text(b, text);
  sb_puts(b, "</th>");
}

void data_attr(sbuf *b, const char *s, size_t len) {
  sb_puts(b, "\xE2\x81\xA8"); /* FSI … PDI: an attribute or SVG text has no <bdi> */
  bidi_esc(b, s, len);
  sb_puts(b, "\xE2\x81\xA9");
}

/* Screen: tables that do not fit scroll inside their own box (the page
 * never widens, nothing is cut off); a name with no space breaks anywhere;
 * a chart keeps a width at which its 12px labels stay about 10px or more
 * and scrolls on a phone.  Print: A4 with the page number and count at the
 * foot, tables wrap (anywhere, if need be) and shrink to the width, and each explanation is one
 * summary line unless report_css_print_explanations is added. */
const char report_css[] =
  ":root{color-scheme:light}\n"
  "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#111;background:#fff;"
  "max-width:62rem;margin:1.5rem auto;padding:0 1rem}\n"
  "h1{font-size:1.7rem;margin:.2rem 0}h2{border-bottom:2px solid #1d3557;padding-bottom:.2rem;margin-top:2rem}\n"
  "header p{margin:.2rem 0;color:#333}nav ul{display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;list-style:none}\n"
  ".scroll{overflow-x:auto;max-width:100%}\n"
  "table{border-collapse:collapse;margin:.6rem 0;width:100%}th,td{border:1px solid #bbb;padding:.3rem .5rem;"
  "text-align:left;vertical-align:top;overflow-wrap:break-word}thead th{background:#e8edf3}"
  "tbody th{font-weight:600;overflow-wrap:anywhere}\n"
  "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}caption{caption-side:top;"
  "text-align:left;font-weight:600;padding:.3rem 0}\n"
  "p,li,h1,h2,h3,summary{overflow-wrap:anywhere}\n"
  ".decision{font-size:1.1rem;background:#eef6ee;border-left:6px solid #2a7a2a;padding:.6rem 1rem}\n"
  ".summary{font-size:1.05rem}.weight{font-weight:normal;color:#444}tr.first th,tr.first td{background:#f3f8f3}\n"
  "strong.tie,p.tie{color:#7a3b00}tr.tie td.tie{background:#fff4e0}td.not-ahead{background:#fff4e0}\n"
  ".pass{color:#1e5a1e}.fail{color:#9a0000;font-weight:600}ul.reasons,ul.warnings{margin:.2rem 0 0 1rem;padding:0;"
  "font-weight:normal}ul.warnings{color:#6a4a00}\n"
  "tr.flagged th,tr.flagged td{background:#fdecd8}figure{margin:1rem 0;overflow-x:auto}"
  "svg.chart{width:100%;min-width:640px;max-width:880px;height:auto;display:block;font-size:12px}\n"
  "svg.defs{position:absolute}figcaption{font-size:.9rem;color:#333}\n"
  "pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;background:#f6f6f6;padding:.5rem;margin:.3rem 0}\n"
  "details{margin:.4rem 0;border:1px solid #ccc;padding:.3rem .6rem}summary{cursor:pointer;font-weight:600}\n"
  "td.hash{font-family:monospace;font-size:11px;word-break:break-all}footer{margin-top:2rem;font-size:.9rem}\n"
  ".print-only{display:none}\n"
  "td.date{white-space:nowrap}tr.declared th,tr.declared td{background:#fff4e0}table.sign-off td.sign{min-width:9rem;height:2.6rem;"
  "border-bottom:2px solid #333}\n"
  "@page{size:A4;margin:14mm 12mm 16mm;"
  "@bottom-center{content:\"Page \" counter(page) \" of \" counter(pages);font:9pt system-ui,sans-serif;color:#444}}\n"
  "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}nav{display:none}h2{break-after:avoid}"
  ".scroll,figure{overflow:visible}table{font-size:8.5pt}th,td{padding:.15rem .3rem;overflow-wrap:anywhere}td.num{white-space:normal}"
  "svg.chart{min-width:0}figure,tr,svg.chart,#sign-off{break-inside:avoid}details{border:none;padding:0;margin:.1rem 0}"
  "summary{list-style:none}.print-only{display:block}"
  "*{print-color-adjust:exact;-webkit-print-color-adjust:exact}}\n";

const char report_css_print_explanations[] =
  "@media print{details::details-content{content-visibility:visible;display:block}}\n";
