// The phone's browser killed in the middle of saving a survey: after it
// starts again, each survey is on the phone whole or not at all, never
// half, and every one it said was saved is there.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

import { phoneOptions } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";

let server;
let profile;

before(async () => {
  server = await startServer();
  profile = mkdtempSync(join(tmpdir(), "anju-profile-"));
});

after(async () => {
  await server?.stop();
  rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

/** Chromium on `profile`, started by hand so that it can be killed outright. */
async function startChromium() {
  const child = spawn(
    process.env.CHROMIUM ?? "/usr/bin/chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    // Its own process group, so that a kill takes every process of it.
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  const endpoint = await new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (chunk) => {
      err += chunk;
      const match = err.match(/DevTools listening on (ws:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.on("exit", () => reject(new Error(`chromium exited: ${err}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize(phoneOptions.viewport);
  return { child, context, page };
}

/** Kills every process of the browser at once, as a phone's system would. */
async function kill(child) {
  const exited = new Promise((done) => (child.exitCode !== null ? done() : child.on("exit", done)));
  process.kill(-child.pid, "SIGKILL");
  await exited;
}

/** The surveys kept in the phone's outbox, each read whole or reported broken. */
async function keptSurveys(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("anju");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction("outbox").objectStore("outbox").getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () =>
            resolve(
              all.result.map((raw) => {
                try {
                  const entry = JSON.parse(raw);
                  const body = JSON.parse(entry.body);
                  return body.household && body.members?.length > 0 ? body.household : "broken";
                } catch (_) {
                  return "broken";
                }
              }),
            );
        };
      }),
  );
}

test("a browser killed while saving surveys keeps each whole or not at all", async () => {
  let { child, context, page } = await startChromium();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  await new RosterPage(page).buildings().first().waitFor();
  await context.setOffline(true);

  const said = [];
  const codes = ["XF-1-0101", "XF-1-0102", "XF-1-0201", "XF-1-0202"];
  for (const [i, code] of codes.entries()) {
    await page.goto(`${server.url}/households`);
    const roster = new RosterPage(page);
    await roster.open(code);
    await new HouseholdPage(page).allUnchanged();
    await page.getByTestId("submit").click();
    // Killed at once, or a few milliseconds into the save.
    const saved = page.getByTestId("submit-saved");
    // The wait for the saved notice ends with the browser if it loses the race.
    const noticed = saved.waitFor().then(
      () => said.push(code),
      () => {},
    );
    await Promise.race([noticed, page.waitForTimeout(i * 7)]);
    await kill(child);
    ({ child, context, page } = await startChromium());
    await context.setOffline(true);
    await page.goto(server.url);
    await new RosterPage(page).buildings().first().waitFor();

    const kept = await keptSurveys(page);
    assert.ok(!kept.includes("broken"), `a half-kept survey: ${JSON.stringify(kept)}`);
    for (const code of said) assert.ok(kept.includes(code), `${code} was said saved: ${JSON.stringify(kept)}`);
  }
  // Not a test of nothing: surveys were kept across the kills.
  assert.ok((await keptSurveys(page)).length > 0);
  await kill(child);
});
