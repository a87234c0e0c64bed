// A supervisor works through the round on a phone: approves a survey,
// returns one with a reason, corrects a field directly, settles a
// conflict by choosing a side, and imports a roster file after checking it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { HouseholdPage, LoginPage } from "./support/pages.mjs";
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

/** A page logged in as `username` through the API, to set the scene. */
async function apiAs(username) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/healthz`);
  const status = await page.evaluate(async (u) => {
    const r = await fetch("/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: u, password: "demo" }),
    });
    return r.status;
  }, username);
  assert.equal(status, 200);
  return { page, close: () => context.close() };
}

async function call(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const r = await fetch(path, {
        method,
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, json: await r.json().catch(() => null) };
    },
    [method, path, body],
  );
}

/** The surveyor sends unchanged surveys of these households. */
async function surveyUnchanged(codes) {
  const surveyor = await apiAs("surveyor");
  const roster = (await call(surveyor.page, "GET", "/api/v1/roster")).json;
  for (const code of codes) {
    const h = roster.households.find((x) => x.code === code);
    const res = await call(surveyor.page, "POST", "/api/v1/submissions", {
      id: crypto.randomUUID(),
      household: code,
      round: roster.round,
      captured_at: new Date().toISOString(),
      base: h.base,
      members: h.members.map((m) => ({ person: m.person, writes: [] })),
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
  }
  await surveyor.close();
}

async function supervisorPhone() {
  const phone = await newPhone(browser);
  const page = await phone.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("supervisor");
  await page.getByTestId("nav-review").click();
  return { phone, page };
}

test("a supervisor approves, returns with a reason and corrects a field from the review list", async () => {
  const [approved, returned, corrected] = ["XF-1-0101", "XF-1-0102", "XF-1-0601"];
  await surveyUnchanged([approved, returned, corrected]);
  const { phone, page } = await supervisorPhone();

  const rowOf = (code) => page.getByTestId(`review-${code}`);
  await rowOf(approved).waitFor();
  assert.match(await rowOf(approved).getByTestId("review-state").innerText(), /待审核/);
  await rowOf(approved).getByTestId("approve").click();
  await rowOf(approved).getByTestId("review-state").filter({ hasText: "通过" }).waitFor();

  await rowOf(returned).getByTestId("return").click();
  await rowOf(returned).getByTestId("confirm-return").click();
  await rowOf(returned).getByRole("alert").filter({ hasText: "请填写退回原因" }).waitFor();
  await rowOf(returned).getByRole("button", { name: "请核实家庭成员" }).click();
  assert.equal(await rowOf(returned).getByRole("alert").count(), 0, "a chosen reason clears the message");
  await screenshot(page, "review");
  await rowOf(returned).getByTestId("confirm-return").click();
  await rowOf(returned).getByTestId("review-state").filter({ hasText: "退回" }).waitFor();

  const list = (await call(page, "GET", "/api/v1/review")).json.submissions;
  const stateOf = (code) => list.find((s) => s.household.code === code).review;
  assert.equal(stateOf(approved).state, "approved");
  assert.equal(stateOf(returned).state, "returned");
  assert.equal(stateOf(returned).reason, "请核实家庭成员");
  assert.equal(stateOf(corrected).state, "pending");

  // A direct correction: the same form as the survey, sent as the supervisor's.
  await rowOf(corrected).getByTestId("correct").click();
  await page.getByTestId("household-title").filter({ hasText: "督导更正" }).waitFor();
  const household = new HouseholdPage(page);
  const head = (await household.members().first().getAttribute("data-testid")).replace(/^member-/, "");
  await household.setEmployment(head, "employed");
  await household.setChannel(head, "migrant");
  await household.setWorkPlace(head, "outside_province");
  await household.setMonthsAndIncome(head, 5, 5200);
  await household.submit();

  const ledger = (await call(page, "GET", `/api/v1/households/${corrected}`)).json;
  const member = ledger.members.find((m) => m.person === head);
  assert.equal(member.record.monthly_income, 5200);
  const income = member.trail.filter((t) => t.write.field === "monthly_income" && t.outcome === "stands");
  assert.equal(income.at(-1).provenance.author, "supervisor");
  const audit = await apiAs("admin");
  const log = (await call(audit.page, "GET", "/api/v1/audit")).json;
  assert.ok(
    JSON.stringify(log).includes(corrected) && JSON.stringify(log).includes("correction"),
    "the correction is in the audit log",
  );
  await audit.close();
  await phone.close();
});

test("a conflict shows both values with who recorded them, and choosing one settles it", async () => {
  const code = "XF-2-0101";
  const surveyor = await apiAs("surveyor");
  const roster = (await call(surveyor.page, "GET", "/api/v1/roster")).json;
  const h = roster.households.find((x) => x.code === code) ?? roster.households.at(-1);
  for (const address of ["安置区一期 3号楼", "安置区二期 3号楼"]) {
    const res = await call(surveyor.page, "POST", "/api/v1/submissions", {
      id: crypto.randomUUID(),
      household: h.code,
      round: roster.round,
      captured_at: new Date().toISOString(),
      base: h.base,
      household_writes: [{ field: "address", value: address }],
      members: h.members.map((m) => ({ person: m.person, writes: [] })),
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
  }
  await surveyor.close();

  const { phone, page } = await supervisorPhone();
  await page.getByTestId("to-conflicts").click();
  const row = page.getByTestId(`conflict-${h.code}`);
  await row.waitFor();
  const sides = row.getByTestId("conflict-side");
  assert.equal(await sides.count(), 2);
  const text = await row.innerText();
  assert.match(text, /住址/);
  assert.match(text, /安置区一期 3号楼/);
  assert.match(text, /安置区二期 3号楼/);
  assert.match(text, /李文华/, "who recorded each side");
  await screenshot(page, "conflicts");
  await sides.filter({ hasText: "安置区一期" }).getByTestId("choose-side").click();
  await row.getByTestId("conflict-settled").waitFor();

  const ledger = (await call(page, "GET", `/api/v1/households/${h.code}`)).json;
  assert.equal(ledger.record.address, "安置区一期 3号楼");
  const open = (await call(page, "GET", "/api/v1/conflicts")).json.conflicts;
  assert.ok(!open.some((c) => c.household.code === h.code), "no longer open");
  await phone.close();
});

test("a roster file is checked first, its errors shown by row and column, then imported", async () => {
  const { phone, page } = await supervisorPhone();
  await page.getByTestId("to-import").click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("template-xlsx").click(),
  ]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const template = await page.evaluate(async () => (await fetch("/api/v1/roster/template?format=csv")).text());
  const lines = template.replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  const idColumn = lines[0].split(",").indexOf("公民身份号码");
  assert.ok(idColumn >= 0, "the template has the ID column");

  // A mistyped ID number on the second person: refused, nothing imported.
  const broken = lines.map((line, i) => {
    if (i !== 2) return line;
    const cells = line.split(",");
    cells[idColumn] = "110101199001011235";
    return cells.join(",");
  });
  const input = page.getByTestId("roster-file");
  await input.setInputFiles({ name: "名册.csv", mimeType: "text/csv", buffer: Buffer.from(broken.join("\n")) });
  const errors = page.getByTestId("import-error");
  await errors.first().waitFor();
  assert.equal(await errors.count(), 1);
  const cells = await errors.first().locator("td").allInnerTexts();
  assert.equal(cells[0], "3", "the spreadsheet's row number");
  assert.equal(cells[1], "公民身份号码");
  assert.ok(cells[2].length > 0, "a message");
  await screenshot(page, "import-errors");

  await input.setInputFiles({ name: "名册.csv", mimeType: "text/csv", buffer: Buffer.from(template) });
  await page.getByTestId("import-check").waitFor();
  const before = (await call(page, "GET", "/api/v1/roster")).json.households.length;
  await page.getByTestId("import-confirm").click();
  await page.getByTestId("import-done").waitFor();
  const households = await page.getByTestId("import-counts").locator("tbody tr").nth(2).locator("td").allInnerTexts();
  assert.deepEqual(households, ["1", "0", "0", "0"], "one household added, nothing else touched");
  const after = (await call(page, "GET", "/api/v1/roster")).json.households.length;
  assert.equal(after, before + 1);
  await phone.close();
});
