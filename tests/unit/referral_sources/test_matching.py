from referral_crm.core.referral_sources.matching import Match, best_match, name_similarity, normalize_name

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


def test_a_shared_phone_adds_a_tenth_to_the_name_and_a_score_stops_at_one():
	office = [{"name": "PR-1", "provider_name": "A. Rivera", "phone": "+17185550100"}]
	assert best_match("Ana Rivera", ["+17185550100"], office) == Match("PR-1", 0.989)
	assert best_match("Ana Rivera", [], office) is None
	exact = [{"name": "PR-1", "provider_name": "Ana Rivera", "phone": "+17185550100"}]
	assert best_match("Ana Rivera", ["+17185550100"], exact) == Match("PR-1", 1.0)


def test_a_score_exactly_at_the_threshold_matches_and_the_first_of_equals_wins():
	close = [{"name": "PR-2", "provider_name": "Ana Riviera"}]
	at = name_similarity("Ana Rivera", "Ana Riviera")
	assert best_match("Ana Rivera", [], close, threshold=at) == Match("PR-2", 0.952)
	twins = [{"name": "PR-1", "provider_name": "Ana Rivera"}, {"name": "PR-2", "provider_name": "Rivera Ana"}]
	assert best_match("Ana Rivera", [], twins) == Match("PR-1", 1.0)


def test_no_name_is_like_no_name():
	assert name_similarity("", "") == 0.0 and name_similarity(None, None) == 0.0
	assert normalize_name(None) == ""
