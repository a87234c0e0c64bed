// A household changes between rounds: a baby is born, a son moves out.
// The new member's ID number fills birth date and sex; the one who left
// keeps his reason; the summary shows both before anything is sent.
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

/** An 18-character resident ID with its MOD 11-2 check character. */
function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

test("a newborn joins with an ID number and a member leaves with a reason", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  const code = "XF-2-0103";
  await roster.open(code);
  const household = new HouseholdPage(page);
  const people = await household.members().evaluateAll((cards) =>
    cards.map((card) => card.dataset.testid.replace(/^member-/, "")),
  );
  const leaver = people[people.length - 1];

  await page.getByTestId("add-member").click();
  const ids = await household.members().evaluateAll((cards) =>
    cards.map((card) => card.dataset.testid.replace(/^member-/, "")),
  );
  const baby = ids.find((id) => !people.includes(id));
  assert.ok(baby, "a card for the new member");
  await page.getByTestId(`name-${baby}`).fill("王小宝");

  // A mistyped number is named as such, in Chinese.
  const good = residentId("14092520260815001");
  const typo = good.slice(0, 16) + ((Number(good[16]) + 1) % 10) + good[17];
  await page.getByTestId(`resident_id-${baby}`).fill(typo);
  await page.getByRole("alert").filter({ hasText: "校验位不正确" }).waitFor();
  await page.getByTestId(`resident_id-${baby}`).fill(good);
  await page.getByTestId(`born-${baby}`).filter({ hasText: "2026-08-15" }).waitFor();
  assert.match(await page.getByTestId(`born-${baby}`).innerText(), /男/);
  await household.choose("relation", baby, "grandchild");
  await household.choose("capacity", baby, "none");
  await household.choose("join-reason", baby, "newborn");

  await page.getByTestId(`leave-${leaver}`).click();
  await page.getByTestId(`member-${leaver}`).locator('[data-code="moved_out"]').click();

  await page.getByTestId("review").click();
  const summary = page.getByTestId("summary");
  await summary.waitFor();
  assert.match(await summary.innerText(), /增员 · 新生儿/);
  assert.match(await summary.innerText(), /减员 · 迁出/);
  await screenshot(page, "members-summary");
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-accepted").waitFor();

  const ledger = await page.evaluate(async (c) => (await fetch(`/api/v1/households/${c}`)).json(), code);
  const born = ledger.members.find((m) => m.person === baby);
  assert.equal(born.joined, "newborn");
  assert.equal(born.record.name, "王小宝");
  assert.equal(born.record.birth_date, "2026-08-15");
  assert.equal(born.record.sex, "male");
  assert.equal(ledger.members.find((m) => m.person === leaver).left, "moved_out");

  // The list shows the household as it now is: the baby in, the son out.
  await page.getByTestId("back-to-list").click();
  await roster.open(code);
  const now = await household.members().evaluateAll((cards) =>
    cards.map((card) => card.dataset.testid.replace(/^member-/, "")),
  );
  assert.ok(now.includes(baby));
  assert.ok(!now.includes(leaver));
  await context.close();
});
