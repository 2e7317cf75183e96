// Calls in the desk, end to end in headless Chromium: one power-dialer cycle on Work a Queue (the user's
// phone is answered, the first office's answering machine takes the voicemail, the Visit is logged
// "Left Voicemail" by itself, the person adds a remark and "Log and Next" dials the next office) and the
// inbound pop-up (a known office's card; an unknown caller added as a contact in two clicks).
// Needs the site served with socket.io, tests/browser/fake_twilio.py running, and the data from
// referral_crm.tests.telephony_browser.prepare, whose JSON answer is the third argument:
//   node tests/browser/telephony.js new74.localhost:8100 127.0.0.1:8199 '<json>'
// Exits 1 when a step fails. Screenshots go to docs/screenshots/.
const { chromium } = require('playwright-core');

(async () => {
  const [host, fake, json] = process.argv.slice(2);
  const data = JSON.parse(json);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const steps = [];
  const check = (ok, what) => {
    steps.push(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) throw new Error(what);
  };
  let failed = false;
  try {
    await page.goto(`http://${host}/login`);
    await page.fill('#login_email', data.user);
    await page.fill('#login_password', data.password);
    await page.click('.btn-login');
    await page.waitForURL(/\/app/, { timeout: 30000 });

    // One power-dialer cycle.
    await page.goto(`http://${host}/app/work-queue/${encodeURIComponent(data.queue)}`);
    await page.waitForSelector('.dialer-start', { timeout: 30000 });
    check((await page.locator('.queue-practice').innerText()).includes(data.offices[0].practice_name), 'the queue opens on the first office');
    await page.click('.dialer-start');
    await page.waitForFunction(() => /Left Voicemail/.test(document.querySelector('.dialer-status')?.textContent || ''), null, { timeout: 30000 });
    check(true, 'the answering machine is detected and the voicemail logged by itself');
    check((await page.locator('.queue-outcome.btn-primary').innerText()).trim() === 'Left Voicemail', '"Left Voicemail" is chosen for the person');
    await page.screenshot({ path: 'docs/screenshots/dialer-voicemail.png' });
    await page.fill('.queue-remarks', 'Asked for the office manager by voicemail');
    await page.fill('.queue-next-step', 'Call back Thursday');
    await page.click('.queue-log');
    await page.waitForFunction((name) => (document.querySelector('.queue-practice')?.textContent || '').includes(name), data.offices[1].practice_name, { timeout: 30000 });
    await page.waitForFunction(() => /Calling|Left Voicemail/.test(document.querySelector('.dialer-status')?.textContent || ''), null, { timeout: 30000 });
    check(true, '"Log and Next" shows the next office and dials it');
    const visits = await page.evaluate(async (office) => {
      const r = await frappe.call({ method: 'frappe.client.get_list', args: { doctype: 'Visit', filters: { practice: office }, fields: ['outcome', 'remarks', 'next_step', 'call_duration', 'outreach_call'] } });
      return r.message;
    }, data.offices[0].name);
    check(visits.length === 1 && visits[0].outcome === 'Left Voicemail' && visits[0].remarks.includes('office manager') && visits[0].call_duration === 23 && visits[0].outreach_call,
      `one Visit for the first office, Left Voicemail, 23 s, with the remark (${JSON.stringify(visits)})`);
    await page.waitForTimeout(4000);
    await page.screenshot({ path: 'docs/screenshots/dialer-next-office.png' });
    await page.click('.dialer-stop');
    await page.waitForFunction(() => /Stopped/.test(document.querySelector('.dialer-status')?.textContent || ''), null, { timeout: 15000 });

    // Inbound: a known office calls.
    const url = `${data.site_url}/api/method/referral_crm.outreach.telephony_webhooks.incoming`;
    const ring = (from) => fetch(`http://${fake}/simulate/incoming?${new URLSearchParams({ from, to: data.agency_number, url })}`).then((r) => r.json());
    const answer = await ring(data.offices[2].phone);
    check(/<Say>/.test(answer.twiml), 'Twilio is answered with the greeting');
    await page.waitForSelector('.incoming-call-card .incoming-practice', { timeout: 20000 });
    check((await page.locator('.incoming-practice').innerText()).includes(data.offices[2].practice_name), "the pop-up shows the calling office's card");
    check(/Referrals this month: 0/.test(await page.locator('.incoming-call-card').innerText()), 'with its referrals this month');
    await page.screenshot({ path: 'docs/screenshots/inbound-known-office.png' });
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000);

    // Inbound: an unknown caller becomes a contact in two clicks.
    await ring('+17185559321');
    await page.waitForSelector('.incoming-call-card .incoming-unknown', { timeout: 20000 });
    await page.screenshot({ path: 'docs/screenshots/inbound-unknown.png' });
    await page.locator('.modal:visible .btn-primary').click(); // click 1: Add as Contact
    await page.waitForSelector('.modal:visible input[data-fieldname="first_name"]');
    await page.fill('.modal:visible input[data-fieldname="first_name"]', 'Dana');
    await page.fill('.modal:visible input[data-fieldname="last_name"]', 'Reyes');
    await page.locator('.modal:visible .btn-primary').click(); // click 2: Save
    await page.waitForSelector('.alert-message:has-text("Contact")', { timeout: 15000 });
    const contact = await page.evaluate(async () => (await frappe.call({ method: 'frappe.client.get_list', args: { doctype: 'Contact Phone', parent: 'Contact', filters: { phone: '+17185559321' }, fields: ['parent'] } })).message);
    check(contact.length === 1, 'the caller is a contact with their number');
  } catch (e) {
    failed = true;
    steps.push(`FAIL ${e.message.split('\n')[0]}`);
    await page.screenshot({ path: '/tmp/telephony-failure.png' });
  }
  console.log(steps.join('\n'));
  console.log(`page errors: ${errors.length ? errors.join(' ; ') : 'none'}`);
  await browser.close();
  process.exit(failed || errors.length ? 1 : 0);
})();
