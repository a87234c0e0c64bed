// The survey's promise to the people who walk the stairwells: an unchanged
// household in at most 4 taps from the list, one member's change of
// employment in at most 6, a training received with its certificate in at
// most 6. Every click and fill below is a tap.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { LoginPage, RosterPage } from "./support/pages.mjs";
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

/** A phone logged in as the surveyor, on the household list. */
async function surveyor() {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  await new RosterPage(page).buildings().first().waitFor();
  return page;
}

/** Counts taps: each locator action through it is one. */
function tapper(page) {
  const tap = { count: 0 };
  tap.click = async (locator) => {
    tap.count += 1;
    await locator.click();
  };
  tap.fill = async (locator, text) => {
    tap.count += 1;
    await locator.fill(text);
  };
  return tap;
}

async function roster(page) {
  return page.evaluate(async () => (await fetch("/api/v1/roster")).json());
}

const working = (m) => ["skilled", "ordinary"].includes(m.record.capacity);

test("an unchanged 4-member household is re-surveyed in at most 4 taps", async () => {
  const page = await surveyor();
  const households = (await roster(page)).households.filter((h) => h.members.length === 4);
  const code = households[0].code;
  const tap = tapper(page);
  await tap.click(page.getByTestId(`household-${code}`));
  await tap.click(page.getByTestId("all-unchanged"));
  await screenshot(page, "summary");
  await tap.click(page.getByTestId("submit"));
  await page.getByTestId("submit-accepted").waitFor();
  assert.ok(tap.count <= 4, `${tap.count} taps`);

  const ledger = await page.evaluate(async (c) => (await fetch(`/api/v1/households/${c}`)).json(), code);
  assert.equal(ledger.submissions.length, 1);
  assert.equal(ledger.members.length, 4);
  await page.context().close();
});

test("one member's change of employment takes at most 6 taps", async () => {
  const page = await surveyor();
  const households = (await roster(page)).households.filter(
    (h) => h.members.length === 4 && h.members.some((m) => m.record.employment === "employed" && working(m)),
  );
  const household = households[1];
  const member = household.members.find((m) => m.record.employment === "employed" && working(m));
  const person = member.person;
  const tap = tapper(page);
  await tap.click(page.getByTestId(`household-${household.code}`));
  await tap.click(page.getByTestId(`employment-${person}`).locator('[data-code="unemployed"]'));
  await tap.click(page.getByTestId(`willing_to_train-${person}`).getByRole("button", { name: "是" }));
  await tap.fill(page.getByTestId(`intended_work-${person}`), "保洁");
  await tap.click(page.getByTestId("review"));
  await screenshot(page, "summary-changed");
  await tap.click(page.getByTestId("submit"));
  await page.getByTestId("submit-accepted").waitFor();
  assert.ok(tap.count <= 6, `${tap.count} taps`);

  const ledger = await page.evaluate(
    async (c) => (await fetch(`/api/v1/households/${c}`)).json(),
    household.code,
  );
  const after = ledger.members.find((m) => m.person === person).record;
  assert.equal(after.employment, "unemployed");
  assert.equal(after.willing_to_train, true);
  assert.equal(after.intended_work, "保洁");
  assert.equal(after.channel, undefined, "the lost job's details are cleared");
  await page.context().close();
});

test("a training received with its certificate takes at most 6 taps", async () => {
  const page = await surveyor();
  const households = (await roster(page)).households.filter((h) =>
    h.members.some((m) => working(m) && m.record.certified !== true && m.record.training !== "skills"),
  );
  const household = households[0];
  const member = household.members.find(
    (m) => working(m) && m.record.certified !== true && m.record.training !== "skills",
  );
  const person = member.person;
  const tap = tapper(page);
  await tap.click(page.getByTestId(`household-${household.code}`));
  await tap.click(page.getByTestId(`group-skills-${person}`));
  await tap.click(page.getByTestId(`training-${person}`).locator('[data-code="skills"]'));
  await tap.click(page.getByTestId(`certified-${person}`).getByRole("button", { name: "是" }));
  await tap.click(page.getByTestId("review"));
  await tap.click(page.getByTestId("submit"));
  await page.getByTestId("submit-accepted").waitFor();
  assert.ok(tap.count <= 6, `${tap.count} taps`);

  const ledger = await page.evaluate(
    async (c) => (await fetch(`/api/v1/households/${c}`)).json(),
    household.code,
  );
  const after = ledger.members.find((m) => m.person === person).record;
  assert.equal(after.training, "skills");
  assert.equal(after.certified, true);
  await page.context().close();
});
