from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.referral_sources.duplicates import (
	Candidate,
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
