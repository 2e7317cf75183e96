import pytest

from referral_crm.core.referral_sources.stages import (
	APPOINTMENT_SETTER,
	CONTACTED,
	COORDINATOR,
	DO_NOT_CONTACT,
	DORMANT,
	ENGAGED,
	LIAISON,
	REFERRING,
	TARGET,
	owner_role,
	pick_owner,
	stage_after_referral,
	stage_after_silence,
	stage_after_visit,
)


@pytest.mark.parametrize(
	"stage, channel, outcome, expected",
	[
		(TARGET, "Phone Call", "Spoke with Office Staff", CONTACTED),
		(TARGET, "Phone Call", "Meeting Scheduled", CONTACTED),
		(TARGET, "In Person", "Spoke with Provider", ENGAGED),
		(TARGET, "Phone Call", "Spoke with Provider", CONTACTED),
		(CONTACTED, "Lunch and Learn", "Spoke with Provider", ENGAGED),
		(CONTACTED, "Phone Call", "Referral Promised", ENGAGED),
		(TARGET, "Fax", "Sent", None),
		(TARGET, "Phone Call", "No Answer", None),
		(ENGAGED, "Phone Call", "Spoke with Office Staff", None),  # never demoted
		(REFERRING, "In Person", "Referral Promised", None),
		(DORMANT, "In Person", "Spoke with Provider", None),
		(DO_NOT_CONTACT, "In Person", "Spoke with Provider", None),
	],
)
def test_every_visit_transition(stage, channel, outcome, expected):
	change = stage_after_visit(stage, channel, outcome)
	assert (change.to_stage if change else None) == expected
	if change:
		assert change.cause


@pytest.mark.parametrize(
	"stage, expected",
	[
		(TARGET, REFERRING),
		(CONTACTED, REFERRING),
		(ENGAGED, REFERRING),
		(DORMANT, REFERRING),
		(REFERRING, None),
		(DO_NOT_CONTACT, None),
	],
)
def test_a_referral_makes_an_account_referring(stage, expected):
	change = stage_after_referral(stage)
	assert (change.to_stage if change else None) == expected


def test_return_from_dormant_says_so():
	assert stage_after_referral(DORMANT).cause == "Referring again"


def test_dormancy_by_weeks():
	assert stage_after_silence(REFERRING, 8, 8).to_stage == DORMANT
	assert stage_after_silence(REFERRING, 7.9, 8) is None
	assert stage_after_silence(ENGAGED, 20, 8) is None
	assert stage_after_silence(REFERRING, None, 8) is None
	assert stage_after_silence(REFERRING, 20, 0) is None


def test_owner_role_by_stage_and_referrals():
	assert owner_role(TARGET, 0, 3) == APPOINTMENT_SETTER
	assert owner_role(CONTACTED, 0, 3) == LIAISON
	assert owner_role(ENGAGED, 0, 3) == LIAISON
	assert owner_role(REFERRING, 2, 3) == LIAISON
	assert owner_role(REFERRING, 3, 3) == COORDINATOR
	assert owner_role(DORMANT, 10, 3) == LIAISON


def test_an_account_is_never_left_without_an_owner():
	members = {LIAISON: ["liaison@x"], COORDINATOR: [], APPOINTMENT_SETTER: []}
	assert pick_owner(COORDINATOR, members, "setter@x") == "setter@x"
	assert pick_owner(COORDINATOR, members, None) == "liaison@x"
	assert pick_owner(LIAISON, members, "setter@x") == "liaison@x"
	assert pick_owner(LIAISON, {}, None) is None


@pytest.mark.parametrize(
	"stage, channel, outcome, change",
	[
		(TARGET, "Phone Call", "Referral Promised", (ENGAGED, "Referral promised")),
		(CONTACTED, "In Person", "Spoke with Provider", (ENGAGED, "Met the provider")),
		(TARGET, "Phone Call", "Spoke with Office Staff", (CONTACTED, "Reached a person")),
		(CONTACTED, "Phone Call", "Spoke with Office Staff", None),
		(ENGAGED, "Phone Call", "Referral Promised", None),
	],
)
def test_a_visit_moves_an_account_forward_only_and_says_why(stage, channel, outcome, change):
	found = stage_after_visit(stage, channel, outcome)
	assert (found and (found.to_stage, found.cause)) == change


def test_the_history_says_why_an_account_became_referring_or_dormant():
	assert stage_after_referral(TARGET).cause == "Referral received"
	assert stage_after_referral(DORMANT).cause == "Referring again"
	went_quiet = stage_after_silence(REFERRING, 1, dormant_after_weeks=1)
	assert (went_quiet.to_stage, went_quiet.cause) == (DORMANT, "No referral for 1 weeks")
