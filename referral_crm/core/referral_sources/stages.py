"""The account lifecycle of a referring practice, and who owns it at each stage.

Target -> Contacted (a person reached) -> Engaged (a meeting held or a referral
promised) -> Referring (first referral) -> Dormant (silent for N weeks after
referring) -> Referring again on the next referral. Do Not Contact is set and
lifted only by a person, with a reason; nothing automatic moves an account out of it.
"""

from dataclasses import dataclass

TARGET = "Target"
CONTACTED = "Contacted"
ENGAGED = "Engaged"
REFERRING = "Referring"
DORMANT = "Dormant"
DO_NOT_CONTACT = "Do Not Contact"
STAGES = (TARGET, CONTACTED, ENGAGED, REFERRING, DORMANT, DO_NOT_CONTACT)

APPOINTMENT_SETTER = "Appointment Setter"
LIAISON = "Physician Liaison"
COORDINATOR = "Referral Coordinator"
TERRITORY_ROLES = (LIAISON, COORDINATOR, APPOINTMENT_SETTER)

REACHED_OUTCOMES = frozenset({"Spoke with Provider", "Spoke with Office Staff", "Meeting Scheduled"})
MEETING_CHANNELS = frozenset({"In Person", "Lunch and Learn"})
_RANK = {TARGET: 0, CONTACTED: 1, ENGAGED: 2}


@dataclass(frozen=True)
class StageChange:
	to_stage: str
	cause: str  # why, in words a manager reads in the stage history


def stage_after_visit(stage: str, channel: str, outcome: str) -> StageChange | None:
	"""Touches only open an account further: they never demote, and never touch a referring one."""
	if stage not in _RANK:
		return None
	if outcome == "Referral Promised":
		target, cause = ENGAGED, "Referral promised"
	elif outcome == "Spoke with Provider" and channel in MEETING_CHANNELS:
		target, cause = ENGAGED, "Met the provider"
	elif outcome in REACHED_OUTCOMES:
		target, cause = CONTACTED, "Reached a person"
	else:
		return None
	return StageChange(target, cause) if _RANK[target] > _RANK[stage] else None


def stage_after_referral(stage: str) -> StageChange | None:
	if stage in (REFERRING, DO_NOT_CONTACT):
		return None
	return StageChange(REFERRING, "Referral received" if stage != DORMANT else "Referring again")


def stage_after_silence(
	stage: str, weeks_since_last_referral: float | None, dormant_after_weeks: int
) -> StageChange | None:
	if stage != REFERRING or weeks_since_last_referral is None or dormant_after_weeks <= 0:
		return None
	if weeks_since_last_referral >= dormant_after_weeks:
		return StageChange(DORMANT, f"No referral for {dormant_after_weeks} weeks")
	return None


def owner_role(stage: str, referrals_received: int, farmer_after: int) -> str:
	"""Which territory role owns an account: setters reach it, liaisons win it, coordinators grow it.

	Once the setters reach an office (Contacted) it passes to the liaison.
	"""
	if stage == TARGET:
		return APPOINTMENT_SETTER
	if stage == REFERRING and referrals_received >= farmer_after:
		return COORDINATOR
	return LIAISON


def pick_owner(role: str, members: dict[str, list[str]], current: str | None) -> str | None:
	"""The first member holding `role`; failing that, keep the current owner; failing that, anyone."""
	if members.get(role):
		return members[role][0]
	if current:
		return current
	for fallback in (LIAISON, COORDINATOR, APPOINTMENT_SETTER):
		if members.get(fallback):
			return members[fallback][0]
	return None
