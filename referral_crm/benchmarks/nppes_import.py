"""Benchmark of the NPPES import: the parsing core alone, and the whole import into MariaDB.

The file is synthetic but in the published 330-column layout, with a realistic mix: seven rows in
ten are individuals, a few organisations are subparts, one row in fifty is a deactivated NPI, most
individuals list two or three taxonomy codes, some addresses are abroad and some phones missing.

	python -m referral_crm.benchmarks.nppes_import --rows 200000              # the core, no site
	bench --site bench.localhost execute referral_crm.benchmarks.nppes_import.full --kwargs "{'rows': 100000}"

Results are in docs/benchmarks.md.
"""

import argparse
import csv
import os
import random
import resource
import tempfile
import time

from referral_crm.core.referral_sources.npi import make_npi
from referral_crm.core.referral_sources.nppes import NPPES_HEADER, NppesFilter, NppesRecord, read_nppes

STREETS = ("GRAND CONCOURSE", "E FORDHAM RD", "JEROME AVE", "WHITE PLAINS RD", "BROADWAY", "E TREMONT AVE")
LAST = ("RIVERA", "SMITH", "NGUYEN", "COHEN", "PATEL", "GARCIA", "O'NEIL", "WASHINGTON", "KIM", "LOPEZ")
FIRST = ("ANA", "JOHN", "MARY", "WEI", "PRIYA", "JOSE", "SARAH", "DAVID", "FATIMA", "LUIS")
CODES = ("207Q00000X", "207R00000X", "207RC0000X", "207RP1001X", "363LF0000X", "208000000X", "2084N0400X")
ORG_CODES = ("261QP2300X", "193200000X", "282N00000X", "314000000X", "251E00000X")
NY_ZIPS = ("10451", "10452", "10453", "10456", "10458", "10461", "10467", "11201", "11211", "10025")


def synthetic_rows(count: int, seed: int = 11, first_npi: int = 0):
	rng = random.Random(seed)
	index = {name: i for i, name in enumerate(NPPES_HEADER)}
	for n in range(count):
		row = [""] * len(NPPES_HEADER)

		def put(name, value, row=row):
			row[index[name]] = value

		put("NPI", make_npi(f"1{first_npi + n:08d}"))
		if rng.random() < 0.02:
			put("NPI Deactivation Date", "03/01/2024")
			put("NPI Deactivation Reason Code", "DT")
			yield row
			continue
		individual = rng.random() < 0.7
		put("Entity Type Code", "1" if individual else "2")
		abroad = rng.random() < 0.003
		put(
			"Provider First Line Business Practice Location Address",
			f"{rng.randint(1, 4000)} {rng.choice(STREETS)}",
		)
		put("Provider Business Practice Location Address City Name", "BERLIN" if abroad else "BRONX")
		put("Provider Business Practice Location Address State Name", "" if abroad else "NY")
		put(
			"Provider Business Practice Location Address Postal Code",
			"10115" if abroad else rng.choice(NY_ZIPS) + "1234",
		)
		if abroad:
			put("Provider Business Practice Location Address Country Code (If outside U.S.)", "DE")
		if rng.random() < 0.9:
			put(
				"Provider Business Practice Location Address Telephone Number",
				f"718{rng.randint(2000000, 9999999)}",
			)
		if rng.random() < 0.6:
			put(
				"Provider Business Practice Location Address Fax Number",
				f"718{rng.randint(2000000, 9999999)}",
			)
		put("Provider Enumeration Date", "05/23/2005")
		put("Last Update Date", f"0{rng.randint(1, 9)}/15/2025")
		if individual:
			put("Provider Last Name (Legal Name)", rng.choice(LAST))
			put("Provider First Name", rng.choice(FIRST))
			put("Provider Credential Text", rng.choice(("MD", "M.D.", "DO", "NP", "PA-C")))
			put("Provider Sex Code", rng.choice("MF"))
			codes = rng.sample(CODES, rng.randint(1, 3))
		else:
			put(
				"Provider Organization Name (Legal Business Name)",
				f"{rng.choice(LAST)} MEDICAL GROUP {n} PLLC",
			)
			subpart = rng.random() < 0.1
			put("Is Organization Subpart", "Y" if subpart else "N")
			if subpart:
				put("Parent Organization LBN", f"{rng.choice(LAST)} HEALTH SYSTEM")
			codes = [rng.choice(ORG_CODES)]
		primary = rng.randrange(len(codes))
		for i, code in enumerate(codes, start=1):
			put(f"Healthcare Provider Taxonomy Code_{i}", code)
			put(f"Healthcare Provider Primary Taxonomy Switch_{i}", "Y" if i - 1 == primary else "N")
			put(f"Provider License Number_{i}", f"{rng.randint(100000, 999999)}")
			put(f"Provider License Number State Code_{i}", "NY")
		yield row


def write_file(rows: int, directory: str, first_npi: int = 0, seed: int = 11) -> str:
	path = os.path.join(directory, f"npidata_pfile_bench_{seed}_{first_npi}_{rows}.csv")
	if not os.path.exists(path):
		with open(path, "w", newline="") as out:
			writer = csv.writer(out, quoting=csv.QUOTE_ALL)
			writer.writerow(NPPES_HEADER)
			writer.writerows(synthetic_rows(rows, seed, first_npi))
	return path


def core(rows: int = 200_000, directory: str | None = None) -> dict:
	"""Rows per second of `read_nppes` over the whole file, on one core, no database, from a cold start."""
	directory = directory or tempfile.gettempdir()
	path = write_file(rows, directory)
	started = time.perf_counter()
	count = sum(1 for item in read_nppes(path, NppesFilter()) if isinstance(item, NppesRecord))
	best = time.perf_counter() - started
	filtered_started = time.perf_counter()
	sum(1 for _ in read_nppes(path, NppesFilter(states=frozenset({"CA"}))))
	filtered = time.perf_counter() - filtered_started
	return {
		"rows": rows,
		"file_mb": round(os.path.getsize(path) / 2**20, 1),
		"records": count,
		"rows_per_s": round(rows / best),
		"rows_per_s_all_filtered_out": round(rows / filtered),
		"max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
	}


def full(rows: int = 100_000, directory: str | None = None, first_npi: int = 0, seed: int = 11) -> dict:
	"""The whole import into the site's database (bulk inserts, a commit per batch): first run, then a rerun."""
	import frappe

	from referral_crm.referral_sources.nppes import NppesImporter

	path = write_file(rows, directory or tempfile.gettempdir(), first_npi, seed)
	figures = {"rows": rows}
	for label in ("first import", "same file again"):
		started = time.perf_counter()
		summary = NppesImporter().run(read_nppes(path, NppesFilter()), commit=True)
		seconds = time.perf_counter() - started
		figures[label] = {
			"seconds": round(seconds, 1),
			"rows_per_s": round(rows / seconds),
			"inserted": summary.providers_inserted + summary.practices_inserted,
			"unchanged": summary.rows_unchanged,
		}
	figures["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
	frappe.db.commit()
	print(figures)
	return figures


if __name__ == "__main__":
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--rows", type=int, default=200_000)
	print(core(parser.parse_args().rows))
