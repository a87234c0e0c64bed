// An administrator disables a team member's account while their phone holds
// an unsent survey: the phone goes back to the login page saying why, keeps
// the survey and says so, and sends it once the account is enabled again.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
import { anju, startServer } from "./support/server.mjs";

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

test("a disabled account is logged out, keeps what waits, and sends it when enabled", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  await context.setOffline(true);
  await roster.open("XF-1-0301");
  await new HouseholdPage(page).allUnchanged();
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-saved").waitFor();

  anju(["user", "disable", "surveyor", "--database", server.database]);
  await context.setOffline(false);

  const ended = page.getByTestId("session-ended");
  await ended.waitFor({ timeout: 60_000 });
  assert.equal(await ended.innerText(), "此账号已停用，请联系管理员");
  assert.match(await page.getByTestId("kept-waiting").innerText(), /本机还有 1 条记录等待发送/);
  await screenshot(page, "account-disabled");

  anju(["user", "enable", "surveyor", "--database", server.database]);
  await new LoginPage(page).logIn("surveyor");
  await page.getByTestId("outbox-count").filter({ hasText: /待发送 0$/ }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId("session-ended").count(), 0);
  const ledger = await page.evaluate(async () => (await fetch("/api/v1/households/XF-1-0301")).json());
  assert.equal(ledger.submissions.length, 1);
  await context.close();
});
