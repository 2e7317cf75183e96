from referral_crm.core.listviews import ROLE_LIST_COLUMNS, columns_for


def test_each_role_gets_its_own_columns():
	assert columns_for("Practice", ["Appointment Setter", "All"]) == (
		"account_stage",
		"phone",
		"last_contact_date",
		"last_outcome",
	)
	assert columns_for("Practice", ["Intake Coordinator"]) == ("city", "phone", "fax")


def test_managers_and_analysts_keep_the_full_view():
	assert columns_for("Practice", ["Physician Liaison", "Referral Marketing Manager"]) is None
	assert columns_for("Referral", ["Referral Analyst"]) is None


def test_first_role_in_order_wins_for_mixed_roles():
	assert (
		columns_for("Practice", ["Appointment Setter", "Referral Coordinator"])
		== ROLE_LIST_COLUMNS["Practice"]["Referral Coordinator"]
	)


def test_unconfigured_doctype_or_role_is_standard():
	assert columns_for("Visit", ["Physician Liaison"]) is None
	assert columns_for("Referral", ["Appointment Setter"]) is None
