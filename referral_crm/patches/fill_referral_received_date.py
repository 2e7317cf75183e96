"""Referrals saved before Received On existed get it from Received At (charts group referrals by day)."""

from referral_crm.referral_sources.rollups import fill_received_dates


def execute():
	fill_received_dates()
