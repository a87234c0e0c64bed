// A quarter ends while the team's phone is open: at midnight in China the
// server's round moves on, and the phone takes the new round's households,
// last round's records as their prefill, and shows the new round, with
// nothing for the user to do. A survey of the old quarter that reaches the
// server after its grace period stays on the phone, saying why.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";

let dir;
let clock;
let server;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "anju-clock-"));
  clock = join(dir, "now");
  writeFileSync(clock, "2026-12-31T23:50:00+08:00");
  // The clock jumps weeks ahead; sessions stay open across the jumps.
  server = await startServer({
    round: null,
    env: { ANJU_CLOCK_FILE: clock, ANJU_SESSION_IDLE_HOURS: "2000" },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("at a quarter's end the open phone moves to the new round by itself", async () => {
  const page = await (await newPhone(browser)).newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  const round = page.getByTestId("user-round");
  assert.match(await round.innerText(), /2026Q4/);
  await roster.open("XF-1-0201");
  const name = (await new HouseholdPage(page).members().first().innerText()).split("\n")[0];
  await new HouseholdPage(page).allUnchanged();
  await page.getByTestId("submit").click();
  // Saved on the phone, and online sent at once: either way the list is next.
  await page.getByTestId("back-to-list").click();
  const state = roster.household("XF-1-0201").getByTestId("household-state");
  await state.filter({ hasText: "已调查" }).waitFor({ timeout: 30_000 });

  writeFileSync(clock, "2027-01-01T00:01:00+08:00");
  // The phone syncs by itself every 30 seconds; the network coming back
  // is one of the moments it also does.
  await page.evaluate(() => window.dispatchEvent(new Event("online")));

  await round.filter({ hasText: "2027Q1" }).waitFor({ timeout: 60_000 });
  await state.filter({ hasText: "未调查" }).waitFor();
  await roster.open("XF-1-0201");
  assert.equal((await new HouseholdPage(page).members().first().innerText()).split("\n")[0], name);
});

test("a survey of last quarter sent after its grace period is kept on the phone with the reason", async () => {
  writeFileSync(clock, "2026-12-31T23:55:00+08:00");
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

  // Sixteen days later, one past the grace period, the phone finds a network.
  writeFileSync(clock, "2027-01-16T09:00:00+08:00");
  await context.setOffline(false);

  await page.getByTestId("refused-count").waitFor({ timeout: 60_000 });
  await page.getByTestId("sync-bar").click();
  const entry = page.getByTestId("outbox-entry");
  await entry.getByRole("alert").waitFor();
  assert.match(await entry.getByRole("alert").innerText(), /该季度的调查已截止/);
  await context.close();
});
