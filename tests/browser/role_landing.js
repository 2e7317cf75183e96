// The newcomer's path, the last step: on a brand-new site with the app installed and the demo built
// (`bench new-site`, `install-app`, `referral-crm demo`: the README's command), log in as each demo user
// in headless Chromium and check they land on their role's workspace, never on the setup wizard, a
// "Not permitted" wall or a second-factor prompt they cannot answer. Screenshots go to docs/screenshots/.
// Needs the site served (bench start) and playwright-core (npm i playwright-core):
//   node tests/browser/role_landing.js 127.0.0.1:8000 'Demo#Referral2026'
// Exits 1 when any user does not reach their workspace.
const { chromium } = require('playwright-core');

const DOMAIN = 'demo.referral-crm.example';
const USERS = [
  ['manager', 'referral-crm'],
  ['analyst', 'referral-analysis'],
  ['intake', 'referral-intake'],
  ['setter', 'referral-calls'],
  ['liaison.bronx', 'referral-liaison'],
  ['coordinator.north', 'referral-coordination'],
];

(async () => {
  const [host, pass] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let failed = 0;
  for (const [name, workspace] of USERS) {
    const user = `${name}@${DOMAIN}`;
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://${host}/login`);
    await page.fill('#login_email', user);
    await page.fill('#login_password', pass);
    await page.click('.btn-login');
    let problem = '';
    try {
      await page.waitForURL(/\/app/, { timeout: 30000 });
    } catch (e) {
      const text = await page.locator('body').innerText();
      problem = /verification|authenticat|OTP/i.test(text) ? 'asked for a second factor' : 'never reached the desk';
    }
    if (!problem) {
      await page.waitForSelector('.layout-main-section, .page-container', { timeout: 30000 });
      await page.waitForTimeout(4000);
      const url = page.url();
      const text = await page.locator('body').innerText();
      if (/setup-wizard/.test(url)) problem = 'sent to the setup wizard';
      else if (/Not permitted/i.test(text)) problem = '"Not permitted"';
      else if (!url.endsWith(`/app/${workspace}`)) problem = `landed on ${url}, not /app/${workspace}`;
    }
    await page.screenshot({ path: `docs/screenshots/landing-${name.replace('.', '-')}.png` });
    console.log(`${user}: ${problem || 'on its workspace'} | page errors: ${errors.length ? errors.join(' ; ') : 'none'}`);
    failed += problem ? 1 : 0;
    await context.close();
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
})();
