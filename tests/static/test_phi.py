"""Patient data on a Referral sits at permission level 1, and only the roles whose job needs it read it."""

from .metadata import doctypes, fields

PHI_FIELDS = {
	"patient_first_name",
	"patient_last_name",
	"patient_date_of_birth",
	"patient_phone",
	"insurance_payer",
	"insurance_member_id",
	"diagnosis",
}
PHI_READERS = {"Intake Coordinator", "Referral Coordinator", "Referral Marketing Manager", "System Manager"}


def perms(doctype, level):
	return [p for p in doctypes()[doctype]["permissions"] if p.get("permlevel", 0) == level]


def test_phi_fields_are_at_permlevel_1():
	referral = fields("Referral")
	for name in PHI_FIELDS:
		assert referral[name].get("permlevel") == 1, f"{name} is PHI and must be at permlevel 1"


def test_only_intake_coordinators_and_managers_read_phi():
	readers = {p["role"] for p in perms("Referral", 1) if p.get("read")}
	assert readers == PHI_READERS


def test_liaisons_and_analysts_read_referrals_without_phi():
	level0 = {p["role"] for p in perms("Referral", 0) if p.get("read")}
	level1 = {p["role"] for p in perms("Referral", 1)}
	for role in ("Physician Liaison", "Referral Analyst"):
		assert role in level0 and role not in level1


def test_only_managers_export_or_print_referrals():
	for right in ("export", "print"):
		holders = {p["role"] for p in doctypes()["Referral"]["permissions"] if p.get(right)}
		assert holders <= {"Referral Marketing Manager", "System Manager"}, f"{right}: {holders}"


def test_phi_never_names_a_referral():
	meta = doctypes()["Referral"]
	assert meta.get("title_field") not in PHI_FIELDS
	assert not set((meta.get("search_fields") or "").split(",")) & PHI_FIELDS
	assert not any(
		fields("Referral")[f].get("in_list_view") or fields("Referral")[f].get("in_global_search")
		for f in PHI_FIELDS
	)
