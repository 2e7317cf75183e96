from referral_crm.core.referral_sources.matching import best_match, name_similarity, normalize_name

CANDIDATES = [
	{"name": "PROV-1", "provider_name": "Ana Rivera, MD", "phone": "+17185550142", "fax": "+17185550143"},
	{"name": "PROV-2", "provider_name": "Anna Rivers, DO", "phone": None, "fax": None},
	{"name": "PROV-3", "provider_name": "David Cohen, MD", "phone": "+12125550100", "fax": None},
]


def test_names_normalise_without_titles_accents_or_punctuation():
	assert normalize_name("Dr. José  Núñez, MD") == "jose nunez"
	assert normalize_name("Mary-Kate O'Neil, FNP") == "mary kate o neil"


def test_word_order_does_not_matter():
	assert name_similarity("Rivera Ana", "Ana Rivera, MD") == 1.0


def test_exact_name_matches():
	assert best_match("Dr. Ana Rivera", [], CANDIDATES).name == "PROV-1"


def test_a_shared_number_tips_a_close_name():
	assert best_match("A Rivera", [], CANDIDATES) is None
	assert best_match("A Rivera", ["+17185550143"], CANDIDATES).name == "PROV-1"
	assert best_match("Ana Riviera", [], CANDIDATES).name == "PROV-1"


def test_strangers_do_not_match():
	assert best_match("Priya Patel", ["+19175550000"], CANDIDATES) is None
	assert best_match("", [], CANDIDATES) is None
