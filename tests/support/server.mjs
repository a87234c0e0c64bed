// Starts the real `anju` binary on a free port with a fresh SQLite database.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const binary = process.env.ANJU_BIN ?? join(root, "target/debug/anju");

/** Runs `anju ...args` to its end, as an administrator at the server's shell. */
export function anju(args, input = "") {
  const run = spawnSync(binary, args, { input, encoding: "utf8", env: { ...process.env, LANG: "C" } });
  if (run.status !== 0) throw new Error(`anju ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

/**
 * `extra` flags go to `anju serve` (`--tls-cert`, say) and `env` to its
 * environment. Without `demo` the server starts on an empty database, the
 * round by the calendar, as with `round: null`; `before(database)` runs
 * first, as an administrator at the shell would.
 */
/** `dir`, if given, holds the database (a small filesystem, say) and is kept. */
export async function startServer({ round = "2026Q4", extra = [], env = {}, demo = true, before, dir: given } = {}) {
  const dir = given ?? mkdtempSync(join(tmpdir(), "anju-e2e-"));
  const database = `sqlite://${join(dir, "anju.db")}`;
  before?.(database);
  // `round: null` leaves the round to the server's calendar.
  const roundFlags = round ? ["--round", round] : [];
  const demoFlags = demo ? ["--demo", ...roundFlags] : [];
  const child = spawn(
    binary,
    ["serve", "--port", "0", ...demoFlags, "--database", database, ...extra],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn", ...env },
    },
  );
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdout.on("data", (chunk) => (stdout += chunk));
  const url = await new Promise((resolveUrl, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/running at (https?:\/\/\S+?)\/?\s/);
      if (match) resolveUrl(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`anju exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    database,
    port: Number(new URL(url).port),
    /** What the server has printed so far: its start-up lines, then its logs. */
    output: () => stdout,
    /** The household's submissions, as the demo supervisor reads its ledger. */
    async submissionsOf(code) {
      const login = await fetch(`${url}/api/v1/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "supervisor", password: "demo" }),
      });
      const { token } = await login.json();
      const res = await fetch(`${url}/api/v1/households/${code}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return (await res.json()).submissions;
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((done) => (child.exitCode !== null ? done() : child.on("exit", done)));
      if (!given) rmSync(dir, { recursive: true, force: true });
    },
  };
}
