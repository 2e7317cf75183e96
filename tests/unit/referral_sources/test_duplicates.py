from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.referral_sources.duplicates import (
	Candidate,
	all_names,
	block_keys,
	comparable_name,
	find_duplicate_pairs,
	score_pair,
)


def pairs(*records, threshold=80):
	return {(p.a, p.b): p for p in find_duplicate_pairs(records, threshold)}


def test_the_same_npi_twice_is_certain():
	found = pairs(
		Candidate("P1", "Bronx Primary Care", npi="1234567893"), Candidate("P2", "BPC", npi="1234567893")
	)
	assert found[("P1", "P2")].score == 100 and found[("P1", "P2")].reasons == ("same NPI",)


def test_a_similar_name_at_the_same_fax_is_a_likely_duplicate():
	found = pairs(
		Candidate("P1", "Bronx Primary Care, PLLC", fax="+17185550101", zip_code="10451"),
		Candidate("P2", "Bronx Primary Care", fax="+17185550101", zip_code="10451"),
	)
	pair = found[("P1", "P2")]
	assert pair.score >= 95 and "same fax" in pair.reasons


def test_the_same_address_spelled_two_ways_counts():
	found = pairs(
		Candidate("P2", "Concourse Medical", address_line1="600 E. 161st St.", zip_code="10451"),
		Candidate(
			"P1", "Concourse Medical Associates", address_line1="600 E 161ST ST", zip_code="10451-2345"
		),
	)
	assert ("P1", "P2") in found and "same address" in found[("P1", "P2")].reasons


def test_unrelated_offices_in_one_zip_are_not_flagged():
	found = pairs(
		Candidate("P1", "Bronx Primary Care", phone="+17185550100", zip_code="10451"),
		Candidate("P2", "Bronx Cardiology", phone="+17185550199", zip_code="10451"),
		Candidate("P3", "Bronx Primary Care", phone="+17185550177", zip_code="10451"),
	)
	assert ("P1", "P2") not in found
	assert ("P1", "P3") not in found, "a name alone is not enough"
	assert ("P1", "P3") in pairs(
		*[
			Candidate("P1", "Bronx Primary Care", zip_code="10451"),
			Candidate("P3", "Bronx Primary Care", zip_code="10451"),
		],
		threshold=70,
	)


def test_two_different_npis_are_two_entities():
	score, _reasons = score_pair(
		Candidate("P1", "Montefiore", npi="1234567893", phone="+1"),
		Candidate("P2", "Montefiore", npi="1245319599", phone="+1"),
		"montefiore",
		"montefiore",
	)
	assert score == 0


def test_legal_forms_and_titles_do_not_make_names_differ():
	assert comparable_name("The Bronx Group, P.C.") == comparable_name("Bronx PLLC")
	assert comparable_name("Dr. Ana Rivera, MD") == "ana rivera"


records = st.lists(
	st.builds(
		Candidate,
		id=st.text(alphabet="ABCDEF", min_size=1, max_size=3),
		name=st.sampled_from(["Bronx Care", "Bronx Care PLLC", "Harlem Health", "Care Bronx"]),
		phone=st.sampled_from(["", "+17185550100", "+17185550101"]),
		zip_code=st.sampled_from(["10451", "10452", ""]),
	),
	max_size=12,
	unique_by=lambda c: c.id,
)


@given(records)
def test_each_pair_appears_once_ordered_and_best_first(items):
	found = find_duplicate_pairs(items, threshold=0)
	keys = [(p.a, p.b) for p in found]
	assert len(keys) == len(set(keys))
	assert all(a < b for a, b in keys)
	assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)


def test_an_other_name_finds_the_office_a_person_typed_by_its_sign():
	"""NPPES knows the organisation by its legal name; the liaison typed what the sign on the door says."""
	legal = Candidate(
		"P1",
		"Montefiore Medical Group Practice Associates",
		npi="1245319599",
		address_line1="3444 Kossuth Ave",
		zip_code="10467",
		other_names=("Fordham Family Practice",),
	)
	typed = Candidate("P2", "Fordham Family Practice", address_line1="3444 Kossuth Ave.", zip_code="10467")
	assert pairs(legal, typed)[("P1", "P2")].score == 100
	without = Candidate("P1", legal.name, npi=legal.npi, address_line1=legal.address_line1, zip_code="10467")
	assert ("P1", "P2") not in pairs(without, typed)


def test_a_shared_number_adds_half_the_name_likeness_to_fifty_and_each_further_reason_five():
	one = Candidate("P1", "Bronx Primary Care", phone="+17185550100", fax="+17185550101")
	west = Candidate("P2", "Bronx Primary Care West", phone="+17185550100")
	assert score_pair(one, west, all_names(one), all_names(west)) == (94, ("names 88% alike", "same phone"))
	west_fax = Candidate("P2", "Bronx Primary Care West", phone="+17185550100", fax="+17185550101")
	assert score_pair(one, west_fax, all_names(one), all_names(west_fax)) == (
		99,
		("names 88% alike", "same phone", "same fax"),
	)


def test_a_score_never_passes_100():
	same = Candidate(
		"P1",
		"Bronx Primary Care",
		phone="+17185550100",
		fax="+17185550101",
		address_line1="600 E 161st St",
		zip_code="10451",
	)
	twin = Candidate(
		"P2", same.name, phone=same.phone, fax=same.fax, address_line1=same.address_line1, zip_code="10451"
	)
	assert score_pair(same, twin, all_names(same), all_names(twin)) == (
		100,
		("names 100% alike", "same phone", "same fax", "same address"),
	)


