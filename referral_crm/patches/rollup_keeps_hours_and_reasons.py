"""The weekly rollup now keeps each week's hours to start of care and non-admit reasons (the Source
Scorecard reads them instead of the referrals): recount every week once."""

from referral_crm.referrals.weekly import rebuild_all


def execute():
	rebuild_all()
