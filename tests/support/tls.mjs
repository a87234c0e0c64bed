// A self-signed certificate for a test host name, and the Chromium flags
// that reach that name at the loopback address and trust the certificate.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export const HOST = "anju.test";

/** Writes cert.pem and key.pem into `dir`; returns their paths and the browser flags. */
export function makeCertificate(dir) {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${HOST}`,
    "-addext", `subjectAltName=DNS:${HOST}`,
  ], { stdio: "ignore" });
  const spki = execFileSync("sh", ["-c",
    `openssl x509 -in "${cert}" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`,
  ]).toString().trim();
  const browserFlags = [
    `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
    `--ignore-certificate-errors-spki-list=${spki}`,
  ];
  return { cert, key, browserFlags };
}
