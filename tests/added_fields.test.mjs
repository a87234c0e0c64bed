// A county adds a question without a programmer: an administrator uploads
// a definition adding 参保 (yes/no, required for labourers) from the next
// round. When the quarter turns, a team's phone, offline, asks it on the
// next survey and will not submit without it; the supervisor's export of
// the new round has the column.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { LoginPage, RosterPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";

let dir;
let clock;
let server;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "anju-clock-"));
  clock = join(dir, "now");
  writeFileSync(clock, "2026-12-20T10:00:00+08:00");
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

const DEFINITION = [
  "字段编号,对象,中文名称,英文名称,类型,必填,适用条件",
  "pension,成员,参保,Pension insurance,是否,是,年龄 >= 16 且 劳动能力 = 技能劳动力、普通劳动力、弱劳动力或半劳动力",
].join("\n");

/** The round of the roster kept on the phone, and whether it asks 参保. */
async function stored(page) {
  return page.evaluate(async () => {
    const db = await new Promise((ok, fail) => {
      const req = indexedDB.open("anju");
      req.onsuccess = () => ok(req.result);
      req.onerror = fail;
    });
    const value = await new Promise((ok) => {
      const req = db.transaction("state").objectStore("state").get("roster:surveyor");
      req.onsuccess = () => ok(req.result);
    });
    db.close();
    const roster = value ? JSON.parse(value) : {};
    return `${roster.round} ${(roster.fields ?? []).some((f) => f.key === "pension")}`;
  });
}

const able = (m) => ["skilled", "ordinary", "weak"].includes(m.record.capacity);

test("a field added for the next round is asked offline, required, and exported", async () => {
  const admin = await (await newPhone(browser)).newPage();
  await admin.goto(server.url);
  await new LoginPage(admin).logIn("admin");
  await admin.getByTestId("nav-fields").click();
  await admin.getByTestId("fields-from").locator('[data-code="2027Q1"]').click();
  await admin.getByTestId("fields-file").setInputFiles({
    name: "字段定义.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(DEFINITION),
  });
  await admin.getByTestId("fields-check").getByTestId("defined-field").filter({ hasText: "参保" }).waitFor();
  await screenshot(admin, "fields-check");
  await admin.getByTestId("fields-confirm").click();
  await admin.getByTestId("fields-kept").filter({ hasText: "2027Q1" }).waitFor();
  await admin.context().close();

  const context = await newPhone(browser);
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const listed = await page.evaluate(async () => (await fetch("/api/v1/roster")).json());
  const household = listed.households.find((h) => h.members.some(able) && h.members.length >= 2);
  const labourer = household.members.find(able).person;
  // This quarter's survey does not ask it.
  await roster.open(household.code);
  await page.getByTestId(`member-${labourer}`).waitFor();
  assert.equal(await page.getByTestId(`extra.pension-${labourer}`).count(), 0);
  await page.getByTestId("nav-households").click();

  // The quarter turns; the phone takes the new round, then loses its network.
  writeFileSync(clock, "2027-01-05T09:00:00+08:00");
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.getByTestId("user-round").filter({ hasText: "2027Q1" }).waitFor({ timeout: 60_000 });
  // Kept on the phone (IndexedDB) with the new round's roster.
  const deadline = Date.now() + 60_000;
  while (!(await stored(page)).startsWith('2027Q1 true')) {
    assert.ok(Date.now() < deadline, "the new round's roster is kept on the phone");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await context.setOffline(true);
  await page.goto(`${server.url}/households`);
  await roster.buildings().first().waitFor();

  await roster.open(household.code);
  const question = page.getByTestId(`extra.pension-${labourer}`);
  await page.getByTestId(`member-${labourer}`).waitFor();
  await question.waitFor();
  await page.getByTestId("all-unchanged").click();
  const card = page.getByTestId(`member-${labourer}`);
  await card.locator(".issues").filter({ hasText: "参保：此项必填" }).waitFor();
  assert.ok(await page.getByTestId("review").isDisabled(), "not without the answer");
  await screenshot(page, "added-field-required");

  const asked = page.locator('[data-testid^="extra.pension-"]:visible');
  for (const group of await asked.all()) {
    await group.getByRole("button", { name: "是" }).click();
  }
  await page.getByTestId("review").click();
  assert.match(await page.getByTestId("summary").innerText(), /参保 是/);
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-saved").waitFor();

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.getByTestId("submit-accepted").waitFor({ timeout: 60_000 });
  assert.deepEqual(pageErrors, []);
  await context.close();

  const desk = await (await newPhone(browser)).newPage();
  await desk.goto(server.url);
  await new LoginPage(desk).logIn("supervisor");
  const csv = await desk.evaluate(async () => {
    const res = await fetch("/api/v1/export?format=csv&round=2027Q1");
    return res.text();
  });
  const lines = csv.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines[0].split(",");
  const column = header.indexOf("参保");
  assert.equal(column, header.length - 1, "after the built-in columns");
  const row = lines.find((l) => l.includes(labourer)).split(",");
  assert.equal(row[column], "是");
  await desk.context().close();
});
