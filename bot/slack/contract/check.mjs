// Type-checks every golden payload of the Slack adapter (../testdata/*.json:
// cards, DMs, lists, the App Home, modals) against Slack's official
// TypeScript definitions, @slack/types, with the TypeScript compiler
// (tsc --noEmit). Each golden becomes generated/<name>.ts, declaring its
// JSON as the type Slack's API takes for it: a message's blocks are
// KnownBlock[], the App Home a HomeView, a modal a ModalView, both with
// KnownBlock[] blocks. An unknown field, a wrong element type or a missing
// required field fails with the file and tsc's reason. Goldens are found by
// directory, so a renamed or new golden is checked without editing this
// file; one whose shape is not recognised fails rather than being skipped.
// A self-test first proves the check can fail: broken samples must be refused.
// The types check structure; Block Kit's limits (lengths, counts) are the
// fake's job (bot/slack/slacktest).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const testdata = join(here, "..", "testdata");
const out = join(here, "generated");

// declaration is the TypeScript that types payload (the parsed golden named
// name) as what Slack takes, or throws for a shape the check does not know.
function declaration(name, payload) {
  const json = JSON.stringify(payload, null, 2);
  const header = `import type { HomeView, KnownBlock, ModalView } from "@slack/types";\n\n`;
  if (Array.isArray(payload)) {
    if (name.startsWith("home")) {
      // views.publish: the App Home's blocks.
      return header + `export const payload: HomeView & { blocks: KnownBlock[] } = { type: "home", blocks: ${json} };\n`;
    }
    // chat.postMessage / chat.update / response_url: a message's blocks.
    return header + `export const payload: { text?: string; blocks: KnownBlock[] } = { blocks: ${json} };\n`;
  }
  switch (payload?.type) {
    case "modal":
      return header + `export const payload: ModalView & { blocks: KnownBlock[] } = ${json};\n`;
    case "home":
      return header + `export const payload: HomeView & { blocks: KnownBlock[] } = ${json};\n`;
  }
  throw new Error(`${name}: not a list of blocks nor a view; teach check.mjs its Slack type`);
}

// Broken payloads that must be refused, each for a reason a real mistake
// would have: an unknown block type, a button without text, a text object
// of a type that does not exist, a field Slack does not have.
const broken = {
  "selftest-unknown-block": [{ type: "sectoin", text: { type: "mrkdwn", text: "x" } }],
  "selftest-button-without-text": [{ type: "actions", elements: [{ type: "button", action_id: "a" }] }],
  "selftest-bad-text-type": [{ type: "section", text: { type: "markdown", text: "x" } }],
  "selftest-unknown-field": { type: "modal", title: { type: "plain_text", text: "t" }, blocks: [], colour: "red" },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const goldens = readdirSync(testdata).filter((f) => f.endsWith(".json")).sort();
if (goldens.length === 0) {
  console.error(`slack contract: no golden files in ${testdata}`);
  process.exit(1);
}
const files = [];
for (const f of goldens) {
  const name = basename(f, ".json");
  let payload;
  try {
    payload = JSON.parse(readFileSync(join(testdata, f), "utf8"));
  } catch (e) {
    console.error(`slack contract: ${f}: not JSON: ${e.message}`);
    process.exit(1);
  }
  writeFileSync(join(out, name + ".ts"), declaration(name, payload));
  files.push(name);
}
for (const [name, payload] of Object.entries(broken)) {
  writeFileSync(join(out, name + ".ts"), declaration(name, payload));
}
writeFileSync(join(out, "tsconfig.json"), JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "esnext", moduleResolution: "bundler",
    skipLibCheck: false, types: [], typeRoots: [join(here, "node_modules", "@types")] },
  include: ["*.ts"],
}, null, 2));

// tsc exits non-zero when anything fails to type-check, as the self-test
// samples always do; its report, one "file(line,col): error ..." per
// problem, is what is read.
let report = "";
try {
  execFileSync(process.execPath, [join(here, "node_modules", "typescript", "bin", "tsc"), "-p", join(out, "tsconfig.json")],
    { cwd: out, encoding: "utf8" });
} catch (e) {
  report = (e.stdout ?? "") + (e.stderr ?? "");
}
const errorsOf = (name) => report.split("\n").filter((l) => l.startsWith(name + ".ts("));
let failed = false;
for (const name of Object.keys(broken)) {
  if (errorsOf(name).length === 0) {
    console.error(`slack contract: self-test ${name} was not refused: the check cannot fail`);
    failed = true;
  }
}
for (const name of files) {
  const errs = errorsOf(name);
  if (errs.length > 0) {
    failed = true;
    const src = readFileSync(join(out, name + ".ts"), "utf8").split("\n");
    console.error(`slack contract: testdata/${name}.golden does not type-check against @slack/types:`);
    for (const e of errs.slice(0, 10)) {
      const line = Number(/\((\d+),/.exec(e)?.[1]);
      console.error("  " + e.slice(name.length + 3) + (line ? `\n    at: ${src[line - 1]?.trim()}` : ""));
    }
  }
}
const known = new Set([...files, ...Object.keys(broken)].map((n) => n + ".ts("));
const other = report.split("\n").filter((l) => l.trim() && ![...known].some((k) => l.startsWith(k)) && !l.startsWith(" "));
if (other.length > 0) {
  console.error("slack contract: tsc failed outside the payloads:\n" + other.join("\n"));
  failed = true;
}
if (failed) process.exit(1);
console.log(`slack contract: ${files.length} payloads type-check against @slack/types; ${Object.keys(broken).length} broken samples refused`);
