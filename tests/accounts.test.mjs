// An administrator adds a grid member from the phone and hands over the
// one-time password; the grid member must choose their own before anything
// else; the administrator finds the account, moves it to another grid,
// resets its password and disables it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { LoginPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("an administrator adds an account whose one-time password must be replaced, then disables it", async () => {
  const admin = await (await newPhone(browser)).newPage();
  await admin.goto(server.url);
  await new LoginPage(admin).logIn("admin");
  await admin.getByTestId("nav-accounts").click();
  await admin.getByTestId("account-surveyor").waitFor();
  await admin.getByTestId("account-search").fill("张秀");
  await admin.getByTestId("account-surveyor").waitFor({ state: "detached" });
  await admin.getByTestId("account-grid").waitFor();
  await admin.getByTestId("account-search").fill("");

  await admin.getByTestId("account-add-open").click();
  await admin.getByTestId("account-name").fill("赵磊");
  await admin.getByTestId("account-username").fill("zhao.lei");
  await admin.getByTestId("account-role").getByRole("button", { name: "网格员" }).click();
  await admin.getByTestId("account-place").fill("G2");
  await admin.getByTestId("account-add-submit").click();
  const oneTime = (await admin.getByTestId("one-time-password-value").innerText()).trim();
  assert.match(oneTime, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await admin.getByTestId("account-zhao.lei").waitFor();
  await screenshot(admin, "accounts");
  await admin.getByTestId("one-time-done").click();

  const phone = await (await newPhone(browser)).newPage();
  await phone.goto(server.url);
  await new LoginPage(phone).logIn("zhao.lei", oneTime);
  await phone.getByTestId("choose-own-password").waitFor();
  await phone.getByTestId("password-current").fill(oneTime);
  await phone.getByTestId("password-new").fill("zhao-lei-2027-spring");
  await phone.getByTestId("password-again").fill("zhao-lei-2027-spring");
  await phone.getByTestId("password-submit").click();
  await phone.getByTestId("nav-households").click();
  await phone.locator("[data-testid^='building-']").first().waitFor();

  const row = admin.getByTestId("account-zhao.lei");
  await row.getByTestId("account-edit").click();
  await row.getByTestId("account-place").fill("G1");
  await row.getByTestId("account-save").click();
  await row.filter({ hasText: "第一网格" }).waitFor();
  admin.once("dialog", (dialog) => dialog.accept());
  await row.getByTestId("account-reset").click();
  const reset = (await admin.getByTestId("one-time-password-value").innerText()).trim();
  assert.notEqual(reset, oneTime);
  assert.match(reset, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await row.getByTestId("account-toggle").click();
  await row.getByTestId("account-disabled").waitFor();
  // Reset and disabled: the phone is logged out at its next request.
  await phone.reload();
  await phone.getByTestId("login-username").waitFor({ timeout: 60_000 });
});

test("staff come from a spreadsheet: checked, imported, and printed with their one-time passwords", async () => {
  const dir = mkdtempSync(join(tmpdir(), "anju-staff-"));
  const header = "\ufeff姓名,手机号码,角色,工作地点,用户名\r\n";
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, `${header}王丽,1380000,驻点工作队,G1,\r\n`);
  const good = join(dir, "staff.csv");
  writeFileSync(good, `${header}王丽,13800001111,驻点工作队,G1,\r\n刘建国,13900002222,网格员,G2,\r\n`);
  const page = await (await newPhone(browser)).newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("admin");
  await page.getByTestId("nav-accounts").click();
  await page.getByTestId("staff-import-open").click();

  await page.getByTestId("staff-file").setInputFiles(bad);
  const error = page.getByTestId("import-error");
  await error.waitFor();
  assert.match(await error.innerText(), /2\s+手机号码\s+手机号码应为 11 位数字/);

  await page.getByTestId("staff-file").setInputFiles(good);
  await page.getByTestId("staff-check").waitFor();
  assert.match(await page.getByTestId("staff-counts").innerText(), /新增 2/);
  await page.getByTestId("staff-confirm").click();
  await page.getByTestId("staff-done").waitFor();
  const rows = page.getByTestId("print-row");
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().innerText(), /王丽[\s\S]*wangli1111[\s\S]*[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}/);
  await page.getByTestId("account-wangli1111").waitFor();
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.getByTestId("staff-print").isVisible(), false);
  assert.equal(await page.getByTestId("print-sheet").isVisible(), true);
  await screenshot(page, "staff-sheet-print");
  await page.emulateMedia({ media: "screen" });
  rmSync(dir, { recursive: true, force: true });
});

test("an administrator sees the phones a user is logged in on and logs one out", async () => {
  const phone = await (await newPhone(browser)).newPage();
  await phone.goto(server.url);
  await new LoginPage(phone).logIn("grid");
  const admin = await (await newPhone(browser)).newPage();
  await admin.goto(server.url);
  await new LoginPage(admin).logIn("admin");
  await admin.getByTestId("nav-accounts").click();

  const row = admin.getByTestId("account-grid");
  await row.getByTestId("account-sessions").click();
  const session = row.getByTestId("session");
  await session.waitFor();
  assert.equal(await session.count(), 1);
  assert.match(await session.innerText(), /127\.0\.0\.1[\s\S]*最近使用 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  admin.once("dialog", (dialog) => dialog.accept());
  await session.getByTestId("session-end").click();
  await row.getByText("没有登录中的设备").waitFor();

  await phone.reload();
  await phone.getByTestId("login-username").waitFor({ timeout: 60_000 });
});
