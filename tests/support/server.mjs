// Starts the real `anju` binary on a free port with a fresh SQLite database.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const binary = process.env.ANJU_BIN ?? join(root, "target/debug/anju");

export async function startServer({ round = "2026Q4" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "anju-e2e-"));
  const child = spawn(
    binary,
    ["serve", "--port", "0", "--demo", "--round", round, "--database", `sqlite://${join(dir, "anju.db")}`],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" } },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const url = await new Promise((resolveUrl, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/running at (http:\/\/\S+?)\/?\s/);
      if (match) resolveUrl(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`anju exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((done) => (child.exitCode !== null ? done() : child.on("exit", done)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
