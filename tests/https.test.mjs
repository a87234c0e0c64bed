// A county server reached by name over HTTPS, as phones reach a real one:
// the service worker, lasting storage and positions work there, and the
// offline story holds. Over plain HTTP under the same name the login page
// says why the phone cannot work offline.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";
import { HOST, makeCertificate } from "./support/tls.mjs";

let certs;
let secure;
let plain;
let browser;

before(async () => {
  certs = mkdtempSync(join(tmpdir(), "anju-tls-"));
  const { cert, key, browserFlags } = makeCertificate(certs);
  secure = await startServer({ extra: ["--tls-cert", cert, "--tls-key", key] });
  plain = await startServer();
  browser = await launchBrowser(browserFlags);
});

after(async () => {
  await browser?.close();
  await secure?.stop();
  await plain?.stop();
  rmSync(certs, { recursive: true, force: true });
});

test("over HTTPS by name the app works offline, keeps its data and records positions", async () => {
  const origin = `https://${HOST}:${secure.port}`;
  const context = await newPhone(browser);
  await context.grantPermissions(["geolocation"], { origin });
  await context.setGeolocation({ latitude: 39.02, longitude: 112.36, accuracy: 15 });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  await page.goto(origin);
  assert.equal(await page.getByTestId("not-secure").count(), 0);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const storage = await page.evaluate(async () => ({
    secure: window.isSecureContext,
    persist: typeof navigator.storage?.persist === "function",
    quota: (await navigator.storage.estimate()).quota > 0,
  }));
  assert.deepEqual(storage, { secure: true, persist: true, quota: true });

  // A visit records where the phone was.
  const marker = page.getByTestId("visit-XF-1-0206");
  await marker.getByRole("button", { name: /入户见面/ }).click();
  await marker.getByRole("status").filter({ hasText: "已发送" }).waitFor({ timeout: 30_000 });

  // The offline story: capture with no network, reload, send on return.
  await context.setOffline(true);
  await roster.open("XF-1-0201");
  await new HouseholdPage(page).allUnchanged();
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-saved").waitFor();
  await page.reload();
  await page.getByTestId("user-name").waitFor();
  const waiting = page.getByTestId("outbox-count");
  await waiting.filter({ hasText: /待发送 1$/ }).waitFor();
  await context.setOffline(false);
  await waiting.filter({ hasText: /待发送 0$/ }).waitFor({ timeout: 60_000 });

  const read = (path) => page.evaluate(async (path) => (await fetch(path)).json(), path);
  const ledger = await read("/api/v1/households/XF-1-0201");
  assert.equal(ledger.submissions.length, 1);
  const gaps = await read("/api/v1/gaps");
  const visited = gaps.not_surveyed.find((h) => h.code === "XF-1-0206");
  assert.equal(visited.last_visit.position.kind, "fix");
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("over plain HTTP by name the login page says offline work needs HTTPS", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();

  await page.goto(`http://${HOST}:${plain.port}`);

  const warning = page.getByTestId("not-secure");
  await warning.waitFor();
  assert.match(await warning.innerText(), /https:\/\//);
  assert.equal(await page.evaluate(() => window.isSecureContext), false);
  await screenshot(page, "not-secure");
  await context.close();
});
