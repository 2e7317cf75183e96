"""The MLLP listener: HL7 v2 over TCP, as EMR interface engines send it, for a bench to run as a process.

    bench --site agency.example.com referral-crm hl7-listener --port 2575 --user emr@agency.example.com

MLLP carries no credentials: each message is taken as the integration user named at start (its roles
decide what it may create and move, as over HTTP), and only from the addresses allowed. Put the port
behind the VPN or TLS tunnel the EMR's interface engine already uses.
"""

import asyncio
import ipaddress
from concurrent.futures import ThreadPoolExecutor

import frappe
import hl7.mllp

from referral_crm.core.referrals.hl7v2 import reject_unreadable

MAX_MESSAGE_BYTES = 1024 * 1024


def process(site: str, user: str, text: str) -> str:
	"""One message (or batch), in a site context of its own; the ACK(s) to send back."""
	frappe.init(site=site)
	try:
		frappe.connect()
		frappe.set_user(user)
		from referral_crm.referrals.hl7v2 import receive

		try:
			ack = receive(text, "MLLP")
			frappe.db.commit()
		except Exception as e:
			frappe.db.rollback()
			frappe.log_error(title="HL7 v2 message over MLLP not taken")
			frappe.db.commit()
			ack = reject_unreadable(text, frappe.utils.strip_html(str(e)) or e.__class__.__name__)
		return ack
	finally:
		frappe.destroy()


def allowed(peer: str, networks: list) -> bool:
	if not networks:
		return True
	address = ipaddress.ip_address(peer)
	return any(address in network for network in networks)


async def serve(site: str, user: str, host: str, port: int, allow: tuple[str, ...] = (), ready=None):
	"""Listen until cancelled. One worker thread applies messages in the order they arrive."""
	networks = [ipaddress.ip_network(a, strict=False) for a in allow]
	worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hl7-mllp")
	loop = asyncio.get_running_loop()

	async def connected(reader, writer):
		peer = (writer.get_extra_info("peername") or ("0.0.0.0",))[0]
		if not allowed(peer, networks):
			writer.close()
			return
		try:
			while not reader.at_eof():
				try:
					block = await reader.readblock()
				except asyncio.IncompleteReadError:
					break
				except (hl7.mllp.InvalidBlockError, ValueError) as e:
					writer.writeblock(reject_unreadable("", f"not an MLLP block: {e}").encode())
					await writer.drain()
					continue
				text = block.decode("utf-8", errors="replace")
				ack = await loop.run_in_executor(worker, process, site, user, text)
				writer.writeblock(ack.encode("utf-8"))
				await writer.drain()
		finally:
			writer.close()

	server = await hl7.mllp.start_hl7_server(connected, host, port, limit=MAX_MESSAGE_BYTES)
	if ready is not None:
		ready(server.sockets[0].getsockname()[1])
	async with server:
		try:
			await server.serve_forever()
		finally:
			worker.shutdown(wait=True)