def test_names_may_be_given_as_one_text_each():
	a, b = Candidate("P1", "x", phone="+17185550100"), Candidate("P2", "y", phone="+17185550100")
	assert score_pair(a, b, "bronx primary care", "bronx primary care west") == (
		94,
		("names 88% alike", "same phone"),
	)


def test_records_without_names_sharing_a_number_are_fifty_alike():
	a, b = Candidate("P1", "", phone="+17185550100"), Candidate("P2", "", phone="+17185550100")
	assert score_pair(a, b, ("",), ("",)) == (50, ("names 0% alike", "same phone"))
	assert pairs(a, b, threshold=50)[("P1", "P2")].score == 50


def test_an_address_alone_brings_two_records_together():
	"""Names starting with different words meet on nothing but the street address."""
	found = pairs(
		Candidate("P1", "Medical Arts Concourse", address_line1="600 E 161st St", zip_code="10451"),
		Candidate("P2", "Concourse Medical Arts", address_line1="600 E. 161ST ST.", zip_code="10451"),
	)
	assert found[("P1", "P2")].reasons == ("names 100% alike", "same address")


def test_a_one_word_name_is_compared_across_the_three_digit_zip_area():
	found = pairs(
		Candidate("P1", "Montefiore", zip_code="10451"),
		Candidate("P2", "Montefiore", zip_code="10467"),
		Candidate("P3", "Montefiore", zip_code="11355"),
		threshold=70,
	)
	assert list(found) == [("P1", "P2")] and found[("P1", "P2")].score == 70


def test_a_number_shared_by_up_to_200_records_is_evidence_and_by_more_a_switchboard():
	def sharing(n):
		return [Candidate(f"P{i:03d}", f"Office {i}", phone="+17185550100") for i in range(n)]

	assert len(find_duplicate_pairs(sharing(200), threshold=0)) == 200 * 199 // 2
	assert find_duplicate_pairs(sharing(201), threshold=0) == []


def test_every_pair_of_three_duplicates_is_found_once_whatever_blocks_they_meet_in():
	street = {"address_line1": "600 E 161st St", "zip_code": "10451"}
	found = pairs(
		Candidate("P1", "Bronx Primary Care", phone="+17185550100", **street),
		Candidate("P2", "Bronx Primary Care", phone="+17185550100", **street),
		Candidate("P3", "Bronx Primary Care", **street),
	)
	assert sorted(found) == [("P1", "P2"), ("P1", "P3"), ("P2", "P3")]
	assert [p.reasons for p in found.values()] == [
		("names 100% alike", "same phone", "same address"),
		("names 100% alike", "same address"),
		("names 100% alike", "same address"),
	]


def test_a_record_is_keyed_by_each_block_it_is_compared_in():
	record = Candidate(
		"P1",
		"The Bronx Primary Care, PLLC",
		npi="1234567893",
		phone="+17185550100",
		fax="+17185550101",
		address_line1="600 E. 161st St.",
		zip_code="10451-2345",
		other_names=("Concourse Clinic",),
	)
	keys = block_keys(record)
	assert {k.split(":")[0] for k in keys} == {"npi", "phone", "fax", "address", "name"}
	assert {"npi:1234567893", "phone:+17185550100", "fax:+17185550101"} <= keys
	assert {"name:104:bronx", "name:104:concourse"} <= keys
	assert block_keys(Candidate("P2", "")) == set()
	assert all(len(k) <= 140 for k in block_keys(Candidate("P3", "x " * 200, zip_code="10451")))


def _site(seed: int) -> list[Candidate]:
	import random

	rng = random.Random(seed)
	words = ["bronx", "concourse", "harlem", "tremont", "medical", "care", "kidney", "heart"]
	records = []
	for i in range(120):
		records.append(
			Candidate(
				f"P{i:03d}",
				" ".join(rng.sample(words, 2)),
				npi=rng.choice(["", "", "", f"1{rng.randrange(5)}"]),
				phone=rng.choice(["", f"+1718555{rng.randrange(8):04d}"]),
				fax=rng.choice(["", "", f"+1718666{rng.randrange(6):04d}"]),
				address_line1=rng.choice(["", f"{rng.randrange(4)} Grand Concourse"]),
				zip_code=rng.choice(["10451", "10452", "11201", ""]),
			)
		)
	return records


@given(st.integers(0, 10_000), st.integers(0, 119))
def test_a_record_s_candidates_from_the_index_are_exactly_the_whole_site_s_pairs_with_it(seed, pick):
	"""What the site does for one record: the records sharing a key with it, keys crowded site-wide left out."""
	import collections

	from referral_crm.core.referral_sources import duplicates

	site = _site(seed)
	target = site[pick]
	holders = collections.defaultdict(set)
	for record in site:
		for key in block_keys(record):
			holders[key].add(record.id)
	crowded = {k for k, ids in holders.items() if len(ids) > 3}
	others = {i for k in block_keys(target) - crowded for i in holders[k]}
	part = [r for r in site if r.id in others | {target.id}]

	original = duplicates.MAX_BLOCK
	duplicates.MAX_BLOCK = 3  # small blocks, so that crowded keys occur at this size
	try:
		whole = {p for p in find_duplicate_pairs(site, 50) if target.id in (p.a, p.b)}
		found = set(find_duplicate_pairs(part, 50, involving={target.id}, crowded=crowded))
	finally:
		duplicates.MAX_BLOCK = original
	assert found == whole
