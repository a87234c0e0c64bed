// A supervisor returns a survey with a reason; the surveyor's phone shows
// it on the list and the form, and the correction goes back through the
// outbox and clears it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
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

test("a returned survey shows on the phone until the correction arrives", async () => {
  const phone = await newPhone(browser);
  const page = await phone.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  const code = "XF-1-0601";
  await roster.open(code);
  const household = new HouseholdPage(page);
  await household.allUnchanged();
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-accepted").waitFor();
  const first = await page.evaluate(async (c) => (await fetch(`/api/v1/households/${c}`)).json(), code);
  const submission = first.submissions[0];

  // The supervisor, on another device, sends it back.
  const desk = await browser.newContext();
  const supervisor = await desk.newPage();
  await supervisor.goto(server.url);
  await new LoginPage(supervisor).logIn("supervisor");
  const res = await supervisor.evaluate(async (id) => {
    const r = await fetch(`/api/v1/submissions/${id}/review`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ decision: "return", reason: "户主已外出务工，请核实就业状态" }),
    });
    return r.status;
  }, submission);
  assert.ok(res === 200 || res === 201, `review answered ${res}`);

  await page.getByTestId("back-to-list").click();
  await page.getByTestId("sync-bar").click();
  await page.getByTestId("sync-now").click();
  // Every screen's sync bar says it needs action; the outbox lists it.
  await page.getByTestId("refused-count").filter({ hasText: "1" }).waitFor({ timeout: 30_000 });
  const entry = page.getByTestId("returned-entry");
  assert.match(await entry.innerText(), /户主已外出务工/);
  await screenshot(page, "outbox-returned");
  await page.getByTestId("nav-households").click();
  const state = roster.household(code).getByTestId("household-state");
  await state.filter({ hasText: "已退回" }).waitFor({ timeout: 30_000 });
  await page.getByTestId("sync-bar").click();
  await entry.click();
  assert.match(await page.getByTestId("returned").innerText(), /户主已外出务工/);
  await screenshot(page, "returned");

  const people = await household.members().evaluateAll((cards) =>
    cards.map((card) => card.dataset.testid.replace(/^member-/, "")),
  );
  const head = people[0];
  const age = await household.age(head);
  assert.ok(age >= 16 && age < 60, `the head is of working age (${age})`);
  await household.setEmployment(head, "employed");
  await household.setChannel(head, "migrant");
  await household.setWorkPlace(head, "outside_province");
  await household.setMonthsAndIncome(head, 3, 4500);
  await household.submit();

  await page.getByTestId("back-to-list").click();
  await state.filter({ hasText: "已调查" }).waitFor({ timeout: 30_000 });
  await page.getByTestId("refused-count").waitFor({ state: "detached" });
  const after = await page.evaluate(async (c) => (await fetch(`/api/v1/households/${c}`)).json(), code);
  assert.equal(after.members.find((m) => m.person === head).record.work_place, "outside_province");
  await desk.close();
  await phone.close();
});
