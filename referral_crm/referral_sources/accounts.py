"""The account lifecycle on the site: stages that move by themselves, owners derived from the
territory, hand-offs as ToDos, and open work following a territory's new members."""

import json

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_days, escape_html, getdate, today

from referral_crm.core.referral_sources.stages import (
	APPOINTMENT_SETTER,
	COORDINATOR,
	LIAISON,
	REFERRING,
	TERRITORY_ROLES,
	StageChange,
	owner_role,
	pick_owner,
	stage_after_silence,
	stage_after_visit,
)

TEAM_KIND_ROLE = {
	"Appointment Setting": APPOINTMENT_SETTER,
	"Field Liaisons": LIAISON,
	"Referral Coordinators": COORDINATOR,
}
ROLE_FIELD = {
	LIAISON: "liaison",
	COORDINATOR: "referral_coordinator",
	APPOINTMENT_SETTER: "appointment_setter",
}


def farmer_after() -> int:
	return frappe.db.get_single_value("Referral CRM Settings", "farmer_after_referrals") or 3


def territory_members(territory: str | None) -> dict[str, list[str]]:
	"""{role: [user, ...]} from the territory's members, then its teams for roles no member holds."""
	members: dict[str, list[str]] = {role: [] for role in TERRITORY_ROLES}
	if not territory:
		return members
	for row in frappe.get_all(
		"Referral Territory Member",
		filters={"parent": territory, "parenttype": "Referral Territory"},
		fields=["user", "territory_role"],
		order_by="idx",
	):
		members[row.territory_role].append(row.user)
	teams = frappe.get_all(
		"Referral Territory Team",
		filters={"parent": territory, "parenttype": "Referral Territory"},
		pluck="team",
		order_by="idx",
	)
	for team in teams:
		role = TEAM_KIND_ROLE.get(frappe.db.get_value("User Group", team, "referral_team_kind"))
		if role and not members[role]:
			members[role] = frappe.get_all(
				"User Group Member",
				filters={"parent": team, "parenttype": "User Group"},
				pluck="user",
				order_by="idx",
			)
	return members


def derive_owners(values: dict, members: dict[str, list[str]]) -> dict:
	"""Role holders and the account owner of one practice, from its territory's members and its stage."""
	out = {}
	for role, field in ROLE_FIELD.items():
		out[field] = members[role][0] if members.get(role) else values.get(field)
	holders = {role: [out[field]] if out[field] else [] for role, field in ROLE_FIELD.items()}
	role = owner_role(values.get("account_stage"), values.get("total_referrals") or 0, farmer_after())
	out["account_owner"] = pick_owner(role, holders, values.get("account_owner"))
	return out


def move_stage(practice: str, change: StageChange, cause_doc=None, note: str | None = None) -> None:
	# Locked and read as last committed: a request that began before another moved this practice
	# would otherwise save over it and fail with "Document has been modified after you have opened it".
	doc = frappe.get_doc("Practice", practice, for_update=True)
	doc.account_stage = change.to_stage
	doc.flags.stage_cause = change.cause
	doc.flags.stage_caused_by = cause_doc
	doc.flags.handoff_note = note
	doc.save(ignore_permissions=True)


def visit_logged(visit) -> None:
	stage = frappe.db.get_value("Practice", visit.practice, "account_stage", for_update=True)
	if change := stage_after_visit(stage, visit.channel, visit.outcome):
		move_stage(visit.practice, change, visit, note=visit.remarks)


def mark_dormant_accounts() -> None:
	"""Daily: referring accounts silent for the configured number of weeks become Dormant."""
	weeks = frappe.db.get_single_value("Referral CRM Settings", "dormant_after_weeks") or 0
	if weeks <= 0:
		return
	silent_since = add_days(today(), -7 * weeks)
	for row in frappe.get_all(
		"Practice",
		filters={"account_stage": REFERRING, "last_referral_date": ("<=", silent_since)},
		fields=["name", "last_referral_date"],
	):
		quiet_weeks = (getdate(today()) - getdate(row.last_referral_date)).days / 7
		if change := stage_after_silence(REFERRING, quiet_weeks, weeks):
			move_stage(row.name, change)


def log_stage_change(practice, previous) -> None:
	caused_by = practice.flags.stage_caused_by
	since = previous.stage_changed_on if previous else None
	frappe.get_doc(
		{
			"doctype": "Account Stage Change",
			"practice": practice.name,
			"referral_territory": practice.referral_territory,
			"from_stage": previous.account_stage if previous else None,
			"to_stage": practice.account_stage,
			"changed_at": frappe.utils.now_datetime(),
			"days_in_previous_stage": (getdate(today()) - getdate(since)).days if since else None,
			"cause": practice.flags.stage_cause or _("Changed by hand"),
			"caused_by_doctype": caused_by.doctype if caused_by else None,
			"caused_by": caused_by.name if caused_by else None,
			"changed_by": frappe.session.user,
			"previous_owner": previous.account_owner if previous else None,
			"new_owner": practice.account_owner,
		}
	).insert(ignore_permissions=True)


