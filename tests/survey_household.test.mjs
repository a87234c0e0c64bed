// A surveyor records each member's employment on a phone; the supervisor
// then sees the household counted, and the ledger holds what was entered.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { CoveragePage, HouseholdPage, LoginPage, RosterPage, logOut } from "./support/pages.mjs";
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

test("a household surveyed on a phone lands in the ledger and the coverage", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(server.url);

  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  const buildings = await roster.buildings().allInnerTexts();
  assert.ok(buildings.some((b) => b.includes("1号楼")), "grid 1's buildings are listed");
  assert.ok(!buildings.some((b) => b.includes("4号楼")), "grid 2's buildings are not");
  await screenshot(page, "roster");

  const code = "XF-1-0102";
  await roster.open(code);
  const household = new HouseholdPage(page);
  const people = await household.members().evaluateAll((cards) =>
    cards.map((card) => card.dataset.testid.replace(/^member-/, "")),
  );
  assert.ok(people.length >= 1, "the household's members are shown");

  const expected = {};
  for (const [idx, person] of people.entries()) {
    if (idx === 0) {
      await household.setEmployment(person, "employed");
      await household.setChannel(person, "workshop");
      await household.setWorkPlace(person, "in_county");
      await household.setMonthsAndIncome(person, 9, 2600);
      expected[person] = {
        employment: "employed",
        channel: "workshop",
        work_place: "in_county",
        months_worked: 9,
        monthly_income: 2600,
      };
    } else if ((await household.age(person)) < 16) {
      await household.setEmployment(person, "student");
      expected[person] = { employment: "student" };
    } else {
      await household.setEmployment(person, "unemployed");
      expected[person] = { employment: "unemployed" };
      if (await household.asksIntention(person)) {
        await household.setIntention(person, true, "家政服务");
        Object.assign(expected[person], { willing_to_train: true, intended_work: "家政服务" });
      }
    }
  }
  await screenshot(page, "household");
  await household.submit();
  await screenshot(page, "accepted");

  await page.goto(`${server.url}/households`);
  const state = roster.household(code).getByTestId("household-state");
  await state.filter({ hasText: "已调查" }).waitFor();

  await logOut(page);
  await new LoginPage(page).logIn("supervisor");
  const coverage = new CoveragePage(page);
  await coverage.open("XFJY");
  assert.equal(await coverage.surveyed("G1"), 1);
  assert.equal(await coverage.surveyed("G2"), 0);
  await screenshot(page, "coverage");

  // The ledger, read through the API, holds exactly what was entered.
  const ledger = await page.evaluate(async (code) => {
    const res = await fetch(`/api/v1/households/${code}`);
    return res.json();
  }, code);
  assert.equal(ledger.submissions.length, 1);
  for (const member of ledger.members) {
    const want = expected[member.person];
    assert.ok(want, `member ${member.person} was on the form`);
    for (const [field, value] of Object.entries(want)) {
      assert.equal(member.record[field], value, `${member.person}.${field}`);
    }
    if (member.person === people[0]) {
      assert.equal(member.sources.monthly_income.author, "surveyor");
      assert.equal(member.sources.monthly_income.submission, ledger.submissions[0]);
    }
  }
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("the bundle is served with the right types and caching", async () => {
  const index = await fetch(server.url);
  assert.equal(index.headers.get("cache-control"), "no-cache");
  assert.match(index.headers.get("content-type"), /text\/html/);
  const html = await index.text();
  const wasm = html.match(/\/assets\/app-[0-9a-f]+\.wasm/)[0];
  const res = await fetch(server.url + wasm, { headers: { "accept-encoding": "br" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/wasm");
  assert.match(res.headers.get("cache-control"), /immutable/);
  assert.equal(res.headers.get("content-encoding"), "br");
  // Sent as compressed at build time, not compressed again per request.
  const built = readFileSync(resolve(import.meta.dirname, "../app/dist", wasm.slice(1) + ".br"));
  assert.equal(Number(res.headers.get("content-length")), built.length);
  // A route of the app survives a reload.
  const deep = await fetch(`${server.url}/households/XF-1-0101`);
  assert.equal(deep.status, 200);
  assert.match(await deep.text(), /<script type="module" src="\/assets\/boot-[0-9a-f]+\.js">/);
});
