// Feeds every golden payload of the Discord adapter (../testdata/*.json)
// through discord.js's @discordjs/builders, rebuilding each piece with the
// builders' setters, which validate as Discord does (names, lengths,
// counts, option order). Any violation fails with the file and the reason.
// A self-test first proves the check can fail: broken samples must be refused.
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ActionRowBuilder, ButtonBuilder, EmbedBuilder, ModalBuilder, SlashCommandBuilder, TextInputBuilder,
  UserSelectMenuBuilder, SlashCommandSubcommandBuilder, SlashCommandSubcommandGroupBuilder,
} from "@discordjs/builders";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "testdata");

// Option types of the application command API.
const SUB = 1, GROUP = 2, STRING = 3, INTEGER = 4, BOOLEAN = 5, USER = 6;

function addOptions(b, options) {
  for (const o of options ?? []) {
    const base = (x) => x.setName(o.name).setDescription(o.description).setRequired(!!o.required);
    switch (o.type) {
      case SUB:
        b.addSubcommand((s) => addOptions(s.setName(o.name).setDescription(o.description), o.options));
        break;
      case GROUP:
        b.addSubcommandGroup((g) => {
          g.setName(o.name).setDescription(o.description);
          for (const s of o.options ?? []) {
            g.addSubcommand((x) => addOptions(x.setName(s.name).setDescription(s.description), s.options));
          }
          return g;
        });
        break;
      case STRING:
        b.addStringOption((x) => {
          base(x);
          if (o.max_length) x.setMaxLength(o.max_length);
          if (o.choices?.length) x.addChoices(...o.choices.map((c) => ({ name: c.name, value: c.value })));
          if (o.autocomplete) x.setAutocomplete(true);
          return x;
        });
        break;
      case INTEGER:
        b.addIntegerOption((x) => {
          base(x);
          if (o.min_value != null) x.setMinValue(o.min_value);
          if (o.autocomplete) x.setAutocomplete(true);
          return x;
        });
        break;
      case BOOLEAN:
        b.addBooleanOption(base);
        break;
      case USER:
        b.addUserOption(base);
        break;
      default:
        throw new Error(`option ${o.name}: type ${o.type} is not one the bot uses`);
    }
  }
  return b;
}

function checkCommand(c) {
  const b = new SlashCommandBuilder().setName(c.name).setDescription(c.description);
  addOptions(b, c.options);
  return b.toJSON(); // validates the whole tree (the setters checked each name and description)
}

function checkEmbed(e) {
  const b = new EmbedBuilder();
  if (e.title) b.setTitle(e.title);
  if (e.description) b.setDescription(e.description);
  if (e.color != null) b.setColor(e.color);
  if (e.fields?.length) b.addFields(...e.fields);
  return b.toJSON();
}

function checkRows(rows) {
  if (rows.length > 5) throw new Error(`${rows.length} action rows, over 5`);
  for (const row of rows) {
    const r = new ActionRowBuilder();
    for (const c of row.components) {
      if (c.type === 2) {
        r.addComponents(new ButtonBuilder().setCustomId(c.custom_id).setLabel(c.label).setStyle(c.style));
      } else if (c.type === 5) {
        const s = new UserSelectMenuBuilder().setCustomId(c.custom_id).setPlaceholder(c.placeholder ?? "");
        if (c.max_values) s.setMaxValues(c.max_values);
        r.addComponents(s);
      } else {
        throw new Error(`component type ${c.type} is not one the bot uses`);
      }
    }
    const json = r.toJSON();
    if (json.components.length < 1 || json.components.length > 5) throw new Error(`row of ${json.components.length} components`);
    if (json.components.some((c) => c.type !== 2) && json.components.length > 1) throw new Error("a select must be alone in its row");
  }
}

// checkMessage validates a message body (channel message, edit, follow-up,
// or an interaction response's data).
function checkMessage(m) {
  if ((m.content ?? "").length > 2000) throw new Error(`content of ${m.content.length} characters, over 2000`);
  if (!m.allowed_mentions || !Array.isArray(m.allowed_mentions.parse) || m.allowed_mentions.parse.length) {
    throw new Error("allowed_mentions.parse must be an empty list");
  }
  if ((m.embeds ?? []).length > 10) throw new Error("over 10 embeds");
  for (const e of m.embeds ?? []) checkEmbed(e);
  checkRows(m.components ?? []);
}

