// The phone's storage full: Chromium's own quota for the app's origin,
// set low before the app first opens its storage (the browser checks each
// write against it from then on) and filled by another database of the
// same origin, as photos and chats fill a real phone. The surveyor is told
// on opening a household, a survey that cannot be kept offline stays on
// the form to be saved again, and one made online goes straight to the
// server.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, test } from "node:test";

import { launchPersistentPhone } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";

// Room for the app and its demo roster, small enough to fill in a moment.
const QUOTA = 8 * 1024 * 1024;

let server;
let profile;
let context;

before(async () => {
  server = await startServer();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

after(async () => {
  await server?.stop();
});

/** A phone on its own profile (usage counts on disk), its quota set, logged in. */
async function phoneWithQuota() {
  profile = mkdtempSync(join(tmpdir(), "anju-profile-"));
  context = await launchPersistentPhone(profile);
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send("Storage.overrideQuotaForOrigin", { origin: server.url, quotaSize: QUOTA });
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  await new RosterPage(page).buildings().first().waitFor();
  return page;
}

/**
 * Fills the origin's storage with incompressible data in a database of its
 * own, halving the pieces until not even 16 bytes more fit. Returns the
 * bytes written.
 */
function fill(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open("filler", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("s");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const put = (key, value) =>
      new Promise((resolve) => {
        const tx = db.transaction("s", "readwrite", { durability: "strict" });
        tx.objectStore("s").put(value, key);
        tx.oncomplete = () => resolve(null);
        tx.onabort = () => resolve(tx.error?.name ?? "aborted");
      });
    let written = 0;
    let size = 256 * 1024;
    for (let key = 0; size >= 16; key++) {
      const piece = new Uint8Array(size);
      for (let at = 0; at < size; at += 65536) crypto.getRandomValues(piece.subarray(at, at + 65536));
      const refused = await put(key, piece);
      if (refused === null) written += size;
      else if (refused === "QuotaExceededError") size /= 2;
      else throw new Error(`the filler was refused: ${refused}`);
    }
    db.close();
    return written;
  });
}

/** Deletes the filler: the phone has room again. */
function free(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.deleteDatabase("filler");
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error);
      }),
  );
}

test("storage full offline: warned on opening the household, the survey stays on the form, and is saved once there is room", async () => {
  const page = await phoneWithQuota();
  const roster = new RosterPage(page);
  await roster.open("XF-1-0501");
  assert.equal(await page.getByTestId("storage-low").count(), 0, "warned while there was room");
  await page.goto(`${server.url}/households`);

  assert.ok((await fill(page)) > 0);
  await roster.open("XF-1-0501");
  const warning = page.getByTestId("storage-low");
  await warning.waitFor();
  assert.match(await warning.innerText(), /存储空间快满了/);

  await context.setOffline(true);
  const form = new HouseholdPage(page);
  await form.allUnchanged();
  await page.getByTestId("submit").click();
  const failed = page.getByTestId("storage-failed");
  await failed.waitFor();
  assert.match(await failed.innerText(), /保存/);
  assert.equal(await page.getByTestId("submit-saved").count(), 0, "said saved when it was not");

  // Room again: the same survey, not typed again, is kept and then sent.
  await free(page);
  await page.getByTestId("save-again").click();
  await page.getByTestId("summary").waitFor();
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-saved").waitFor();
  await warning.waitFor({ state: "detached" });
  await context.setOffline(false);
  await page.getByTestId("submit-accepted").waitFor({ timeout: 30_000 });
  assert.equal((await server.submissionsOf("XF-1-0501")).length, 1);
});

test("storage full online: the survey goes straight to the server", async () => {
  const page = await phoneWithQuota();
  await fill(page);
  const roster = new RosterPage(page);
  await roster.open("XF-1-0502");
  await page.getByTestId("storage-low").waitFor();
  await new HouseholdPage(page).allUnchanged();
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-accepted").waitFor({ timeout: 30_000 });
  assert.equal((await server.submissionsOf("XF-1-0502")).length, 1);
});
