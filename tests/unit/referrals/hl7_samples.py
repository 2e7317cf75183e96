"""HL7 v2 messages for the tests.

ADT_A01 and the ADT_A04 batch are copied from the `hl7` package's tests (tests/samples.py of the
hl7 0.4.5 sdist on PyPI: `sample_msh`, `sample_batch`), which name their sources there
(a hospital ADT feed; the Victorian HDSS VINAH 2006-07 sample messages). The SIU messages are
written here to the v2.5 layout (SCH, PID, AIS) for the events that drive referrals.
"""

# hl7 0.4.5 tests/samples.py sample_msh (an ADT^A01 admit), verbatim.
ADT_A01 = "\r".join(
	[
		"MSH|^~\\&|HNAM_PM|HNA500|AIG||20131017140041||ADT^A01|Q150084616T145947960|P|2.3",
		"PID|1|2148790^^^MSH_MRN^MR|2148790^^^MSH_MRN^MR~162840^^^MSH_EMPI^CM|3722^0^^MSH_DTC^REFE~184737^0^^IID^DONOR ~Q2147670^0^^MSQ_MRN|RUFUSS^MELLODIAL^^^^^CURRENT||19521129|F|RUFUSS^MELLODIAL^^^^^PREVIOUS|OT|221 CANVIEW AVENUE^66-D^BRONX^NY^10454^USA^HOME^^058||3472444150^HOME~(000)000-0000^ALTERNATE||ENGLISH|M|PEN|O75622322^^^MSH_FIN_NBR^FIN NB|125544697|||HIS|||0",
		'PV1|0001|I|MBN1^MBN1^06|4| 863968||03525^FARP^YONAN|03525^FARP^YONAN|""|NUR|||N|5|| U|03525^FARP^YONAN|I|01|T22~SLF|||||||||||||||||||E||AC|||20140210225300|""',
		'DG1|0001|I9|440.21^ATHEROSCLEROSIS W/INT CLAUDCTN^I9|ATHEROSCLEROSIS W/INT CLAUDCTN|""|A|||||||.00||9',
		'IN1|0001|A10A|A10|HIP COMP MCAID|PO BOX 223^""^NEW YORK^NY^10116^US^^^""|HIP ON LINE|""|""|""|||""|""|25892261^""^""|C|BENNETT^NELLY|4^SELF|10981226|322-10 GOODLIN AVE^APT B31^FLUSHING^NY^11355^US^^^61|Y|""||||||Y||""|||||||-JNJ45517',
		'IN2||062420044|""|||""|||||||||||||||||||60094|""|||||||||||||||||||||||||||||||',
		'IN1|0002|GMED|""|MEDICAID|""|""|""|""|""|||""|""||X|BENNETT^NELLY|4^SELF|10981226|322-10 GOODLIN AVE^APT B31^FLUSHING^NY^11355^US^^^61|""|""||||||""||||||',
		'IN2||062420044|""|||""|||||||||||||||||||""|""||||||||||||||||||||||||||||||||""',
		'IN1|0003|SLFJ|""|SELF-PAY|""|""|""|""|""|||""|""||P|BENNETT^NELLY|4^SELF|10981226|322-10 GOODLIN AVE^APT B31^FLUSHING^NY^11355^US^^^61|""|""||||||""||||||',
		"",
	]
)

# hl7 0.4.5 tests/samples.py sample_batch (one ADT^A04 in a BHS/BTS batch), verbatim.
ADT_A04_BATCH = "\r".join(
	[
		"BHS|^~\\&||ABCHS||AUSDHSV|20070101123401||||abchs20070101123401-1",
		"MSH|^~\\&||ABCHS||AUSDHSV|20070101112951||ADT^A04^ADT_A01|12334456778890|P|2.5|||NE|NE|AU|ASCII",
		"EVN|A04|20060705000000",
		"PID|1||0000112234^^^100^A||XXXXXXXXXX^^^^^^S||10131113|1||4|^^RICHMOND^^3121||||1201||||||||1100|||||||||AAA",
		"PD1||2",
		"NK1|1||1||||||||||||||||||2",
		"PV1|1|O||||^^^^^1",
		"BTS|1",
		"",
	]
)

# The same batch with its trailer counting two messages: the second was lost on the way.
ADT_A04_BATCH_WRONG_COUNT = ADT_A04_BATCH.replace("BTS|1", "BTS|2")


def siu(event: str, control_id: str, last: str, first: str, born: str, start: str, order: str = "") -> str:
	"""An SIU message (v2.5): SCH-11 and AIS-4 carry the appointment start, SCH-26 the placer order."""
	sch = ["SCH", "A-1001", "", "", "", "", "", "", "", "", "", f"^^^{start}"] + [""] * 14 + [order]
	return "\r".join(
		[
			f"MSH|^~\\&|EMR|CLINIC|REFERRAL_CRM|AGENCY|{start}||SIU^{event}^SIU_S12|{control_id}|P|2.5",
			"|".join(sch),
			f"PID|1||MRN-{control_id}^^^EMR^MR||{last}^{first}||{born}|F",
			"RGS|1",
			f"AIS|1||SN^Skilled nursing start of care|{start}",
			"",
		]
	)
