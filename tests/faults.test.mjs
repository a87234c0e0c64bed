// The server's disk fills up while a team surveys: the phone's survey is
// refused with 503 and a wait (Retry-After), the phone keeps it and waits
// as told rather than hammering the server, and sends it once the wait is
// over and there is room again.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";

let server;
let browser;
let disk;

/** Runs `command` as root: directly if this is root, else through `sudo -n`. */
function asRoot(...command) {
  if (process.getuid() === 0) execFileSync(command[0], command.slice(1));
  else execFileSync("sudo", ["-n", ...command]);
}

before(async () => {
  // A small filesystem of its own for the database.
  disk = mkdtempSync(join(tmpdir(), "anju-disk-"));
  asRoot("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", disk);
  asRoot("chmod", "1777", disk);
  server = await startServer({ dir: disk });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  asRoot("umount", "-l", disk);
  rmSync(disk, { recursive: true, force: true });
});

/** Fills what is left of the disk with one file. */
function fill() {
  const fd = openSync(join(disk, "filler"), "w");
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    assert.equal(err.code, "ENOSPC");
  } finally {
    closeSync(fd);
  }
}

test("a survey refused by a full disk waits as the server asks, then goes", async () => {
  const page = await (await newPhone(browser)).newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  const login = await fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "supervisor", password: "demo" }),
  });
  const { token } = await login.json();

  fill();
  // Until the server refuses a write, the disk is not full to it yet.
  let refused;
  for (let i = 0; i < 200 && !refused; i++) {
    const res = await fetch(`${server.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "supervisor", password: "demo" }),
    });
    if (res.status === 503) refused = res;
  }
  assert.ok(refused, "the server never met the full disk");
  const wait = Number(refused.headers.get("retry-after"));
  assert.ok(wait >= 5, `Retry-After: ${wait}`);

  const sent = [];
  page.on("response", (res) => {
    if (res.url().endsWith("/api/v1/submissions")) sent.push({ at: Date.now(), status: res.status() });
  });
  await roster.open("XF-1-0101");
  await new HouseholdPage(page).allUnchanged();
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-saved").waitFor();
  for (let i = 0; i < 100 && sent.length === 0; i++) await page.waitForTimeout(100);
  assert.equal(sent[0]?.status, 503, JSON.stringify(sent));
  // Room again at once; the phone still waits out what it was told.
  unlinkSync(join(disk, "filler"));
  for (let i = 0; i < 300 && !sent.some((s) => s.status === 201); i++) await page.waitForTimeout(100);

  const accepted = sent.find((s) => s.status === 201);
  assert.ok(accepted, JSON.stringify(sent));
  assert.equal(sent.filter((s) => s.status === 503).length, 1, JSON.stringify(sent));
  assert.ok(accepted.at - sent[0].at >= (wait - 1) * 1000, JSON.stringify(sent));
  const ledger = await fetch(`${server.url}/api/v1/households/XF-1-0101`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal((await ledger.json()).submissions.length, 1);
});
