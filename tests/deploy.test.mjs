// README's "Deploy", followed on this machine: the settings of
// deploy/anju.env (HTTPS, the redirect, JSON logs) with a test certificate
// and free ports; the first administrator made at the shell; then, in the
// browser by name over HTTPS, the roster and the staff imported, and a new
// team member who chooses a password and finds the imported households.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone } from "./support/browser.mjs";
import { LoginPage } from "./support/pages.mjs";
import { anju, startServer } from "./support/server.mjs";
import { HOST, makeCertificate } from "./support/tls.mjs";

const ADMIN_PASSWORD = "county-server-2027";
let dir;
let server;
let browser;

/** The KEY=VALUE lines of deploy/anju.env. */
function deployedSettings() {
  const text = readFileSync(resolve(import.meta.dirname, "../deploy/anju.env"), "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "anju-deploy-"));
  const { cert, key, browserFlags } = makeCertificate(dir);
  const settings = deployedSettings();
  assert.equal(settings.ANJU_LOG_FORMAT, "json");
  assert.ok(settings.ANJU_TLS_CERT && settings.ANJU_TLS_KEY && settings.ANJU_HTTP_REDIRECT_PORT);
  server = await startServer({
    demo: false,
    // This machine's files and free ports in place of /etc/anju's and 443, 80.
    env: {
      ...settings,
      ANJU_HOST: "127.0.0.1",
      ANJU_HTTP_REDIRECT_PORT: "0",
      ANJU_TLS_CERT: cert,
      ANJU_TLS_KEY: key,
      RUST_LOG: "info",
    },
    before: (database) =>
      anju(["user", "add", "chen", "--role", "admin", "--name", "陈主任", "--database", database], `${ADMIN_PASSWORD}\n`),
  });
  browser = await launchBrowser(browserFlags);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `POST path` with a CSV body from the page, answered as JSON. */
function postCsv(page, path, csv) {
  return page.evaluate(
    async ([path, csv]) => {
      const res = await fetch(path, { method: "POST", headers: { "content-type": "text/csv" }, body: csv });
      return { status: res.status, body: await res.json() };
    },
    [path, csv],
  );
}

test("a county server from README's Deploy: first administrator, roster and staff imported, over HTTPS", async () => {
  const origin = `https://${HOST}:${server.port}`;
  assert.match(server.url, /^https:/);
  const admin = await (await newPhone(browser)).newPage();
  await admin.goto(origin);
  await new LoginPage(admin).logIn("chen", ADMIN_PASSWORD);

  const template = await admin.evaluate(async () => (await fetch("/api/v1/roster/template?format=csv")).text());
  const roster = await postCsv(admin, "/api/v1/roster/import", template);
  assert.equal(roster.status, 200, JSON.stringify(roster.body));
  assert.equal(roster.body.households.added, 1);
  const staff = await postCsv(
    admin,
    "/api/v1/users/import",
    "\ufeff姓名,手机号码,角色,工作地点,用户名\r\n王丽,13800001111,驻点工作队,G9,\r\n",
  );
  assert.equal(staff.status, 200, JSON.stringify(staff.body));
  const [account] = staff.body.accounts;
  assert.equal(account.username, "wangli1111");

  const team = await (await newPhone(browser)).newPage();
  await team.goto(origin);
  await new LoginPage(team).logIn(account.username, account.one_time_password);
  await team.getByTestId("password-current").fill(account.one_time_password);
  await team.getByTestId("password-new").fill("wang-li-stairwell-9");
  await team.getByTestId("password-again").fill("wang-li-stairwell-9");
  await team.getByTestId("password-submit").click();
  await team.getByTestId("nav-households").click();
  await team.getByTestId("household-SL-1-0301").waitFor();

  // The logs are JSON lines, one object a line, for a collector.
  const logs = server.output().split("\n").filter((line) => line.startsWith("{"));
  assert.ok(logs.length > 0, server.output());
  for (const line of logs) assert.equal(typeof JSON.parse(line).level, "string");
});
