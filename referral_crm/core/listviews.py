"""Default list columns per role: each role's lists show what its job needs and nothing more.

Managers, analysts and administrators keep every column (None). A user holding several
of these roles gets the columns of the first one in ROLE_ORDER.
"""

ROLE_ORDER = (
	"Referral Marketing Manager",
	"System Manager",
	"Referral Analyst",
	"Referral Coordinator",
	"Intake Coordinator",
	"Physician Liaison",
	"Appointment Setter",
)
FULL_VIEW_ROLES = frozenset(
	{"Referral Marketing Manager", "System Manager", "Referral Analyst", "Administrator"}
)

ROLE_LIST_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
	"Practice": {
		"Appointment Setter": ("account_stage", "phone", "last_contact_date", "last_outcome"),
		"Physician Liaison": ("account_stage", "last_contact_date", "next_follow_up", "total_referrals"),
		"Referral Coordinator": ("account_stage", "total_referrals", "last_referral_date", "liaison"),
		"Intake Coordinator": ("city", "phone", "fax"),
	},
	"Provider": {
		"Appointment Setter": ("specialty", "primary_practice", "phone"),
		"Physician Liaison": ("specialty", "primary_practice", "total_referrals"),
		"Referral Coordinator": ("specialty", "primary_practice", "total_referrals", "last_referral_date"),
		"Intake Coordinator": ("npi", "primary_practice", "fax"),
	},
	"Referral": {
		"Physician Liaison": ("received_at", "referring_practice", "status"),
		"Referral Coordinator": (
			"received_at",
			"referring_practice",
			"status",
			"start_of_care",
			"visit_note_sent_at",
		),
		"Intake Coordinator": ("received_at", "channel", "referring_practice", "status"),
	},
}


def columns_for(doctype: str, roles: list[str] | set[str]) -> tuple[str, ...] | None:
	"""The list columns for a user with `roles`, or None for the standard view."""
	roles = set(roles)
	if roles & FULL_VIEW_ROLES:
		return None
	by_role = ROLE_LIST_COLUMNS.get(doctype, {})
	for role in ROLE_ORDER:
		if role in roles and role in by_role:
			return by_role[role]
	return None
