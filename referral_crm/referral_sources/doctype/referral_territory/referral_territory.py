# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _, bold
from frappe.query_builder import DocType
from frappe.utils.nestedset import NestedSet

from referral_crm.core.errors import InvalidZipCodeError
from referral_crm.core.referral_sources.territory import find_zip_conflicts, normalize_zip
from referral_crm.referral_sources.accounts import refresh_territory_owners, rule_name, sync_round_robin_rule
from referral_crm.referral_sources.territories import TERRITORY, reassign_practices_in_zips

# Members with this role in a territory are limited to it through a User Permission.
LIMITED_ROLE = "Physician Liaison"


class OverlappingTerritoryError(frappe.ValidationError):
	pass


class ReferralTerritory(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.referral_sources.doctype.referral_territory_member.referral_territory_member import (
			ReferralTerritoryMember,
		)
		from referral_crm.referral_sources.doctype.referral_territory_team.referral_territory_team import (
			ReferralTerritoryTeam,
		)
		from referral_crm.referral_sources.doctype.referral_territory_zip.referral_territory_zip import (
			ReferralTerritoryZIP,
		)

		is_group: DF.Check
		lft: DF.Int
		members: DF.Table[ReferralTerritoryMember]
		old_parent: DF.Link | None
		parent_referral_territory: DF.Link | None
		rgt: DF.Int
		round_robin_targets: DF.Check
		teams: DF.TableMultiSelect[ReferralTerritoryTeam]
		territory_name: DF.Data
		zip_codes: DF.Table[ReferralTerritoryZIP]
	# end: auto-generated types
	nsm_parent_field = "parent_referral_territory"

	def validate(self):
		self.validate_parent_is_group()
		self.normalize_zip_codes()
		self.validate_no_overlap()
		self.validate_members()

	def on_update(self):
		super().on_update()
		self.sync_member_permissions()
		previous = self.get_doc_before_save()
		self.refresh_owners(previous)
		if previous is not None and previous.parent_referral_territory != self.parent_referral_territory:
			changed = self.zip_set()  # a move changes which territory is deepest for every ZIP it holds
		else:
			changed = self.zip_set() ^ (zip_set(previous) if previous else set())
		reassign_practices_in_zips(changed)
		sync_round_robin_rule(self)

	def refresh_owners(self, previous):
		def roster(doc):
			members = {}
			for row in doc.get("members") or []:
				members.setdefault(row.territory_role, []).append(row.user)
			return members, [row.team for row in doc.get("teams") or []]

		if previous is None or roster(previous) != roster(self):
			refresh_territory_owners(self.name, roster(previous)[0] if previous else None)

	def on_trash(self):
		super().on_trash()
		# Through the document: Frappe caches each DocType's rules and clears them only on its events.
		frappe.delete_doc(
			"Assignment Rule", rule_name(self.name), ignore_permissions=True, ignore_missing=True, force=True
		)
		frappe.db.delete("User Permission", {"allow": TERRITORY, "for_value": self.name})
		frappe.cache.delete_value("user_permissions")

	def after_delete(self):
		reassign_practices_in_zips(self.zip_set())

	def zip_set(self) -> set[str]:
		return zip_set(self)

	def validate_parent_is_group(self):
		parent = self.parent_referral_territory
		if parent and not frappe.db.get_value(TERRITORY, parent, "is_group"):
			frappe.throw(
				_("{0} is not a group territory, so it cannot hold {1}.").format(
					bold(parent), bold(self.name)
				)
			)

	def normalize_zip_codes(self):
		seen = set()
		for row in list(self.zip_codes):
			try:
				row.zip_code = normalize_zip(row.zip_code)
			except InvalidZipCodeError:
				frappe.throw(_("Row {0}: {1} is not a US ZIP code.").format(row.idx, bold(row.zip_code)))
			if row.zip_code in seen:
				self.remove(row)
			seen.add(row.zip_code)
		for idx, row in enumerate(self.zip_codes, start=1):
			row.idx = idx

	def validate_no_overlap(self):
		"""A ZIP may be claimed again only along one chain (a borough and a neighbourhood inside it),
		never by two territories side by side, wherever they sit in the tree."""
		territory = DocType(TERRITORY)
		zips = DocType("Referral Territory ZIP")
		query = (
			frappe.qb.from_(zips)
			.join(territory)
			.on(zips.parent == territory.name)
			.select(territory.name, zips.zip_code)
			.where(zips.parenttype == TERRITORY)
			.where(territory.name != (self.name or ""))
			.where(zips.zip_code.isin(list(self.zip_set()) or [""]))
		)
		if self.parent_referral_territory:  # above it: its parent and the parent's ancestors
			lft, rgt = frappe.db.get_value(TERRITORY, self.parent_referral_territory, ["lft", "rgt"])
			query = query.where(~((territory.lft <= lft) & (territory.rgt >= rgt)))
		if not self.is_new() and self.lft and self.rgt:  # below it: its own subtree
			query = query.where(~((territory.lft > self.lft) & (territory.rgt < self.rgt)))
		others: dict[str, list[str]] = {}
		for row in query.run(as_dict=True):
			others.setdefault(row.name, []).append(row.zip_code)
		conflicts = find_zip_conflicts(sorted(self.zip_set()), others)
		if conflicts:
			zip_code, claimants = next(iter(conflicts.items()))
			frappe.throw(
				_(
					"ZIP code {0} is claimed by both {1} and {2}, and neither lies inside the other. A ZIP may be claimed again only inside the territory that claims it."
				).format(bold(zip_code), bold(self.territory_name), bold(", ".join(claimants))),
				OverlappingTerritoryError,
				title=_("Overlapping Territories"),
			)

	def validate_members(self):
		seen = set()
		for row in self.members:
			key = (row.user, row.territory_role)
			if key in seen:
				frappe.throw(
					_("Row {0}: {1} is already a member with that role.").format(row.idx, bold(row.user))
				)
			seen.add(key)

	def sync_member_permissions(self):
		"""Liaisons who are members get a User Permission on this territory; removed members lose it."""
		now = {row.user for row in self.members if row.territory_role == LIMITED_ROLE}
		previous = self.get_doc_before_save()
		before = (
			{row.user for row in previous.members if row.territory_role == LIMITED_ROLE}
			if previous
			else set()
		)

		for user in now - before:
			if not frappe.db.exists(
				"User Permission", {"user": user, "allow": TERRITORY, "for_value": self.name}
			):
				frappe.get_doc(
					{
						"doctype": "User Permission",
						"user": user,
						"allow": TERRITORY,
						"for_value": self.name,
						"apply_to_all_doctypes": 1,
					}
				).insert(ignore_permissions=True)
		for user in before - now:
			for name in frappe.get_all(
				"User Permission",
				filters={"user": user, "allow": TERRITORY, "for_value": self.name},
				pluck="name",
			):
				frappe.delete_doc("User Permission", name, ignore_permissions=True)


def zip_set(doc) -> set[str]:
	return {row.zip_code for row in doc.get("zip_codes") or [] if row.zip_code}
