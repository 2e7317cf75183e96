import click
from frappe.commands import get_site, pass_context


@click.group("referral-crm")
def referral_crm():
	"""Referral CRM tools."""


@referral_crm.command("demo")
@click.option("--practices", default=2000, show_default=True)
@click.option("--providers-per-practice", default=3.0, show_default=True)
@click.option("--referrals", default=8000, show_default=True, help="About this many, over the last year")
@click.option("--visits", default=20000, show_default=True)
@click.option("--seed", default=2026, show_default=True)
@pass_context
def demo(context, practices, providers_per_practice, referrals, visits, seed):
	"""Build a realistic demo agency (New York City) on the site."""
	import frappe

	from referral_crm.demo import build

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		summary = build(practices, providers_per_practice, referrals, visits, seed)
	finally:
		frappe.destroy()
	for key, value in summary.items():
		click.echo(f"{key}: {value}")


commands = [referral_crm]