def hand_off(practice, previous_owner: str | None) -> None:
	"""The new owner gets a ToDo saying what the account is and what was said so far."""
	if not practice.account_owner:
		return
	if practice.account_owner == practice.referral_coordinator and practice.account_stage == REFERRING:
		what = _("{0} has sent {1} referrals: call the office to thank them.").format(
			practice.practice_name, practice.total_referrals
		)
	else:
		what = _("{0} is yours to work ({1}).").format(practice.practice_name, _(practice.account_stage))
	if previous_owner:
		what += " " + _("Handed over by {0}.").format(frappe.utils.get_fullname(previous_owner))
	if note := practice.flags.handoff_note:
		what += " " + _("Last note: {0}").format(note)
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": practice.account_owner,
			"date": today(),
			"description": escape_html(what),
			"reference_type": "Practice",
			"reference_name": practice.name,
			"assigned_by": frappe.session.user,
		}
	).insert(ignore_permissions=True)


def refresh_territory_owners(territory: str, previous_members: dict[str, list[str]] | None) -> None:
	"""After a territory's members or teams changed: re-derive its accounts' owners and move open work."""
	members = territory_members(territory)
	practices = frappe.get_all(
		"Practice",
		filters={"referral_territory": territory},
		fields=["name", "account_stage", "total_referrals", "account_owner", *ROLE_FIELD.values()],
	)
	for values in practices:
		derived = derive_owners(values, members)
		changed = {k: v for k, v in derived.items() if values.get(k) != v}
		if changed:
			frappe.db.set_value("Practice", values.name, changed)

	moves = {}
	for role in TERRITORY_ROLES:
		before = (previous_members or {}).get(role) or []
		after = members.get(role) or []
		if before and after and before[0] != after[0]:
			moves[before[0]] = after[0]
	if moves and practices:
		_move_open_todos([p.name for p in practices], moves)


def _move_open_todos(practices: list[str], moves: dict[str, str]) -> None:
	visit = DocType("Visit")
	visits = frappe.qb.from_(visit).select(visit.name).where(visit.practice.isin(practices)).run(pluck=True)
	for reference_type, names in (("Practice", practices), ("Visit", visits)):
		if not names:
			continue
		for todo in frappe.get_all(
			"ToDo",
			filters={
				"status": "Open",
				"reference_type": reference_type,
				"reference_name": ("in", names),
				"allocated_to": ("in", list(moves)),
			},
			pluck="name",
		):
			doc = frappe.get_doc("ToDo", todo)
			doc.allocated_to = moves[doc.allocated_to]
			doc.save(ignore_permissions=True)


def forget_cause(doc) -> None:
	"""A deleted visit or referral leaves the stage history standing, with its cause in words only."""
	change = DocType("Account Stage Change")
	frappe.qb.update(change).set(change.caused_by_doctype, None).set(change.caused_by, None).where(
		(change.caused_by_doctype == doc.doctype) & (change.caused_by == doc.name)
	).run()


def rule_name(territory: str) -> str:
	return _("New targets in {0}").format(territory)


def sync_round_robin_rule(territory) -> str | None:
	"""Keep the territory's Assignment Rule: new Target practices go round-robin to its liaisons."""
	name = rule_name(territory.name)
	liaisons = territory_members(territory.name).get(LIAISON) or []
	exists = frappe.db.exists("Assignment Rule", name)
	if not territory.round_robin_targets or not liaisons:
		if exists:  # through the document: Frappe caches each DocType's rules until one is saved
			rule = frappe.get_doc("Assignment Rule", name)
			rule.disabled = 1
			rule.flags.ignore_permissions = True
			rule.save()
		return None
	rule = frappe.get_doc("Assignment Rule", name) if exists else frappe.new_doc("Assignment Rule")
	rule.update(
		{
			"__newname": name,
			"name": name,
			"document_type": "Practice",
			"description": _("New target offices in {0}, shared in turn among its liaisons.").format(
				territory.name
			),
			"assign_condition": f"referral_territory == {json.dumps(territory.name)} and account_stage == 'Target'",
			"rule": "Round Robin",
			"priority": 1,
			"disabled": 0,
		}
	)
	if not rule.assignment_days:
		for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
			rule.append("assignment_days", {"day": day})
	rule.set("users", [{"user": user} for user in liaisons])
	rule.flags.ignore_permissions = True
	rule.save() if exists else rule.insert()
	return rule.name
