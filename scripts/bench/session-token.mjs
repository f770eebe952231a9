// session-token.mjs ORIGIN ISSUER PRIVATE_KEY_PEM_FILE [LIFETIME_SECS] [SUB] [SID]
// Prints one RS256 Clerk session token (kid test-key-a) and its `iat`, as two lines
// `token=…` and `iat=…`: what the bench scripts send as the `__session` / `__client_uat`
// cookies. Signed with a test-only fixture key (never a real Clerk key).
import { createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";

const [origin, issuer, keyFile, lifetime = "3600", sub = "user_bench", sid = "sess_bench"] =
  process.argv.slice(2);
if (!origin || !issuer || !keyFile) {
  console.error("usage: session-token.mjs ORIGIN ISSUER PRIVATE_KEY_PEM_FILE [LIFETIME_SECS] [SUB] [SID]");
  process.exit(2);
}
const b64url = (value) => Buffer.from(value).toString("base64url");
const iat = Math.floor(Date.now() / 1000);
const header = { alg: "RS256", typ: "JWT", kid: "test-key-a" };
const claims = {
  sub, sid, sts: "active", v: 2, iss: issuer, azp: origin,
  iat, nbf: iat - 10, exp: iat + Number(lifetime),
};
const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
const key = createPrivateKey(readFileSync(keyFile));
const signature = sign("RSA-SHA256", Buffer.from(input), key).toString("base64url");
console.log(`token=${input}.${signature}`);
console.log(`iat=${iat}`);
