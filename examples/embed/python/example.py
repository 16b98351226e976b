"""The tender-scoring host of examples/embed/c/host.c, in Python: the same
rule file, the same bids, the same output (tests/cli/embed_python.t
compares it with ../c/expected.out).

    python3 example.py ../c/tender.svl ../c/bids.csv

The bids stay in the host's own data (read from a CSV here); the rules get a
native function, past_performance, backed by the host's supplier records,
and the contract value as a global; the VM gets no permissions and a step
and time limit.  An error in one bid is reported and the others scored.
"""

import csv
import sys
from decimal import Decimal

import svl

PERFORMANCE = {"Acme Care Ltd": 82, "Brightside Homecare": 91, "Carewell Partnership": 77,
               "Dove Support CIC": 64, "Fairway Care": 70}


def past_performance(supplier):
    if supplier not in PERFORMANCE:
        raise LookupError(f"no performance record for '{supplier}'")
    return PERFORMANCE[supplier]


def bid_record(row):
    """An SVL record of one bid: money in GBP, local jobs in the rules' FTE."""
    return {"supplier": row["supplier"], "price": svl.Quantity(Decimal(row["price"]), "GBP"),
            "turnover": svl.Quantity(Decimal(row["turnover"]), "GBP"), "insured": row["insured"] == "yes",
            "quality": row["quality"], "local_jobs": svl.Quantity(Decimal(row["local_jobs"]), "FTE")}


def main(rules, bids_csv):
    with open(bids_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    with svl.VM(max_steps=1_000_000, timeout_ms=5000, output=sys.stdout.write) as vm:
        # natives and globals before loading: the resolver checks names first
        vm.set_global("contract_value", svl.Quantity(Decimal("400000"), "GBP"))
        vm.register("past_performance(supplier)", past_performance)
        vm.load_file(rules)

        print("Eligibility")
        passed = []
        for row in rows:
            try:
                verdict = vm.call("eligible", bid_record(row))
            except svl.Error as e:
                print(f"{row['supplier']}: not assessed")
                print(f"  error: {e.message} ({e.file}:{e.line}:{e.column})")
                continue
            print(f"{row['supplier']}: {'eligible' if verdict else 'not eligible'}")
            for reason in verdict.reasons:
                print(f"  - {reason}")
            if verdict:
                passed.append(bid_record(row))
        if not passed:
            print("No eligible bid.")
            return 0

        lowest = vm.call_value("lowest_price", passed)
        print(f"\nScores (lowest eligible price {lowest.format()})")
        results = []
        for bid in passed:
            total = vm.call("score", bid, lowest=lowest)  # a named argument
            results.append({"supplier": bid["supplier"], "score": total})
            print(f"{bid['supplier']}: {total}")

        ranked = vm.call_value("ranking", results)
        print("\nRanking")
        for k, r in enumerate(ranked.to_python(), 1):
            print(f"{k}. {r['supplier']} ({r['score']})")
        print(f"\nAs JSON: {ranked.to_json()}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: example.py RULES.svl BIDS.csv")
    sys.exit(main(sys.argv[1], sys.argv[2]))
