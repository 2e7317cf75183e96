// At a phone's size (390 x 844), a demo liaison checks in at the first stop on My Day (with a
// location near the office) and logs the visit; prints the taps used, checks nothing is left
// waiting on the phone and that no script failed. Needs the demo site served, a Route Plan for
// today, and playwright-core (npm i playwright-core):
//   node tests/browser/my_day.js 127.0.0.1:8001 liaison.bronx@demo.referral-crm.example 'Demo#Referral2026' 40.83765 -73.90990 docs/screenshots
const { chromium } = require('playwright-core');
(async () => {
  const [host, user, pass, lat, lon, outDir] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    geolocation: { latitude: Number(lat), longitude: Number(lon) }, permissions: ['geolocation'],
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`http://${host}/login`);
  await page.fill('#login_email', user);
  await page.fill('#login_password', pass);
  await page.click('.btn-login');
  await page.waitForURL(/\/app/, { timeout: 30000 });
  await page.goto(`http://${host}/app/my-day`);
  await page.waitForSelector('.my-day-stop', { timeout: 30000 });
  await page.screenshot({ path: `${outDir}/my-day-1-stops.png` });
  let taps = 0;
  await page.tap('.my-day-stop[data-index="0"] .my-day-checkin'); taps++;
  await page.waitForSelector('.my-day-stop[data-index="0"] .my-day-outcome');
  await page.screenshot({ path: `${outDir}/my-day-2-checked-in.png` });
  await page.tap('.my-day-stop[data-index="0"] .my-day-outcome[data-outcome="Spoke with Office Staff"]'); taps++;
  await page.fill('.my-day-stop[data-index="0"] .my-day-remarks', 'Left flyers with the front desk'); taps++;
  await page.tap('.my-day-stop[data-index="0"] .my-day-save'); taps++;
  await page.waitForSelector('.my-day-stop[data-index="0"] .indicator-pill.green', { timeout: 15000 });
  await page.screenshot({ path: `${outDir}/my-day-3-saved.png` });
  console.log(JSON.stringify({ taps, pending: await page.evaluate(() => localStorage.getItem('referral_crm_pending_visits')), errors }));
  if (errors.length) process.exitCode = 1;
  await browser.close();
})();
