"""Data for the browser check of calls (tests/browser/telephony.js), on a site of its own:
bench --site SITE execute referral_crm.tests.telephony_browser.prepare --kwargs "{...}"
"""

import frappe

from referral_crm.testing import make_practice, make_territory, make_user, unique_zip

USER = "caller@telephony-check.example"
PASSWORD = "Calls#Check2026"


def prepare(fake_url: str, site_url: str, token: str) -> dict:
	frappe.local.conf.throttle_user_limit = 10**6
	user = make_user(["Appointment Setter"], email=USER)
	doc = frappe.get_doc("User", user)
	doc.mobile_no = "+16465550177"
	doc.new_password = PASSWORD
	doc.save(ignore_permissions=True)
	settings = frappe.get_doc("Referral Telephony Settings")
	settings.update(
		{
			"enabled": 1,
			"account_sid": "AC" + "0" * 32,
			"auth_token": token,
			"webhook_base_url": site_url,
			"api_base_url": fake_url,
			"machine_detection": 1,
			"voicemail_drop_url": "https://agency.example/voicemail.mp3",
			"record_calls": 0,
			"inbound_forward_to": "",
		}
	)
	settings.set("duty_users", [{"user": user}])
	settings.save()
	number = "+12125554400"
	if not frappe.db.exists("Outbound Caller Number", number):
		frappe.get_doc(
			{"doctype": "Outbound Caller Number", "phone_number": number, "label": "Manhattan 1"}
		).insert()
	zip_code = unique_zip()
	territory = make_territory(zip_codes=[zip_code], members=[(user, "Appointment Setter")])
	suffix = frappe.generate_hash(length=4)
	offices = [
		make_practice(zip_code=zip_code, phone=f"+1212555{4401 + i}", practice_name=f"{name} {suffix}")
		for i, name in enumerate(("Alpha Cardiology", "Beta Internal Medicine", "Gamma Pulmonology"))
	]
	queue = frappe.get_doc(
		{
			"doctype": "Outreach Queue",
			"queue_name": f"Telephony check {suffix}",
			"action": "Call",
			"referral_territory": territory.name,
			"account_stages": "Target",
		}
	).insert()
	frappe.db.commit()
	return {
		"user": user,
		"password": PASSWORD,
		"queue": queue.name,
		"offices": [{"name": o.name, "practice_name": o.practice_name, "phone": o.phone} for o in offices],
		"agency_number": number,
	}
