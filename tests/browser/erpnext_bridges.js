// The ERPNext bridges walked in a browser, on a site with ERPNext, HRMS and Healthcare, served with a
// worker running. Data first: `bench --site SITE execute referral_crm.tests.bridges_browser.prepare`
// (prints the mileage log, referral and appointment), then:
//   node tests/browser/erpnext_bridges.js 127.0.0.1:8100 MILEAGE_LOG REFERRAL APPOINTMENT BENCH_DIR SITE ADMIN_PASSWORD
// 1. The manager approves the liaison's mileage log; the log then links its Expense Claim, which is the
//    liaison's employee's.
// 2. A day passes (Healthcare's own nightly job marks the booked appointment No Show); the coordinator
//    opens the referral and finds it marked no-show with the notice to the referring office.
// Screenshots go to docs/screenshots/bridges-*.png. Exits 1 when a step does not show.
const { chromium } = require('playwright-core');
const { execSync } = require('child_process');

const PASSWORD = 'Bridges#Check2026';

async function login(browser, host, user, password = PASSWORD) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`http://${host}/login`);
  await page.fill('#login_email', user);
  await page.fill('#login_password', password);
  await page.click('.btn-login');
  await page.waitForURL(/\/app/, { timeout: 30000 });
  return [context, page];
}

(async () => {
  const [host, log, referral, appointment, benchDir, site, adminPassword] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  let failed = 0;
  const check = (ok, what) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    failed += ok ? 0 : 1;
  };

  // 1. Mileage -> Expense Claim
  let [context, page] = await login(browser, host, 'manager@bridges-check.example');
  await page.goto(`http://${host}/app/mileage-log/${log}`);
  await page.waitForSelector('.form-layout');
  await page.keyboard.press('Control+s'); // a draft is submitted with Ctrl+S
  await page.locator('.modal.show .btn-primary', { hasText: /Yes/ }).click();
  await page.waitForTimeout(4000);
  await page.reload();
  await page.waitForSelector('.form-layout');
  await page.waitForTimeout(2000);
  const claimLink = page.locator('[data-fieldname="expense_claim"] a, [data-fieldname="expense_claim"] .control-value').first();
  const claim = (await claimLink.innerText().catch(() => '')).trim();
  await page.screenshot({ path: 'docs/screenshots/bridges-mileage-log.png' });
  check(/^HR-EXP-|EXP/.test(claim), `approved ${log} links its Expense Claim (${claim || 'none'})`);
  await context.close();
  if (claim) {
    // HR processes claims: the expense approver's view (the site's Administrator here)
    [context, page] = await login(browser, host, 'Administrator', adminPassword);
    await page.goto(`http://${host}/app/expense-claim/${claim}`);
    await page.waitForSelector('.form-layout');
    await page.waitForTimeout(1500);
    const employee = (await page.locator('[data-fieldname="employee_name"] .control-value, [data-fieldname="employee_name"] input').first().innerText().catch(() => '')).trim()
      || (await page.locator('[data-fieldname="employee_name"] input').first().inputValue().catch(() => ''));
    await page.screenshot({ path: 'docs/screenshots/bridges-expense-claim.png' });
    check(/Lena/.test(employee), `the claim is the liaison's employee's (${employee || 'no name shown'})`);
    await context.close();
  }

  // 2. Appointment no-show -> the notice on the referral
  const status = execSync(
    `sudo -u bench -H bash -lc 'cd ${benchDir} && export PATH=$HOME/.local/bin:$PATH; bench --site ${site} execute referral_crm.tests.bridges_browser.a_day_passes --kwargs "{\\"appointment\\": \\"${appointment}\\"}"'`
  ).toString().trim().split('\n').pop();
  check(status.includes('No Show'), `Healthcare's nightly job marked ${appointment} ${status}`);
  await new Promise((r) => setTimeout(r, 6000)); // the worker moves the referral
  [context, page] = await login(browser, host, 'coordinator@bridges-check.example');
  await page.goto(`http://${host}/app/referral/${referral}`);
  await page.waitForSelector('.form-layout');
  await page.waitForTimeout(2000);
  const noShow = await page.locator('[data-fieldname="no_show"] input[type="checkbox"]').first().isChecked().catch(() => false);
  const timeline = await page.locator('.new-timeline').innerText().catch(() => '');
  await page.screenshot({ path: 'docs/screenshots/bridges-no-show.png', fullPage: true });
  check(noShow, `${referral} is marked no-show`);
  check(/did not keep|no-show|No Show/i.test(timeline), 'the no-show notice to the referring office is on the referral');
  await context.close();
  await browser.close();
  process.exit(failed ? 1 : 0);
})();
