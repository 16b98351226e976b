# Generates N MiB of JSON Lines: OCDS release packages, one a line, three
# releases each (tests/cli/stream.t, make bench); prints the count.
import sys
# N MiB of JSON Lines: OCDS release packages, one a line, three releases each
target = int(sys.argv[1]) << 20
buyers = ["Leeds City Council", "NHS Wales", "Scottish Water", "Transport for London", "Sell2Wales Buyer"]
out = open(sys.argv[2], "w")
size = i = 0
pad = "x" * 400
while size < target:
    rels = ",".join('{"ocid": "ocds-213czf-%d-%d", "id": "%d", "date": "2025-03-11T11:41:13Z", "tag": ["award"], "buyer": {"id": "GB-%d", "name": "%s"}, "tender": {"title": "Lot %d", "description": "%s"}, "awards": [{"id": "a%d", "value": {"amount": %d.50, "currency": "GBP"}}]}' % (i, k, k, (i + k) % 5, buyers[(i + k) % 5], k, pad, k, 1000 + i % 997) for k in range(3))
    line = '{"uri": "https://example.org/p/%d", "publishedDate": "2025-03-12T00:00:00Z", "releases": [%s]}\n' % (i, rels)
    out.write(line)
    size += len(line)
    i += 1
print(i)