// checkModal validates a modal (interaction response type 9): the form of
// one action row per text input that discordgo speaks. The builders check
// custom_id, title (1-45), label (1-45), style, lengths (0-4000) and
// placeholder (100); the row shape is checked here.
function checkModal(d) {
  const m = new ModalBuilder().setCustomId(d.custom_id).setTitle(d.title);
  const rows = d.components ?? [];
  if (rows.length < 1 || rows.length > 5) throw new Error(`a modal holds 1-5 rows, not ${rows.length}`);
  for (const row of rows) {
    if (row.type !== 1 || row.components?.length !== 1) throw new Error("a modal row must hold exactly one text input");
    const c = row.components[0];
    if (c.type !== 4) throw new Error(`modal component type ${c.type} is not a text input`);
    const t = new TextInputBuilder().setCustomId(c.custom_id).setLabel(c.label).setStyle(c.style).setRequired(!!c.required);
    if (c.min_length != null) t.setMinLength(c.min_length);
    if (c.max_length != null) t.setMaxLength(c.max_length);
    if (c.placeholder != null) t.setPlaceholder(c.placeholder);
    if ((c.min_length ?? 0) > (c.max_length ?? 4000)) throw new Error("min_length over max_length");
    m.addComponents(new ActionRowBuilder().addComponents(t));
  }
  return m.toJSON();
}

// checkThread validates a thread start without a message (POST
// /channels/{id}/threads): a name of 1-100 characters, type 11 (public)
// or 12 (private), invitable a boolean, and one of Discord's four
// auto-archive durations.
function checkThread(t) {
  if (typeof t.name !== "string" || t.name.length < 1 || t.name.length > 100) throw new Error("thread name must be 1-100 characters");
  if (t.type !== 11 && t.type !== 12) throw new Error(`thread type ${t.type}, not 11 or 12`);
  if (typeof t.invitable !== "boolean") throw new Error("invitable must be a boolean");
  if (t.auto_archive_duration != null && ![60, 1440, 4320, 10080].includes(t.auto_archive_duration)) {
    throw new Error(`auto_archive_duration ${t.auto_archive_duration} is not 60, 1440, 4320 or 10080`);
  }
}

function checkPayload(name, p) {
  if (name === "command") return checkCommand(p);
  if (name.startsWith("thread")) return checkThread(p);
  if (p.type === 9) return checkModal(p.data);
  if (typeof p.type === "number" && "data" in p) return checkMessage(p.data); // interaction response
  return checkMessage(p);
}

function refused(what, fn) {
  try {
    fn();
  } catch {
    return;
  }
  console.error(`discord contract self-test: ${what} was accepted; the check cannot fail`);
  process.exit(1);
}

// Self-test: each broken sample must be refused.
const ok = { content: "x", allowed_mentions: { parse: [] } };
refused("an upper-case command name", () => checkCommand({ name: "Inbox", description: "x", options: [] }));
refused("an option name with a space", () => checkCommand({ name: "inbox", description: "x", options: [
  { type: SUB, name: "a b", description: "x", options: [] }] }));
refused("a 101-character description", () => checkCommand({ name: "inbox", description: "x".repeat(101), options: [] }));
refused("an 81-character button label", () => checkMessage({ ...ok, components: [{ type: 1, components: [
  { type: 2, style: 1, label: "x".repeat(81), custom_id: "a" }] }] }));
refused("a 101-character custom_id", () => checkMessage({ ...ok, components: [{ type: 1, components: [
  { type: 2, style: 1, label: "x", custom_id: "x".repeat(101) }] }] }));
refused("a 4097-character description", () => checkMessage({ ...ok, embeds: [{ description: "x".repeat(4097) }] }));
refused("26 embed fields", () => checkMessage({ ...ok, embeds: [{ fields: Array(26).fill({ name: "a", value: "b" }) }] }));
const input = { type: 4, custom_id: "text", label: "x", style: 2 };
refused("a 46-character modal title", () => checkModal({ custom_id: "a", title: "x".repeat(46), components: [
  { type: 1, components: [input] }] }));
refused("a 4001-character text input", () => checkModal({ custom_id: "a", title: "x", components: [
  { type: 1, components: [{ ...input, max_length: 4001 }] }] }));
refused("a modal without inputs", () => checkModal({ custom_id: "a", title: "x", components: [] }));
refused("a 101-character thread name", () => checkThread({ name: "x".repeat(101), type: 12, invitable: false }));
refused("a thread of type 0", () => checkThread({ name: "x", type: 0, invitable: false }));
refused("a message that may ping", () => checkMessage({ content: "@everyone" }));

let n = 0;
for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const name = f.replace(/\.json$/, "");
  try {
    checkPayload(name, JSON.parse(readFileSync(join(dir, f), "utf8")));
    n++;
  } catch (err) {
    console.error(`discord contract: testdata/${f} is invalid: ${err.message ?? err}`);
    process.exit(1);
  }
}
if (n === 0) {
  console.error("discord contract: no payloads found in testdata/");
  process.exit(1);
}
console.log(`discord contract: ${n} payloads valid`);
