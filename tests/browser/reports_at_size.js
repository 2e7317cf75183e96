// The manager's reports as a person opens them in the desk: Duplicate Records for the whole site,
// for one practice (the "Duplicates Of" filter) and the "Compare the Whole Site Again" button;
// Source Scorecard, Referral Trend by Source and Liaison Activity with their rows. It enters two demo
// practices a second time (as the manager, through the REST API) to have duplicates to find, and
// leaves them there: run it on a demo site, not a live one. Screenshots go to
// docs/screenshots/. Needs the site served (bench start) with the demo agency and playwright-core:
//   node tests/browser/reports_at_size.js 127.0.0.1:8000 'Demo#Referral2026'
// Exits 1 when a report shows no rows, an error, or the page throws.
const { chromium } = require('playwright-core');

const MANAGER = 'manager@demo.referral-crm.example';

async function rows(page) {
  await page.locator('.dt-row.vrow').or(page.getByText('Nothing to show')).first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(500);
  return page.locator('.dt-row.vrow').count();
}

(async () => {
  const [host, pass] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://${host}/login`);
  await page.fill('#login_email', MANAGER);
  await page.fill('#login_password', pass);
  await page.click('.btn-login');
  await page.waitForURL(/\/app/, { timeout: 30000 });
  let failed = 0;
  const check = (label, ok, detail = '') => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label} ${detail}`);
    if (!ok) failed += 1;
  };

  for (const [report, shot] of [
    ['Source Scorecard', 'report-scorecard'],
    ['Referral Trend by Source', 'report-trend'],
    ['Liaison Activity', 'report-liaison-activity'],
  ]) {
    await page.goto(`http://${host}/app/query-report/${encodeURIComponent(report)}`);
    const n = await rows(page);
    check(report, n > 0, `${n} rows`);
    await page.screenshot({ path: `docs/screenshots/${shot}.png` });
  }

  // Two offices entered a second time, their names in capitals with a legal form, as happens.
  const [practice, other] = await page.evaluate(async () => {
    const originals = await frappe.xcall('frappe.client.get_list', {
      doctype: 'Practice', fields: ['practice_name', 'phone', 'zip_code', 'state'],
      filters: [['phone', 'is', 'set'], ['name', 'like', 'PRAC-D%']], order_by: 'name asc', limit_page_length: 2,
    });
    const twins = [];
    for (const original of originals) {
      const twin = await frappe.xcall('frappe.client.insert', {
        doc: { doctype: 'Practice', practice_name: `${original.practice_name.toUpperCase()}, PLLC`,
          phone: original.phone, zip_code: original.zip_code, state: original.state },
      });
      twins.push(twin.name);
    }
    return twins;
  });
  await page.goto(`http://${host}/app/query-report/Duplicate%20Records`);
  const whole = await rows(page);
  const all = await page.locator('.dt-row.vrow').allInnerTexts();
  check('Duplicate Records, whole site', [practice, other].every((p) => all.some((t) => t.includes(p))), `${whole} rows`);
  // "Duplicates Of": one practice's likely duplicates, as when it is picked from the list
  const refreshed = page.waitForResponse((r) => r.url().includes('query_report.run') && decodeURIComponent(r.url()).includes(`"record":"${practice}"`));
  await page.evaluate(async (name) => {
    await frappe.query_report.set_filter_value('record', name); // the link is checked, then kept
    await new Promise((resolve) => setTimeout(resolve, 1500));
    frappe.query_report.refresh();
  }, practice);
  const answer = (await (await refreshed).json()).message.result;
  await page.waitForTimeout(1000);
  const one = await rows(page);
  const pairs = answer.map((r) => [r.record, r.other]);
  check(
    'Duplicate Records, one practice',
    one === answer.length && one > 0 && pairs.every((p) => p.includes(practice) && !p.includes(other)),
    `${practice}: ${one} rows shown, each a pair with it`,
  );
  await page.screenshot({ path: 'docs/screenshots/report-duplicates-one.png' });
  await page.getByRole('button', { name: 'Compare the Whole Site Again' }).click();
  const alert = await page.waitForSelector('.alert-message, .desk-alert', { timeout: 15000 }).then(() => true, () => false);
  check('Compare the Whole Site Again', alert);
  check('no page errors', errors.length === 0, errors.join(' | '));
  await browser.close();
  process.exit(failed ? 1 : 0);
})();
