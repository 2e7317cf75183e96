# Copyright (c) 2026, referral_crm contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.referral_sources.identifiers import (
	DuplicateNPI,
	InvalidNPI,
	InvalidPhoneNumber,
	InvalidZipCode,
)
from referral_crm.testing import (
	make_practice,
	make_provider,
	make_referral,
	make_territory,
	make_visit,
	unique_npi,
	unique_zip,
)


class TestPractice(FrappeTestCase):
	def test_organisation_npi_is_check_digit_validated_and_names_the_field(self):
		with self.assertRaises(InvalidNPI) as raised:
			make_practice(npi="1234567890")
		self.assertIn("Organisation NPI", str(raised.exception))
		npi = unique_npi("1")
		practice = make_practice(npi=f" {npi[:3]}-{npi[3:6]}-{npi[6:]} ")
		self.assertEqual(practice.npi, npi)

	def test_npi_is_unique_across_practices_and_providers(self):
		npi = unique_npi()
		make_provider(npi=npi)
		with self.assertRaises(DuplicateNPI):
			make_practice(npi=npi)
		self.assertFalse(frappe.db.exists("Practice", {"npi": npi}))

	def test_phone_and_fax_are_stored_in_e164_and_shown_formatted(self):
		practice = make_practice(phone="(718) 555-1234", fax="718.555.1299 x12")
		self.assertEqual(practice.phone, "+17185551234")
		self.assertEqual(practice.fax, "+17185551299;ext=12")
		practice = frappe.get_doc("Practice", practice.name)
		practice.run_method("onload")
		numbers = practice.get_onload().numbers
		self.assertEqual(
			[(n["display"], n["dial"]) for n in numbers],
			[("(718) 555-1234", "+17185551234"), ("(718) 555-1299 ext. 12", "+17185551299,12")],
		)

	def test_unreadable_phone_is_refused_and_nothing_is_saved(self):
		name = "Unreadable Phone Practice"
		with self.assertRaises(InvalidPhoneNumber) as raised:
			make_practice(practice_name=name, phone="555-01")
		self.assertIn("Phone", str(raised.exception))
		self.assertFalse(frappe.db.exists("Practice", {"practice_name": name}))

	def test_bad_zip_is_refused(self):
		with self.assertRaises(InvalidZipCode):
			make_practice(zip_code="1045")

	def test_territory_comes_from_the_zip_code_deepest_territory_first(self):
		zip_code = unique_zip()
		city = make_territory(zip_codes=[zip_code], is_group=1)
		borough = make_territory(zip_codes=[zip_code], parent=city.name)
		practice = make_practice(zip_code=f"{zip_code}-1234")
		self.assertEqual(practice.zip_code, zip_code)
		self.assertEqual(practice.referral_territory, borough.name)

	def test_unclaimed_zip_keeps_the_territory_chosen_by_hand(self):
		territory = make_territory()
		practice = make_practice(referral_territory=territory.name)
		self.assertEqual(practice.referral_territory, territory.name)

	def test_moving_territory_carries_providers_visits_and_referrals(self):
		old, new = make_territory(), make_territory()
		practice = make_practice(referral_territory=old.name)
		provider = make_provider(practices=[practice.name])
		visit = make_visit(practice.name)
		referral = make_referral(referring_practice=practice.name)
		self.assertEqual(provider.referral_territory, old.name)

		practice.reload()  # the referral made the practice Referring meanwhile
		practice.referral_territory = new.name
		practice.save()

		for doctype, name in (
			("Provider", provider.name),
			("Visit", visit.name),
			("Referral", referral.name),
		):
			self.assertEqual(frappe.db.get_value(doctype, name, "referral_territory"), new.name, doctype)

	def test_locations_sit_under_an_organisation(self):
		location = make_practice()
		with self.assertRaises(frappe.ValidationError):
			make_practice(parent_practice=location.name)
		organisation = make_practice(is_group=1)
		branch = make_practice(parent_practice=organisation.name)
		branch.reload()
		organisation.reload()
		self.assertTrue(organisation.lft < branch.lft < branch.rgt < organisation.rgt)

	def test_form_lists_linked_contacts_and_addresses(self):
		if not frappe.db.exists("Address Template", {"is_default": 1}):
			frappe.get_doc(
				{"doctype": "Address Template", "country": "United States", "is_default": 1}
			).insert()
		practice = make_practice()
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Maria",
				"last_name": "Office",
				"office_roles": [{"office_role": "Office Manager"}],
				"links": [{"link_doctype": "Practice", "link_name": practice.name}],
			}
		).insert()
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": practice.practice_name,
				"address_type": "Office",
				"address_line1": "1 Grand Concourse",
				"city": "Bronx",
				"country": frappe.db.get_value("Country", {"code": "us"}) or "United States",
				"links": [{"link_doctype": "Practice", "link_name": practice.name}],
			}
		).insert()
		practice = frappe.get_doc("Practice", practice.name)
		practice.run_method("onload")
		self.assertEqual([c.name for c in practice.get_onload().contact_list], [contact.name])
		self.assertEqual([a.address_line1 for a in practice.get_onload().addr_list], ["1 Grand Concourse"])
		self.assertEqual(contact.office_roles[0].office_role, "Office Manager")
