# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _, bold
from frappe.contacts.address_and_contact import load_address_and_contact
from frappe.utils import today
from frappe.utils.nestedset import NestedSet

from referral_crm.core.referral_sources.stages import DO_NOT_CONTACT
from referral_crm.referral_sources.accounts import (
	derive_owners,
	hand_off,
	log_stage_change,
	territory_members,
)
from referral_crm.referral_sources.geocoding import queue_address_geocoding, set_coordinates
from referral_crm.referral_sources.identifiers import (
	formatted_numbers,
	set_npi,
	set_phone_numbers,
	set_zip_code,
)
from referral_crm.referral_sources.territories import spread_practice_territory, territory_for_zip

NUMBER_FIELDS = ("phone", "fax")


def also_known_as(names) -> str:
	return "\n".join(dict.fromkeys(n.strip() for n in names if n and n.strip()))


class Practice(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.referral_sources.doctype.practice_insurance.practice_insurance import (
			PracticeInsurance,
		)
		from referral_crm.referral_sources.doctype.practice_specialty.practice_specialty import (
			PracticeSpecialty,
		)

		account_owner: DF.Link | None
		account_stage: DF.Literal["Target", "Contacted", "Engaged", "Referring", "Dormant", "Do Not Contact"]
		address_line1: DF.Data | None
		address_line2: DF.Data | None
		admitted_referrals: DF.Int
		appointment_setter: DF.Link | None
		city: DF.Data | None
		do_not_contact_reason: DF.SmallText | None
		email: DF.Data | None
		fax: DF.Data | None
		geocode_source: DF.Literal["", "ZIP Centroid", "Address", "By Hand"]
		insurances_accepted: DF.TableMultiSelect[PracticeInsurance]
		is_group: DF.Check
		last_contact_date: DF.Date | None
		last_outcome: DF.Data | None
		last_referral_date: DF.Date | None
		latitude: DF.Float
		lft: DF.Int
		liaison: DF.Link | None
		longitude: DF.Float
		next_follow_up: DF.Date | None
		next_step: DF.Data | None
		notes: DF.SmallText | None
		npi: DF.Data | None
		npi_deactivated_on: DF.Date | None
		nppes_updated_on: DF.Date | None
		old_parent: DF.Link | None
		parent_practice: DF.Link | None
		phone: DF.Data | None
		practice_name: DF.Data
		practice_type: DF.Literal[
			"Primary Care",
			"Multi-Specialty Group",
			"Specialty Practice",
			"Hospital",
			"Skilled Nursing Facility",
			"Assisted Living Facility",
			"Rehabilitation Facility",
			"Health System",
			"Other",
		]
		referral_coordinator: DF.Link | None
		referral_territory: DF.Link | None
		rgt: DF.Int
		specialties: DF.TableMultiSelect[PracticeSpecialty]
		stage_changed_on: DF.Date | None
		state: DF.Data | None
		taxonomy_code: DF.Data | None
		total_referrals: DF.Int
		unknown_taxonomy: DF.Check
		website: DF.Data | None
		zip_code: DF.Data | None
	# end: auto-generated types
	nsm_parent_field = "parent_practice"

	def onload(self):
		load_address_and_contact(self)
		self.set_onload("numbers", formatted_numbers(self, NUMBER_FIELDS))

	def validate(self):
		self.validate_parent_is_organisation()
		set_npi(self)
		set_phone_numbers(self, NUMBER_FIELDS)
		set_zip_code(self)
		set_coordinates(self)
		self.set_territory_from_zip()
		self.update(derive_owners(self.as_dict(), territory_members(self.referral_territory)))
		self.check_stage_change()
		self.set_also_known_as()
		if self.state:
			self.state = self.state.strip().upper()

	def on_update(self):
		super().on_update()
		queue_address_geocoding(self)
		previous = self.get_doc_before_save()
		if previous and previous.referral_territory != self.referral_territory:
			spread_practice_territory([self.name], self.referral_territory)
		if not previous or previous.account_stage != self.account_stage:
			log_stage_change(self, previous)
		if previous and previous.account_owner != self.account_owner:
			hand_off(self, previous.account_owner)

	def check_stage_change(self):
		"""Stages move by themselves; a person may move one too, and Do Not Contact needs their reason."""
		if self.is_new() or self.has_value_changed("account_stage"):
			self.stage_changed_on = today()
		if self.account_stage == DO_NOT_CONTACT and not (self.do_not_contact_reason or "").strip():
			frappe.throw(
				_("Say why the office is not to be contacted (Do Not Contact Reason)."),
				title=_("Reason Required"),
			)

	def set_also_known_as(self):
		"""The other names in one searchable field: link search and the list filter find them."""
		self.also_known_as = also_known_as(row.other_name for row in self.other_names)

	def validate_parent_is_organisation(self):
		if self.parent_practice and not frappe.db.get_value("Practice", self.parent_practice, "is_group"):
			frappe.throw(
				_(
					"{0} is not an organisation, so it cannot hold other practices. Tick Is Organisation on it first."
				).format(bold(self.parent_practice))
			)

	def set_territory_from_zip(self):
		"""The territory that claims the ZIP wins; an unclaimed ZIP keeps the territory chosen by hand."""
		if territory := territory_for_zip(self.zip_code):
			self.referral_territory = territory
