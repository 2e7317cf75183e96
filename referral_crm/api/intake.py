"""The published intake endpoint (docs/intake-openapi.json): EHRs and contact centres call this path,
so it stays here while the code lives with the referrals."""

from referral_crm.referrals.intake import create_referral

__all__ = ["create_referral"]
