#!/bin/bash
# Date-times (docs/ocds.md, "Date-times"): RFC 3339 with offsets kept,
# compared in UTC, read in named zones from tzdata.
. "$(dirname "$0")/lib.sh"
cat >"$tmp/dt.svl" <<'SVL'
let a = datetime("2025-03-11T11:41:13Z")
let b = datetime("2025-03-11T12:41:13.1234567+01:00")
print a
print b
print a == datetime("2025-03-11T12:41:13+01:00")
print b > a
print sort([b, a, datetime("2025-03-11T11:00:00-05:00")])
print date(datetime("2025-03-11T00:30:00+01:00"), "UTC")
print date(datetime("2025-03-11T00:30:00+01:00"), "offset")
print date(datetime("2025-07-01T23:30:00Z"), "Europe/London")
print in_zone(a, "America/Mexico_City")
print datetime("2025-03-11T11:41:13", "America/Asuncion")
print seconds_between(a, b)
print datetime("2025-03-11t11:41:13.000000001z")
print len(unique([a, datetime("2025-03-11T12:41:13+01:00")]))
SVL
expect_out "parse, print as published, compare in UTC, zones" '2025-03-11T11:41:13Z
2025-03-11T12:41:13.1234567+01:00
true
true
[datetime("2025-03-11T11:41:13Z"), datetime("2025-03-11T12:41:13.1234567+01:00"), datetime("2025-03-11T11:00:00-05:00")]
2025-03-10
2025-03-11
2025-07-02
2025-03-11T05:41:13-06:00
2025-03-11T11:41:13-03:00
0.1234567
2025-03-11T11:41:13.000000001Z
1' "$SVL" run "$tmp/dt.svl"
printf 'let main = {t: datetime("2025-03-11T12:41:13.5+01:00")}\n' >"$tmp/j.svl"
expect_out "JSON output keeps the text" '{"t": "2025-03-11T12:41:13.5+01:00"}' "$SVL" run "$tmp/j.svl" --format json

printf 'print date("2025-03-11T11:41:13Z")\n' >"$tmp/e1.svl"
expect_status "date() of a date-time text is an error" 1 "$SVL" run "$tmp/e1.svl"
expect_err "saying why" 'date: "2025-03-11T11:41:13Z" is a date-time, not a date [E0407]'
expect_err "with a hint naming the explicit forms" 'date(x, "UTC")'
printf 'print date(datetime("2025-03-11T11:41:13Z"))\n' >"$tmp/e2.svl"
expect_status "date() of a date-time value is an error" 1 "$SVL" run "$tmp/e2.svl"
expect_err "naming the value" 'date of the date-time 2025-03-11T11:41:13Z needs a zone'
printf 'print datetime("2025-03-11T11:41:13")\n' >"$tmp/e3.svl"
expect_status "a time without an offset is not an instant" 1 "$SVL" run "$tmp/e3.svl"
expect_err "hint: give the zone" 'datetime(x, "Europe/London")'
for bad in 2025-02-30T10:00:00Z 2025-03-11T24:00:00Z 2025-03-11T10:00:00.1234567890Z 2025-03-11T10:00Z 2025-03-11T10:00:00+1:00; do
  printf 'print datetime("%s")\n' "$bad" >"$tmp/e4.svl"
  expect_status "refused: $bad" 1 "$SVL" run "$tmp/e4.svl"
done
expect_err "the reason is given" "not an RFC 3339 date-time"
printf 'print date(datetime("2025-03-11T11:41:13Z"), "Mars/Olympus")\n' >"$tmp/e5.svl"
expect_status "an unknown zone is an error" 1 "$SVL" run "$tmp/e5.svl"
expect_err "naming the zone" 'zone "Mars/Olympus": no such zone'
printf 'print date(datetime("2025-03-11T11:41:13Z"), "../../etc/passwd")\n' >"$tmp/e6.svl"
expect_status "a path is not a zone" 1 "$SVL" run "$tmp/e6.svl"
expect_err "refused before reading" "not a zone name"

# Cross-check the zone reader against Python's zoneinfo (the same tzdata):
# 400 instants from 1900 to 2100 in zones with and without summer time,
# south and north, half-hour offsets, across the file's last transition.
python3 - "$tmp" <<'PY'
import random, sys, datetime, zoneinfo
random.seed(23)
zones = ["Europe/London", "Europe/Oslo", "America/Mexico_City", "America/Asuncion", "Australia/Sydney",
         "Australia/Adelaide", "Asia/Kolkata", "America/New_York", "Pacific/Chatham", "UTC", "Africa/Casablanca"]
lines, want = [], []
for i in range(400):
    z = zones[i % len(zones)]
    t = random.randint(-2208988800, 4102444800)
    u = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    lines.append('print in_zone(datetime("%s"), "%s")' % (u.strftime("%Y-%m-%dT%H:%M:%SZ"), z))
    off = u.astimezone(zoneinfo.ZoneInfo(z)).utcoffset()
    mins = int(off.total_seconds()) // 60
    # the kind keeps minutes: a zone's seconds (LMT before 1900s) are cut
    local = u + datetime.timedelta(minutes=mins)
    sign = "-" if mins < 0 else "+"
    tail = "Z" if z == "UTC" else "%s%02d:%02d" % (sign, abs(mins) // 60, abs(mins) % 60)
    want.append(local.strftime("%Y-%m-%dT%H:%M:%S") + tail)
open(sys.argv[1] + "/zones.svl", "w").write("\n".join(lines) + "\n")
open(sys.argv[1] + "/zones.want", "w").write("\n".join(want) + "\n")
PY
"$SVL" run "$tmp/zones.svl" >"$tmp/zones.got" 2>"$tmp/err"
if diff "$tmp/zones.want" "$tmp/zones.got" >"$tmp/zones.diff"; then ok "400 instants in 11 zones agree with Python's zoneinfo"
else not_ok "400 instants in 11 zones agree with Python's zoneinfo" "$(head -5 "$tmp/zones.diff") $(head -2 "$tmp/err")"; fi
done_testing
