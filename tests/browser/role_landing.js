// Logs in as each demo user in headless Chromium and saves the workspace they land on.
// Needs a site with the demo data served locally and playwright-core installed (npm i playwright-core):
//   node tests/browser/role_landing.js 127.0.0.1:8000 'Demo#Referral2026' setter@demo.referral-crm.example ...
// Prints where each user landed; screenshots go to docs/screenshots/.
const { chromium } = require('playwright-core');
(async () => {
  const [host, pass, ...users] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync'] });
  for (const user of users) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(`http://${host}/login`);
    await page.fill('#login_email', user);
    await page.fill('#login_password', pass);
    await page.click('.btn-login');
    await page.waitForURL(/\/app/, { timeout: 30000 });
    await page.goto(`http://${host}/app`);
    await page.waitForTimeout(5000);
    const title = await page.title();
    const url = page.url();
    await page.screenshot({ path: `docs/screenshots/landing-${user.split('@')[0].replace('.', '-')}.png`, fullPage: false });
    console.log(user, '->', url, '|', title, '| errors:', errors.length ? errors.join(' ; ') : 'none');
    await context.close();
  }
  await browser.close();
})();
