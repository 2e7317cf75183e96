from referral_crm.taxonomies import seed_code_set


def execute():
	"""Sites installed before taxonomy codes shipped get the code set once."""
	seed_code_set()
