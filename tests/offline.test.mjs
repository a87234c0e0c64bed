// A stairwell with no signal: the surveyor captures households and marks a
// visit offline, the browser reloads, and when the network returns every
// capture reaches the ledger exactly once.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, launchPersistentPhone, newPhone, phoneOptions, screenshot } from "./support/browser.mjs";
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

const waiting = (page) => page.getByTestId("outbox-count");

async function api(page, path) {
  return page.evaluate(async (path) => {
    const res = await fetch(path);
    return { status: res.status, body: await res.json() };
  }, path);
}

/** Logs the surveyor in on `page` and waits for the household list. */
async function surveyorOn(page) {
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  return roster;
}

/** Surveys `code` as unchanged and waits until it is saved on the phone. */
async function captureUnchanged(page, roster, code) {
  await roster.open(code);
  await new HouseholdPage(page).allUnchanged();
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-saved").waitFor();
}

/** Taps `target`, says yes to the question it asks, waits for `after`, and returns the question. */
async function answerYes(page, target, after) {
  let question = "";
  page.once("dialog", async (dialog) => {
    question = dialog.message();
    await dialog.accept();
  });
  await target.click();
  await after.waitFor();
  return question;
}

test("offline captures survive a reload and reach the ledger exactly once", async () => {
  const context = await newPhone(browser);
  await context.grantPermissions(["geolocation"], { origin: server.url });
  await context.setGeolocation({ latitude: 39.02, longitude: 112.36, accuracy: 15 });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  const roster = await surveyorOn(page);
  // The service worker has cached the shell and controls the page.
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await context.setOffline(true);
  const codes = ["XF-1-0201", "XF-1-0202", "XF-1-0203"];
  const household = new HouseholdPage(page);
  for (const code of codes) {
    await roster.open(code);
    await household.allUnchanged();
    await page.getByTestId("submit").click();
    await page.getByTestId("submit-saved").waitFor();
    await page.getByTestId("back-to-list").click();
  }
  await roster.household(codes[0]).getByTestId("household-state").filter({ hasText: "待发送" }).waitFor();
  const marker = page.getByTestId("visit-XF-1-0206");
  await marker.getByRole("button", { name: /入户见面/ }).click();
  await marker.getByRole("status").filter({ hasText: "待发送" }).waitFor();
  await waiting(page).filter({ hasText: /待发送 4$/ }).waitFor();
  await screenshot(page, "offline-waiting");

  // A reload with no network: the shell comes from the service worker,
  // the session, roster and outbox from the phone's storage.
  await page.reload();
  await page.getByTestId("user-name").waitFor();
  await waiting(page).filter({ hasText: /待发送 4$/ }).waitFor();
  await roster.household(codes[1]).getByTestId("household-state").filter({ hasText: "待发送" }).waitFor();
  assert.match(await page.getByTestId("sync-bar").innerText(), /离线/);

  await context.setOffline(false);
  await waiting(page).filter({ hasText: /待发送 0$/ }).waitFor({ timeout: 60_000 });
  await roster.household(codes[2]).getByTestId("household-state").filter({ hasText: "已调查" }).waitFor();

  for (const code of codes) {
    const { status, body } = await api(page, `/api/v1/households/${code}`);
    assert.equal(status, 200);
    assert.equal(body.round, "2026Q4");
    assert.equal(body.submissions.length, 1, `${code} holds its one submission once`);
  }
  const gaps = (await api(page, "/api/v1/gaps")).body;
  const visited = gaps.not_surveyed.find((h) => h.code === "XF-1-0206");
  assert.equal(visited.last_visit.outcome, "met");
  assert.equal(visited.last_visit.position.kind, "fix");
  assert.ok(Math.abs(visited.last_visit.position.latitude - 39.02) < 1e-6);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("a capture waiting for the network is kept across a log out and another user", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  const roster = await surveyorOn(page);

  await context.setOffline(true);
  await captureUnchanged(page, roster, "XF-1-0301");
  // Logged out before it could be sent: the app names what waits, and keeps it.
  const question = await answerYes(page, page.getByTestId("log-out"), page.getByTestId("login-username"));
  assert.match(question, /1 条记录未发送/);
  assert.match(question, /1号楼 301/);
  await context.setOffline(false);

  // Another user logs in on the same phone: not their capture to send.
  await new LoginPage(page).logIn("grid");
  await roster.buildings().first().waitFor();
  await page.getByTestId("nav-households").click();
  await page.getByTestId("sync-now").or(page.getByTestId("outbox-count")).first().waitFor();
  await page.getByTestId("sync-bar").click();
  await page.getByText(/另有其他用户的待发送记录/).waitFor();
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByTestId("log-out").click();
  await page.getByTestId("login-username").waitFor();

  // Back as the surveyor, it goes.
  await new LoginPage(page).logIn("surveyor");
  await waiting(page).filter({ hasText: /待发送 0$/ }).waitFor({ timeout: 60_000 });
  const { body } = await api(page, "/api/v1/households/XF-1-0301");
  assert.equal(body.submissions.length, 1);
  await context.close();
});

/** The keys of the app's IndexedDB store `name`. */
async function storedKeys(page, name) {
  return page.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("anju");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(name).objectStore(name).getAllKeys();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    name,
  );
}

