// Needs the demo site served and playwright-core (npm i playwright-core). A referral's patient name
// and diagnosis were saved holding `<img src=x onerror="window.__markup_ran=1">`; the manager opens
// the referral's form, the list, the report view and its print view. The script must never run.
// (The desk shows a read-only Small Text as HTML and relies on Frappe cleaning values on save; the
// app's one bulk path for outside text, the NPPES file, refuses rows with markup.)
//   node tests/browser/markup.js 127.0.0.1:8001 manager@demo.referral-crm.example <password> <referral>
const { chromium } = require('playwright-core');

(async () => {
  const [host, user, pass, referral] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(`http://${host}/login`);
  await page.fill('#login_email', user);
  await page.fill('#login_password', pass);
  await page.click('.btn-login');
  await page.waitForURL(/\/app/, { timeout: 30000 });
  const ran = {};
  for (const [what, url, selector] of [
    ['form', `/app/referral/${referral}`, '.form-layout'],
    ['list', '/app/referral?status=Received', '.frappe-list'],
    ['report view', '/app/referral/view/report', '.dt-scrollable'],
    ['print view', `/printview?doctype=Referral&name=${referral}&format=Referral%20Thank%20You%20Letter`, '.print-format'],
  ]) {
    await page.goto(`http://${host}${url}`);
    await page.waitForSelector(selector, { timeout: 30000 });
    await page.waitForTimeout(2500);
    ran[what] = await page.evaluate(() => window.__markup_ran === 1);
    const shown = await page.evaluate(() => document.body.innerText.includes('onerror'));
    console.log(`${what}: script ran ${ran[what]}, markup shown as text ${shown}`);
  }
  console.log('dialogs', dialogs.length);
  await browser.close();
  process.exit(Object.values(ran).some(Boolean) || dialogs.length ? 1 : 0);
})();
