// Every field of the ledger can be seen and changed on the phone: the
// household's own fields at the top, each member's training and skills,
// identity and contact folded below the work. An entry that is not a value
// is named at its field and holds the form back until it is fixed.
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

test("a team changes the household's fields, its income besides wages included, and a member's other fields from the phone", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  const listed = await page.evaluate(async () => (await fetch("/api/v1/roster")).json());
  const { code } = listed.households.find((h) => h.members.length >= 2);
  await roster.open(code);
  const household = new HouseholdPage(page);
  const person = (await household.members().first().getAttribute("data-testid")).replace(/^member-/, "");

  // Folded until opened: the common case stays short.
  assert.equal(await page.getByTestId("hh-address").isVisible(), false);
  assert.equal(await page.getByTestId(`education-${person}`).isVisible(), false);
  assert.equal(await page.getByTestId(`phone-${person}`).isVisible(), false);

  await page.getByTestId("group-household").click();
  await page.getByTestId("hh-address").fill("兴福社区 1号楼 201室");
  await page.getByTestId("hh-monitored").getByRole("button", { name: "是" }).click();
  await page.getByTestId("hh-phone").fill("1380000");
  await page.getByTestId("hh-phone").blur();
  await page.getByRole("alert").filter({ hasText: "手机号码应为 11 位数字" }).waitFor();
  assert.ok(await page.getByTestId("review").isDisabled(), "a broken entry holds the form back");
  await page.getByTestId("hh-phone").fill("13800002222");
  assert.equal(await page.getByRole("alert").filter({ hasText: "手机号码应为 11 位数字" }).count(), 0);
  // The household's income besides wages: a slip refused, then a pension.
  await page.getByTestId("hh-transfer_income").fill("30000000");
  await page.getByText("年收入应在 0 到 2000000 元之间").waitFor();
  assert.ok(await page.getByTestId("review").isDisabled(), "an income out of range holds the form back");
  await page.getByTestId("hh-transfer_income").fill("9600");
  await page.getByTestId("hh-business_income").fill("2400");
  assert.equal(await page.getByText("年收入应在 0 到 2000000 元之间").count(), 0);

  await page.getByTestId(`group-skills-${person}`).click();
  await household.choose("capacity", person, "skilled");
  await household.choose("education", person, "vocational");
  await page.getByTestId(`group-identity-${person}`).click();
  await page.getByTestId(`phone-${person}`).fill("13911112222");
  await screenshot(page, "whole-ledger");

  await page.getByTestId("review").click();
  const summary = page.getByTestId("summary");
  await summary.waitFor();
  assert.match(await summary.innerText(), /住址 兴福社区 1号楼 201室/);
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-accepted").waitFor();

  // A supervisor sees the numbers the team may not read back.
  const supervisorContext = await newPhone(browser);
  const desk = await supervisorContext.newPage();
  await desk.goto(server.url);
  await new LoginPage(desk).logIn("supervisor");
  const ledger = await desk.evaluate(async (c) => (await fetch(`/api/v1/households/${c}`)).json(), code);
  assert.equal(ledger.record.address, "兴福社区 1号楼 201室");
  assert.equal(ledger.record.monitored, true);
  assert.equal(ledger.record.phone, "13800002222");
  assert.equal(ledger.record.transfer_income, 9600);
  assert.equal(ledger.record.business_income, 2400);
  const record = ledger.members.find((m) => m.person === person).record;
  assert.equal(record.capacity, "skilled");
  assert.equal(record.education, "vocational");
  assert.equal(record.phone, "13911112222");
  assert.deepEqual(pageErrors, []);
  await supervisorContext.close();
  await context.close();
});