test("clearing the phone removes the kept roster, names what waits, and keeps it", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  const roster = await surveyorOn(page);
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await context.setOffline(true);
  await captureUnchanged(page, roster, "XF-1-0302");
  await page.getByTestId("sync-bar").click();
  assert.ok((await storedKeys(page, "state")).includes("roster:surveyor"), "the roster is kept on the phone");

  // Said no to: nothing happens.
  page.once("dialog", (dialog) => dialog.dismiss());
  await page.getByTestId("clear-phone").click();
  await page.getByTestId("outbox-entry").waitFor();
  assert.ok((await storedKeys(page, "state")).includes("roster:surveyor"));

  const question = await answerYes(page, page.getByTestId("clear-phone"), page.getByTestId("login-username"));
  assert.match(question, /删除本机保存的住户名单/);
  assert.match(question, /1 条记录未发送/);
  assert.match(question, /1号楼 302/);
  // The login page shows at once; the removal follows it.
  const forgotten = async () =>
    !(await storedKeys(page, "state")).some((k) => k.startsWith("roster:") || k === "session");
  for (let i = 0; i < 100 && !(await forgotten()); i++) await page.waitForTimeout(50);
  assert.ok(await forgotten(), "no roster or session is left on the phone");
  assert.equal((await storedKeys(page, "outbox")).length, 1, "the waiting capture stays");

  // Offline, a reload opens the login page, not the last user's households.
  await page.reload();
  await page.getByTestId("login-username").waitFor();
  await context.setOffline(false);
  await new LoginPage(page).logIn("surveyor");
  await waiting(page).filter({ hasText: /待发送 0$/ }).waitFor({ timeout: 60_000 });
  const { body } = await api(page, "/api/v1/households/XF-1-0302");
  assert.equal(body.submissions.length, 1);
  await context.close();
});

test("a waiting capture saved to a file comes back from it, and a refused one asks for action", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  const roster = await surveyorOn(page);

  await context.setOffline(true);
  await captureUnchanged(page, roster, "XF-1-0401");
  await page.getByTestId("sync-bar").click();
  await page.getByTestId("outbox-entry").waitFor();

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("save-file").click()]);
  const file = await download.path();
  const saved = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(saved.entries.length, 1);

  // Throwing it away names what is lost, and asks first.
  const discard = page.getByTestId("outbox-entry").getByRole("button", { name: "放弃" });
  const question = await answerYes(page, discard, page.getByTestId("outbox-empty"));
  assert.match(question, /1号楼 401/);

  // The file brings it back, with one more the server will refuse.
  const refused = structuredClone(saved.entries[0]);
  refused.id = "7b1d1c55-3f0e-4d8a-9a61-2b7f1d3c0a01";
  const body = JSON.parse(refused.body);
  body.id = refused.id;
  body.household = "XF-9-9999";
  refused.household = body.household;
  refused.body = JSON.stringify(body);
  refused.label = "不存在的户";
  saved.entries.push(refused);
  writeFileSync(file, JSON.stringify(saved));
  await page.getByTestId("import-file").setInputFiles(file);
  await page.getByRole("status").filter({ hasText: "已导入记录：2" }).waitFor();
  assert.equal(await page.getByTestId("outbox-entry").count(), 2);

  await context.setOffline(false);
  await page.getByTestId("sync-now").click();
  const problem = page.getByTestId("outbox-entry").filter({ hasText: "不存在的户" });
  await problem.getByRole("alert").waitFor({ timeout: 60_000 });
  assert.match(await problem.getByRole("alert").innerText(), /找不到该户/);
  await page.getByTestId("refused-count").filter({ hasText: "1" }).waitFor();
  await page.getByTestId("outbox-entry").filter({ hasText: "1号楼 401" }).waitFor({ state: "detached" });
  const { body: ledger } = await api(page, "/api/v1/households/XF-1-0401");
  assert.equal(ledger.submissions.length, 1, "the imported capture arrived once");
  await context.close();
});

