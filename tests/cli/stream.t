#!/bin/bash
# JSON Lines, concatenated JSON, streams, encodings and the load size
# limit (issue 23, docs/data.md): the analyst's per-buyer count of a
# JSON Lines file of OCDS release packages, streamed, against Python's
# json module; a file over 256 MiB generated here, refused by load and
# streamed under a heap ceiling.
. "$(dirname "$0")/lib.sh"
dir=$(cd "$(dirname "$0")/stream" && pwd)
SVL=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL")
cd "$tmp" || exit 1
cp "$dir"/* .

# 1. the analyst's file: streamed, typed by open record types
"$SVL" run per_buyer.svl per_buyer packages --format json >got.json 2>err
if python3 oracle.py packages.jsonl got.json; then ok "per_buyer.svl counts releases per buyer as Python's json does"
else not_ok "per_buyer.svl counts releases per buyer" "$(cat got.json err)"; fi
cat >same.svl <<'SVL'
import "per_buyer.svl" as pb
let loaded = [r.buyer.name ?? "(no buyer)" for p in load("packages.jsonl", [pb.Package]) for r in p.releases]
let same = loaded == pb.buyers and len(load("packages.jsonl")) == pb.packages
SVL
expect_out "streaming gives what load gives" "true" "$SVL" run same.svl same

# 2. concatenated JSON and the format option
printf '{"a": 1}\n{"a": 2} {"a":\n  3}\n' >concat.json
cp concat.json concat.txt
cat >concat.svl <<'SVL'
let loaded = [x.a for x in load("concat.json")]
let streamed = [x.a for x in stream("concat.json")]
let named = len(load("concat.txt", format: "jsonl"))
SVL
expect_out "concatenated JSON in a .json file loads as a list" "[1, 2, 3]" "$SVL" run concat.svl loaded
expect_out "... and streams item by item" "[1, 2, 3]" "$SVL" run concat.svl streamed
expect_out "format: names the format of a file without a known extension" "3" "$SVL" run concat.svl named
printf '' >empty.jsonl
echo 'print load("empty.jsonl")' >empty.svl
expect_out "an empty JSON Lines file is an empty list" "[]" "$SVL" run empty.svl
printf '{"a": 1}\n{"a": 2}\n{"a": tru}\n' >broken.jsonl
echo 'print count(stream("broken.jsonl"))' >broken.svl
expect_status "a broken item stops the stream" 1 "$SVL" run broken.svl
expect_err "naming its line and column in the file" "broken.jsonl:3:7: expected a value, found 't'"

# 3. typed items that do not fit are counted, not cut
python3 -c '
for i in range(300): print("{\"supplier\": \"S%d\", \"price\": %s}" % (i, "\"TBC\"" if i % 2 else str(i)))' >bids.jsonl
cat >typed.svl <<'SVL'
type Bid = {supplier: text, price: GBP, ..}
let prices = [b.price for b in stream("bids.jsonl", Bid)]
let loaded = load("bids.jsonl", [Bid])
SVL
expect_status "bad items of a typed stream stop the run at its end" 1 "$SVL" run typed.svl prices
expect_err "each named by its line" 'bids.jsonl:2: price: expected GBP, got "TBC"'
expect_err "and the ones not listed counted" "more (150 in all)"
if grep -q "(150 in all)" err && [ "$(wc -c <err)" -lt 1400 ]; then ok "the count is of every bad item (150), the message whole"
else not_ok "the count is of every bad item" "$(tail -3 err)"; fi
expect_status "a typed load lists them the same way" 1 "$SVL" run typed.svl loaded
expect_err "... counted" "more (150 in all)"

# 4. encodings
printf '{"name": "Caf\xe9 \x80 \x93quoted\x94"}\n' >cp1252.jsonl
printf 'supplier,price\nCaf\xe9 \x93Le Bon\x94,\xa3100\n' >cp1252.csv
echo 'print load("cp1252.jsonl", encoding: "windows-1252")[1].name' >enc_load.svl
echo 'print [x.name for x in stream("cp1252.jsonl", encoding: "latin-1")]' >enc_stream.svl
echo 'print load("cp1252.csv", encoding: "cp1252")' >enc_csv.svl
echo 'print load("cp1252.jsonl")' >enc_plain.svl
expect_out "Windows-1252 bytes 0x80-0x9F are the euro sign and curly quotes" 'Café € “quoted”' "$SVL" run enc_load.svl
expect_out "... in a stream (latin-1 is read as Windows-1252)" '["Café € “quoted”"]' "$SVL" run enc_stream.svl
expect_out "... and in a CSV file" '[{supplier: "Café “Le Bon”", price: £100.00}]' "$SVL" run enc_csv.svl
expect_out "--encoding is the default of every load" '[{name: "Café € “quoted”"}]' "$SVL" run enc_plain.svl --encoding latin1
expect_status "read as UTF-8 the file is refused" 1 "$SVL" run enc_plain.svl
expect_err "with a hint to name its encoding" 'say so: encoding: "windows-1252"'
printf '{"a": 1}\n{"a": 2}\n{"name": "x\x81"}\n' >undef.jsonl
echo 'print [x for x in stream("undef.jsonl", encoding: "windows-1252")]' >undef.svl
expect_status "a byte Windows-1252 leaves undefined is an error" 1 "$SVL" run undef.svl
expect_err "naming the line and the byte" "undef.jsonl:3: byte 0x81 is not a Windows-1252 character (is the file in another encoding?) [E0705]"
echo 'print load("cp1252.jsonl", encoding: "ebcdic")' >ebcdic.svl
expect_status "an unknown encoding is an error" 1 "$SVL" run ebcdic.svl
expect_err "listing the ones there are" "unknown encoding 'ebcdic' (utf-8, windows-1252 or latin-1) [E0704]"

# 5. the size limit of load
expect_status "--max-load-size lowers the limit" 1 "$SVL" run concat.svl loaded --max-load-size 10
expect_err "saying the limit and the way out" "cannot load 'concat.json': the file is over the 10 bytes limit [E0805]"
expect_out "a limit above the file's size reads it" "[1, 2, 3]" "$SVL" run concat.svl loaded --max-load-size 1K
expect_status "a size that is not one is a usage error" 2 "$SVL" run concat.svl loaded --max-load-size 10X
printf '{"a": [1, 2]}\n{"a": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]}\n' >lim.jsonl
echo 'print count(stream("lim.jsonl"))' >lim.svl
expect_status "a stream applies the limit to each item" 1 "$SVL" run lim.svl --max-load-size 40
expect_err "naming the item's line" "stream 'lim.jsonl': the item at line 2 is over the 40 bytes limit [E0805]"

# 6. a file over 256 MiB, generated here: load refuses it, stream reads it
# under a heap ceiling far below its size (the collected heap, counted the
# same under any load, so the check is not timing-dependent)
python3 "$dir/gen_packages.py" 260 big.jsonl >big.count
sed 's/packages.jsonl/big.jsonl/' per_buyer.svl >big.svl
echo 'let n = len(load("big.jsonl"))' >big_load.svl
echo 'print count(stream("big.jsonl"))' >big_count.svl
expect_status "load refuses the 260 MiB file" 1 "$SVL" run big_load.svl n
expect_err "at the default limit" "cannot load 'big.jsonl': the file is over the 256 MiB limit [E0805]"
expect_out "count streams it in a 32 MB heap" "$(cat big.count)" "$SVL" run big_count.svl --max-heap 32000000
echo 'print len([p for p in stream("big.jsonl")])' >big_keep.svl
expect_status "keeping every package instead breaks that ceiling (the check bites)" 1 "$SVL" run big_keep.svl --max-heap 32000000
expect_err "with the heap limit" "heap limit reached (32000000 bytes) [E0802]"
"$SVL" run big.svl per_buyer packages --format json --max-heap 200000000 >got.json 2>err
if python3 oracle.py big.jsonl got.json; then ok "per-buyer counts of the 260 MiB file in a 200 MB heap, as Python's"
else not_ok "per-buyer counts of the 260 MiB file" "$(head -c 300 got.json; head -3 err)"; fi
rm -f big.jsonl
done_testing
