"""Benchmark of duplicate detection on a practice network of realistic size (no site needed).

	python -m referral_crm.benchmarks.duplicates --practices 50000

Practices get names from a small vocabulary (so names repeat, as they do), NYC ZIP codes, and
phones; one practice in fifty is entered twice with its name spelled differently. Results are
in docs/benchmarks.md.
"""

import argparse
import random
import resource
import time

from referral_crm.core.referral_sources.duplicates import Candidate, find_duplicate_pairs

WORDS = ("Bronx", "Harlem", "Concourse", "Fordham", "Riverdale", "Pelham", "Mott Haven", "Hudson", "Kings")
KINDS = (
	"Primary Care",
	"Medical Associates",
	"Cardiology",
	"Family Practice",
	"Internal Medicine",
	"Pediatrics",
)
ZIPS = [f"{z}" for z in range(10451, 10476)] + [f"{z}" for z in range(11201, 11240)]


def practices(count: int, seed: int = 5) -> tuple[list[Candidate], int]:
	rng = random.Random(seed)
	out, planted = [], 0
	for n in range(count):
		name = f"{rng.choice(WORDS)} {rng.choice(KINDS)} {rng.randint(1, 400)}"
		zip_code = rng.choice(ZIPS)
		phone = f"+1718{rng.randint(2000000, 9999999)}"
		street = f"{rng.randint(1, 3000)} {rng.choice(WORDS)} Ave"
		out.append(Candidate(f"P{n}", name, phone=phone, address_line1=street, zip_code=zip_code))
		if rng.random() < 0.02:
			planted += 1
			out.append(Candidate(f"D{n}", name.upper() + ", PLLC", phone=phone, zip_code=zip_code))
	return out, planted


def main(count: int) -> dict:
	records, planted = practices(count)
	started = time.perf_counter()
	pairs = find_duplicate_pairs(records)
	seconds = time.perf_counter() - started
	found = sum(1 for p in pairs if p.a.startswith("D") and p.b == "P" + p.a[1:])
	return {
		"records": len(records),
		"planted_duplicates": planted,
		"planted_found": found,
		"other_pairs_reported": len(pairs) - found,
		"seconds": round(seconds, 2),
		"max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
	}


if __name__ == "__main__":
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--practices", type=int, default=50_000)
	print(main(parser.parse_args().practices))