test("in WeChat's browser, which drops downloads, the backup goes to the clipboard and pastes back", async () => {
  const context = await browser.newContext({
    ...phoneOptions,
    userAgent:
      "Mozilla/5.0 (Linux; Android 12; V2055A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5043 MMWEBSDK/20230701 MMWEBID/1234 MicroMessenger/8.0.40.2420(0x28002851) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  const roster = await surveyorOn(page);
  await context.setOffline(true);
  await captureUnchanged(page, roster, "XF-1-0402");
  await page.getByTestId("sync-bar").click();
  await page.getByTestId("outbox-entry").waitFor();

  let downloads = 0;
  page.on("download", () => downloads++);
  await page.getByTestId("save-file").click();
  await page.getByRole("status").filter({ hasText: "文件传输助手" }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(downloads, 0);
  assert.equal(JSON.parse(copied).entries[0].label.includes("1号楼 402"), true);

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByTestId("outbox-entry").getByRole("button", { name: "放弃" }).click();
  await page.getByTestId("outbox-empty").waitFor();
  await page.getByTestId("import-text").fill(copied);
  await page.getByRole("status").filter({ hasText: "已导入记录：1" }).waitFor();
  await page.getByTestId("import-text").fill("随便一段文字");
  await page.getByRole("status").filter({ hasText: "这不是安居导出的记录文件" }).waitFor();

  await context.setOffline(false);
  await waiting(page).filter({ hasText: /待发送 0$/ }).waitFor({ timeout: 60_000 });
  const { body } = await api(page, "/api/v1/households/XF-1-0402");
  assert.equal(body.submissions.length, 1);
  await context.close();
});

test("where IndexedDB is missing, captures are kept in localStorage instead", async () => {
  const context = await newPhone(browser);
  // Some embedded browsers refuse IndexedDB; the app must not break there.
  await context.addInitScript(() => {
    Object.defineProperty(window, "indexedDB", { value: undefined, configurable: true });
  });
  const page = await context.newPage();
  const roster = await surveyorOn(page);

  await context.setOffline(true);
  await captureUnchanged(page, roster, "XF-1-0501");
  assert.ok(
    await page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith("anju:outbox:"))),
    "the capture is in localStorage",
  );
  await page.reload();
  await waiting(page).filter({ hasText: /待发送 1$/ }).waitFor();
  await context.setOffline(false);
  await waiting(page).filter({ hasText: /待发送 0$/ }).waitFor({ timeout: 60_000 });
  const { body } = await api(page, "/api/v1/households/XF-1-0501");
  assert.equal(body.submissions.length, 1);
  await context.close();
});

test("a waiting capture survives the browser being closed and opened again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "anju-phone-"));
  try {
    let phone = await launchPersistentPhone(dir);
    let page = phone.pages()[0] ?? (await phone.newPage());
    const roster = await surveyorOn(page);
    await phone.setOffline(true);
    await captureUnchanged(page, roster, "XF-1-0502");
    await phone.close();

    // Days later, with a connection again: the browser opens, and the capture goes.
    phone = await launchPersistentPhone(dir);
    page = phone.pages()[0] ?? (await phone.newPage());
    await page.goto(server.url);
    await page.getByTestId("user-name").waitFor();
    await waiting(page).filter({ hasText: /待发送 0$/ }).waitFor({ timeout: 60_000 });
    const { body } = await api(page, "/api/v1/households/XF-1-0502");
    assert.equal(body.submissions.length, 1);
    await phone.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
