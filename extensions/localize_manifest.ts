/**
 * `_locales` substitution for the manifest's display strings, as Chromium's
 * `extension_l10n_util::LocalizeManifest` does it for the default locale.
 *
 * @module
 */

import { isDirectory, readInside } from "./_extension_files.ts";
import type { Manifest } from "./manifest.ts";
import { join } from "node:path";
import { parseExtensionJson } from "./_json.ts";
import { dictKeys } from "./_dict_keys.ts";

// The manifest values Chromium localizes (extension_l10n_util.cc), as key paths.
const LOCALIZED_PATHS: readonly (readonly string[])[] = [
  ["name"],
  ["short_name"],
  ["description"],
  ["action", "default_title"],
  ["browser_action", "default_title"],
  ["page_action", "default_title"],
];

/**
 * Replaces `__MSG_name__` in the manifest's display strings with the default locale's
 * messages from `_locales/<default_locale>/messages.json` (names case-insensitive). Only the
 * default locale is read: @ses has no UI language to prefer.
 *
 * @param root The extension directory.
 * @param manifest The parsed manifest; it is not changed.
 * @returns A localized copy, or `manifest` itself when it uses no locales.
 * @throws {Error} With Chromium's message when `default_locale` and `_locales` disagree
 * (`Localization used, but default_locale wasn't specified in the manifest.` also for a
 * default_locale that is no string, no ICU locale name like `en_US`, or has no folder), its
 * `messages.json` is missing (`Catalog file is missing for locale <locale>.`) or does not
 * parse, an entry of them is malformed (a key outside
 * `[A-Za-z0-9_@]`, no `message` string, a reserved `@@` name), a message is used but not
 * defined, or a message's `placeholders` are malformed or one it names is missing.
 *
 * @example
 * ```ts ignore
 * import { localizeManifest } from "./localize_manifest.ts";
 * const manifest = await localizeManifest("/ext", { name: "__MSG_appName__", default_locale: "en" });
 * ```
 */
export async function localizeManifest(root: string, manifest: Manifest): Promise<Manifest> {
  const locale = manifest.default_locale;
  const hasLocales = await isDirectory(join(root, "_locales"));
  if (locale === undefined) {
    if (hasLocales) {
      throw new Error("Localization used, but default_locale wasn't specified in the manifest.");
    }
    return manifest;
  }
  if (!hasLocales) {
    throw new Error("Default locale was specified, but _locales subtree is missing.");
  }
  // file_util::LoadMessageBundle: a default_locale that is no string, no locale of Chromium's
  // (their names are ICU's: letters, digits and "_", so "en-US" is none) or without its folder
  // under _locales counts as none given.
  if (
    typeof locale !== "string" || !/^[A-Za-z0-9_]+$/.test(locale) ||
    !(await isDirectory(join(root, "_locales", locale)))
  ) {
    throw new Error("Localization used, but default_locale wasn't specified in the manifest.");
  }
  // LoadMessageFile: a messages.json that cannot be read (missing, a directory, a link out of
  // the extension) is a missing catalog.
  const text = await readInside(root, `_locales/${locale}/messages.json`);
  if (text === undefined) throw new Error(`Catalog file is missing for locale ${locale}.`);
  const messages = parseMessages(text);
  if (messages === undefined) {
    throw new Error("Default locale is defined but default data couldn't be loaded.");
  }
  const localized: Manifest = structuredClone(manifest);
  for (const path of LOCALIZED_PATHS) {
    const parent = path.slice(0, -1).reduce<unknown>(
      (object, key) => isRecord(object) ? object[key] : undefined,
      localized,
    );
    const key = path[path.length - 1]!;
    if (isRecord(parent) && typeof parent[key] === "string") {
      parent[key] = substitute(parent[key] as string, messages);
    }
  }
  localized.current_locale = locale;
  return localized;
}

function substitute(text: string, messages: Map<string, string>): string {
  return text.replace(/__MSG_([A-Za-z0-9_@]+?)__/g, (whole, name: string) => {
    const message = messages.get(name.toLowerCase());
    if (message === undefined) throw new Error(`Variable ${whole} used but not defined.`);
    return message;
  });
}

// MessageBundle::Init: every entry is checked, used or not, in the order base::Value::Dict keeps
// (keys sorted bytewise), so the first error reported is Chromium's; keys are case-insensitive,
// the last in that order winning. The reserved messages are added after, and a catalog that
// defines one is refused.
function parseMessages(text: string): Map<string, string> | undefined {
  let value: unknown;
  try {
    // extension_l10n_util.cc LoadMessageFile reads as LoadManifest does (JSONFileValueDeserializer).
    value = parseExtensionJson(text, { chromiumExtensions: true });
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const messages = new Map<string, string>();
  for (const name of dictKeys(value)) {
    const entry = value[name];
    if (!isValidName(name)) throw badKey(name.toLowerCase());
    if (!isRecord(entry)) throw new Error(`Not a valid tree for key ${name}.`);
    if (typeof entry.message !== "string") {
      throw new Error(`There is no "message" element for key ${name}.`);
    }
    messages.set(name.toLowerCase(), fillPlaceholders(name, entry));
  }
  const reserved = RESERVED_MESSAGES.find((name) => messages.has(name));
  if (reserved !== undefined) {
    throw new Error(`Reserved key ${reserved} found in message catalog.`);
  }
  return messages;
}

// MessageBundle's reserved names, in the order of its std::map: a catalog may not define them.
const RESERVED_MESSAGES = [
  "@@bidi_dir",
  "@@bidi_end_edge",
  "@@bidi_reversed_dir",
  "@@bidi_start_edge",
  "@@ui_locale",
];

// MessageBundle::IsValidName: ASCII letters, digits, `_` and `@` (the message says less).
function isValidName(name: string): boolean {
  return /^[A-Za-z0-9_@]+$/.test(name);
}

function badKey(name: string): Error {
  return new Error(
    `Name of a key "${name}" is invalid. Only ASCII [a-z], [A-Z], [0-9] and "_" are allowed.`,
  );
}

// MessageBundle::GetMessageValue: a message's $name$ placeholders become their `content`
// (names any case), in one pass; a valid name with no placeholder fails the load, and text
// between two $ that is not a name ($1, $$, "$a b$") stays as written.
function fillPlaceholders(key: string, entry: Record<string, unknown>): string {
  const message = entry.message as string;
  if (entry.placeholders === undefined) return message;
  if (!isRecord(entry.placeholders)) {
    throw new Error(`Not a valid "placeholders" element for key ${key}.`);
  }
  const contents = new Map<string, string>();
  for (const name of dictKeys(entry.placeholders)) {
    const placeholder = entry.placeholders[name];
    if (!isValidName(name)) throw badKey(name);
    if (!isRecord(placeholder)) throw new Error(`Invalid placeholder ${name} for key ${key}`);
    if (typeof placeholder.content !== "string") {
      throw new Error(`Invalid "content" element for key ${key}.`);
    }
    contents.set(name.toLowerCase(), placeholder.content);
  }
  return message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
    const content = contents.get(name.toLowerCase());
    if (content === undefined) throw new Error(`Variable ${whole} used but not defined.`);
    return content;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
