"""Plain-Python domain rules of referral_crm.

Nothing under this package may import frappe: controllers, API functions and jobs
load documents, call these functions and save. CI tests the package without a site.
"""
