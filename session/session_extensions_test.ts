import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileTree } from "../tests/fixtures/file_tree.ts";
import process from "node:process";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";
import { extensionIdFromKey, extensionIdFromPath, extensionWarnings } from "../extensions/mod.ts";

const root = mkdtempSync(join(tmpdir(), "ses-ext-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function persistentSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPath(
    join(root, `profile-${++counter}`),
  );
}

/** Writes an extension directory; `files` maps relative paths to contents (objects as JSON). */
function extensionDir(files: Record<string, unknown>): string {
  return writeFileTree(join(root, `ext-${++counter}`), files);
}

const MANIFEST = { name: "Demo", version: "1.2.3", manifest_version: 3 };
/** A manifest allowed to use declarative_net_request. */
const DNR_MANIFEST = { ...MANIFEST, permissions: ["declarativeNetRequest"] };

/** Runs `fn` and returns the first ExtensionLoadWarning it emits (or undefined after 5 s). */
async function extensionWarning(
  dir: string,
  fn: () => Promise<unknown>,
): Promise<Error | undefined> {
  let listener: (warning: Error) => void = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Process warnings arrive on a later tick: wait for this one rather than for a set time, and
  // only for the directory's (an earlier test's warning may still be on its way).
  const seen = new Promise<Error | undefined>((resolve) => {
    listener = (warning: Error) => {
      const ours = warning.message.startsWith(`Warnings loading extension at ${dir}:`);
      if (warning.name === "ExtensionLoadWarning" && ours) resolve(warning);
    };
    timer = setTimeout(() => resolve(undefined), 5000);
  });
  process.on("warning", listener);
  try {
    await fn();
    return await seen;
  } finally {
    clearTimeout(timer);
    process.off("warning", listener);
  }
}

async function loadFails(ses: Session, path: string, reason: string) {
  await assert.rejects(ses.extensions.loadExtension(path), {
    message: `Loading extension at ${path} failed with: ${reason}`,
  });
}

describe("ses.extensions.loadExtension", () => {
  it("loads an unpacked extension and fires loaded then ready", async () => {
    const ses = persistentSession();
    const dir = extensionDir({ "manifest.json": MANIFEST });
    const events: string[] = [];
    ses.extensions.on("extension-loaded", (_event, ext) => events.push(`loaded ${ext.name}`));
    ses.extensions.on("extension-ready", (_event, ext) => events.push(`ready ${ext.name}`));
    const ready = new Promise((resolve) => ses.extensions.once("extension-ready", resolve));
    const extension = await ses.extensions.loadExtension(dir, { allowFileAccess: true });
    // Chromium reports ready a task later: the promise has settled first.
    assert.deepEqual(events, ["loaded Demo"]);
    await ready;
    const id = extensionIdFromPath(dir);
    assert.deepEqual(
      { ...extension, manifest: undefined },
      {
        id,
        name: "Demo",
        path: dir,
        url: `chrome-extension://${id}/`,
        version: "1.2.3",
        manifest: undefined,
      },
    );
    assert.deepEqual(extension.manifest, MANIFEST);
    assert.deepEqual(events, ["loaded Demo", "ready Demo"]);
    assert.deepEqual(ses.extensions.getExtension(id), extension);
    assert.deepEqual(ses.getAllExtensions(), [extension]);
  });

  it("removes an extension with extension-unloaded; unknown ids do nothing", async () => {
    const ses = persistentSession();
    const extension = await ses.loadExtension(extensionDir({ "manifest.json": MANIFEST }));
    const unloaded: string[] = [];
    ses.extensions.on("extension-unloaded", (_event, ext) => unloaded.push(ext.id));
    ses.removeExtension("pppppppppppppppppppppppppppppppp");
    ses.removeExtension(extension.id);
    assert.deepEqual(unloaded, [extension.id]);
    assert.equal(ses.getExtension(extension.id), null);
    assert.deepEqual(ses.extensions.getAllExtensions(), []);
  });

  it("fires the extension events on the session too, as the seed's Session events", async () => {
    const ses = persistentSession();
    const events: string[] = [];
    // Listening on the session before `ses.extensions` is first touched.
    ses.on("extension-loaded", (event, ext) => events.push(`loaded ${ext.name} ${typeof event}`));
    ses.on("extension-ready", (_event, ext) => events.push(`ready ${ext.name}`));
    ses.on("extension-unloaded", (_event, ext) => events.push(`unloaded ${ext.name}`));
    ses.extensions.on("extension-loaded", () => events.push("extensions loaded"));
    const ready = new Promise((resolve) => ses.once("extension-ready", resolve));
    const extension = await ses.loadExtension(extensionDir({ "manifest.json": MANIFEST }));
    await ready;
    ses.extensions.removeExtension(extension.id);
    assert.deepEqual(events, [
      "loaded Demo object",
      "extensions loaded",
      "ready Demo",
      "unloaded Demo",
    ]);
  });

  it("does not report ready an extension removed before its ready task ran", async () => {
    const ses = persistentSession();
    const events: string[] = [];
    ses.extensions.on("extension-ready", (_event, ext) => events.push(`ready ${ext.name}`));
    const removed = await ses.extensions.loadExtension(
      extensionDir({ "manifest.json": { ...MANIFEST, name: "Gone" } }),
    );
    ses.extensions.removeExtension(removed.id);
    const ready = new Promise((resolve) => ses.extensions.once("extension-ready", resolve));
    await ses.extensions.loadExtension(extensionDir({ "manifest.json": MANIFEST }));
    await ready;
    assert.deepEqual(events, ["ready Demo"]);
  });

  // Extensions' methods are bound with Chromium's gin::ObjectTemplateBuilder: gin prints a
  // string's own text and nothing for a number, and throws before any promise is made.
  it("refuses a non-string id or path with Electron's conversion TypeError, synchronously", () => {
    const ses = persistentSession();
    const message = "Error processing argument at index 0, conversion failure from ";
    const id = 5 as unknown as string;
    assert.throws(() => ses.extensions.removeExtension(id), { name: "TypeError", message });
    assert.throws(() => ses.extensions.getExtension(id), { name: "TypeError", message });
    assert.throws(() => ses.removeExtension(id), { name: "TypeError", message });
    assert.throws(() => ses.extensions.loadExtension(id), { name: "TypeError", message });
    assert.throws(() => ses.loadExtension(null as unknown as string), {
      name: "TypeError",
      message: "Error processing argument at index 0, conversion failure from null",
    });
    const bare = ses.extensions as unknown as { getExtension(): unknown; loadExtension(): unknown };
    const insufficient = { name: "TypeError", message: "Insufficient number of arguments." };
    assert.throws(() => bare.getExtension(), insufficient);
    assert.throws(() => bare.loadExtension(), insufficient);
  });

  it("uses the manifest key for the id", async () => {
    const ses = persistentSession();
    const dir = extensionDir({ "manifest.json": { ...MANIFEST, key: btoa("test") } });
    assert.equal((await ses.loadExtension(dir)).id, "jpignaibiiemhngfjkcpokkamffknabf");
  });

  it("rejects in Electron's order: relative, temporary session, missing directory", async () => {
    const runtime = currentRuntime();
    const memory = createSessionModule(new App(runtime), runtime).fromPartition("ext-memory");
    await assert.rejects(memory.extensions.loadExtension("relative/dir"), {
      message: "The path to the extension in 'loadExtension' must be absolute",
    });
    await assert.rejects(memory.extensions.loadExtension(join(root, "nowhere")), {
      message: "Extensions cannot be loaded in a temporary session",
    });
    const ses = persistentSession();
    const missing = join(root, "nowhere");
    await assert.rejects(ses.extensions.loadExtension(missing), {
      message: `Extension directory not found: ${missing}`,
    });
  });

  it("gives Chromium's reasons for bad manifests", async () => {
    const ses = persistentSession();
    await loadFails(ses, extensionDir({}), "Manifest file is missing or unreadable");
    await loadFails(ses, extensionDir({ "manifest.json": "{nope" }), "Manifest is not valid JSON.");
    for (const name of [undefined, "", 5]) {
      await loadFails(
        ses,
        extensionDir({ "manifest.json": { ...MANIFEST, name } }),
        "Required value 'name' is missing or invalid.",
      );
    }
    // Extension::LoadName refuses only the empty string: a name of spaces loads, kept as written.
    const spaces = await ses.extensions.loadExtension(
      extensionDir({ "manifest.json": { ...MANIFEST, name: " \t " } }),
    );
    assert.equal(spaces.name, " \t ");
    for (const version of ["", "1.2.3.4.5", "1.x", "70000", "01.2", 3]) {
      await loadFails(
        ses,
        extensionDir({ "manifest.json": { ...MANIFEST, version } }),
        "Required value 'version' is missing or invalid. It must be between 1-4 dot-separated " +
          "integers each between 0 and 65536.",
      );
    }
    // Missing or 1 (SEMANTICS.md, Extensions): the missing-key message.
    for (const manifestVersion of [undefined, 1]) {
      await loadFails(
        ses,
        extensionDir({ "manifest.json": { ...MANIFEST, manifest_version: manifestVersion } }),
        "Missing 'manifest_version' key. Its value must be an integer either 2 or 3. See " +
          "developer.chrome.com/extensions/manifestVersion for details.",
      );
    }
    // Present but not an integer: kInvalidManifestVersionUnsupported.
    for (const manifestVersion of ["3", null, 0]) {
      await loadFails(
        ses,
        extensionDir({ "manifest.json": { ...MANIFEST, manifest_version: manifestVersion } }),
        "Invalid value for 'manifest_version'. Must be an integer either 2 or 3. See " +
          "developer.chrome.com/extensions/manifestVersion for details.",
      );
    }
    for (const key of ["version_name", "description", "short_name"]) {
      await loadFails(
        ses,
        extensionDir({ "manifest.json": { ...MANIFEST, [key]: 5 } }),
        `Invalid value for '${key}'.`,
      );
    }
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { ...MANIFEST, short_name: "" } }),
      "Invalid value for 'short_name'.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { ...MANIFEST, minimum_chrome_version: "999" } }),
      "This extension requires Chromium version 999 or greater.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { ...MANIFEST, key: "!!" } }),
      "Value 'key' is missing or invalid.",
    );
  });

  it("checks manifest_version, then name, then version, as Extension::InitFromValue", async () => {
    const ses = persistentSession();
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { version: "x" } }),
      "Missing 'manifest_version' key. Its value must be an integer either 2 or 3. See " +
        "developer.chrome.com/extensions/manifestVersion for details.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { manifest_version: 3, version: "x" } }),
      "Required value 'name' is missing or invalid.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { manifest_version: 3, name: "n", version: "x" } }),
      "Required value 'version' is missing or invalid. It must be between 1-4 dot-separated " +
        "integers each between 0 and 65536.",
    );
  });

  it("reports install warnings as an ExtensionLoadWarning and still loads", async () => {
    const ses = persistentSession();
    const dir = extensionDir({ "manifest.json": { ...MANIFEST, manifest_version: 2, bogus: 1 } });
    let extension;
    const warning = await extensionWarning(dir, async () => {
      extension = await ses.loadExtension(dir);
    });
    assert.ok(extension);
    assert.ok(warning, "an ExtensionLoadWarning was emitted");
    assert.equal(
      warning.message,
      `Warnings loading extension at ${dir}:\n  Manifest version 2 is deprecated, and support ` +
        "will be removed in 2024. See https://developer.chrome.com/docs/extensions/develop/" +
        "migrate/mv2-deprecation-timeline for details.\n",
    );
  });

  it("lists extensions in id order, as Chromium's ExtensionSet (a std::map by id)", async () => {
    const ses = persistentSession();
    // Manifest keys fix the ids: load the later id first.
    const keys = [btoa("one"), btoa("two")].sort((a, b) =>
      extensionIdFromKey(b) < extensionIdFromKey(a) ? -1 : 1
    );
    for (const key of keys) {
      await ses.extensions.loadExtension(extensionDir({ "manifest.json": { ...MANIFEST, key } }));
    }
    assert.deepEqual(
      ses.extensions.getAllExtensions().map((extension) => extension.id),
      keys.map(extensionIdFromKey).reverse(),
    );
  });

  it("hands out a new object on every call, so changing one leaves the registry as it was", async () => {
    const ses = persistentSession();
    const dir = extensionDir({ "manifest.json": { ...MANIFEST, bogus: 1 } });
    const loadedEvent = new Promise<unknown>((resolve) =>
      ses.extensions.once("extension-loaded", (_event, extension) => resolve(extension))
    );
    const loaded = await ses.extensions.loadExtension(dir);
    assert.notEqual(await loadedEvent, loaded);
    loaded.manifest.name = "Changed";
    loaded.name = "Changed";
    const got = ses.extensions.getExtension(loaded.id);
    assert.notEqual(got, ses.extensions.getExtension(loaded.id));
    assert.equal(got?.name, "Demo");
    assert.equal(got?.manifest.name, "Demo");
    ses.extensions.getAllExtensions()[0]!.manifest.version = "9";
    assert.equal(ses.extensions.getAllExtensions()[0]!.manifest.version, "1.2.3");
    assert.deepEqual(extensionWarnings(got!), ["Unrecognized manifest key 'bogus'."]);
  });

  it("lists install warnings in Chromium's words and order", async () => {
    const ses = persistentSession();
    const dir = extensionDir({
      "manifest.json": {
        ...MANIFEST,
        manifest_version: 4,
        bogus: 1,
        browser_specific_settings: {},
        $schema: "x",
      },
    });
    let extension;
    const warning = await extensionWarning(dir, async () => {
      extension = await ses.extensions.loadExtension(dir);
    });
    const tooHigh = "The maximum currently-supported manifest version is 3, but this is 4.  " +
      "Certain features may not work as expected.";
    // Manifest::ValidateManifest's unknown keys (less kIgnoredUnrecognizedKeys) come first,
    // then kManifestVersionTooHighWarning, with its two spaces.
    assert.deepEqual(extensionWarnings(extension!), [
      "Unrecognized manifest key 'bogus'.",
      tooHigh,
    ]);
    assert.equal(warning?.message, `Warnings loading extension at ${dir}:\n  ${tooHigh}\n`);
  });

  it("leaves unrecognized manifest keys out of ExtensionLoadWarning, as Electron does", async () => {
    const ses = persistentSession();
    const quiet = extensionDir({ "manifest.json": { ...MANIFEST, bogus: 1 } });
    const loud = extensionDir({ "manifest.json": { ...MANIFEST, manifest_version: 2 } });
    let extension;
    const warning = await extensionWarning(loud, async () => {
      extension = await ses.loadExtension(quiet);
      await ses.loadExtension(loud);
    });
    assert.ok(extension);
    // The first warning is the second extension's: the first emitted none.
    assert.ok(warning?.message.startsWith(`Warnings loading extension at ${loud}:\n`));
    assert.deepEqual(extensionWarnings(extension), ["Unrecognized manifest key 'bogus'."]);
  });

  it("warns, as Chromium's CheckForIllegalFilenames does, of a root name starting with _", async () => {
    const ses = persistentSession();
    const dir = extensionDir({
      "manifest.json": { ...MANIFEST, default_locale: "en" },
      "__pycache__/x.pyc": "",
      "_locales/en/messages.json": {},
      "__MACOSX/x": "",
      "_platform_specific/x": "",
      "lib/_nested.js": "",
    });
    let extension;
    const warning = await extensionWarning(dir, async () => {
      extension = await ses.loadExtension(dir);
    });
    assert.ok(extension);
    assert.equal(
      warning?.message,
      `Warnings loading extension at ${dir}:\n  Cannot load extension with file or directory ` +
        'name __pycache__. Filenames starting with "_" are reserved for use by the system.\n',
    );
    // Reserved names and deeper files are fine: no warning, and still loaded.
    const clean = extensionDir({
      "manifest.json": { ...MANIFEST, default_locale: "en" },
      "_locales/en/messages.json": {},
      "lib/_nested.js": "",
    });
    assert.deepEqual(extensionWarnings(await ses.loadExtension(clean)), []);
  });

  it("substitutes __MSG_name__ from the default locale", async () => {
    const ses = persistentSession();
    const dir = extensionDir({
      "manifest.json": {
        ...MANIFEST,
        name: "__MSG_appName__",
        description: "__MSG_DESC__",
        default_locale: "fr",
      },
      "_locales/fr/messages.json": {
        appName: { message: "Bonjour" },
        desc: { message: "Une extension" },
      },
    });
    const extension = await ses.loadExtension(dir);
    assert.equal(extension.name, "Bonjour");
    assert.equal(extension.manifest.description, "Une extension");
  });

  it("fills a message's $placeholders$ from their content, as Chromium's MessageBundle", async () => {
    const ses = persistentSession();
    const messages = {
      appName: {
        message: "$Who$ says $GREETING$, $$1 $not a name$",
        placeholders: { who: { content: "Ann" }, greeting: { content: "hi $1" } },
      },
    };
    const manifest = { ...MANIFEST, name: "__MSG_appName__", default_locale: "en" };
    const dir = extensionDir({ "manifest.json": manifest, "_locales/en/messages.json": messages });
    assert.equal((await ses.loadExtension(dir)).name, "Ann says hi $1, $$1 $not a name$");
    const failures: [unknown, string][] = [
      [
        { message: "$who$ $nobody$", placeholders: { who: { content: "A" } } },
        "Variable $nobody$ used but not defined.",
      ],
      [{ message: "x", placeholders: [] }, 'Not a valid "placeholders" element for key appName.'],
      [{ message: "x", placeholders: { who: "A" } }, "Invalid placeholder who for key appName"],
      [{ message: "x", placeholders: { who: {} } }, 'Invalid "content" element for key appName.'],
    ];
    for (const [appName, reason] of failures) {
      const bad = extensionDir({
        "manifest.json": manifest,
        "_locales/en/messages.json": { appName },
      });
      await loadFails(ses, bad, reason);
    }
  });

  it("refuses a messages.json that Chromium's MessageBundle refuses, its first key in byte order first", async () => {
    // extensions/common/message_bundle.cc Init: every entry of the catalog is checked, in the
    // order of base::Value::Dict (sorted keys), whether or not the manifest uses it; the
    // reserved @@ messages are added after, and a catalog defining one is refused.
    const ses = persistentSession();
    const manifest = { ...MANIFEST, name: "__MSG_appName__", default_locale: "en" };
    const appName = { message: "Demo" };
    const failures: [Record<string, unknown>, string][] = [
      [
        { appName, "my-name": { message: "x" } },
        'Name of a key "my-name" is invalid. Only ASCII [a-z], [A-Z], [0-9] and "_" are allowed.',
      ],
      [
        { appName, "Bad Key": { message: "x" } },
        'Name of a key "bad key" is invalid. Only ASCII [a-z], [A-Z], [0-9] and "_" are allowed.',
      ],
      [{ appName, unused: "text" }, "Not a valid tree for key unused."],
      [{ appName, Unused: { text: "x" } }, 'There is no "message" element for key Unused.'],
      [{ appName, unused: { message: 5 } }, 'There is no "message" element for key unused.'],
      [
        { appName: { message: "$a-b$", placeholders: { "a-b": { content: "x" } } } },
        'Name of a key "a-b" is invalid. Only ASCII [a-z], [A-Z], [0-9] and "_" are allowed.',
      ],
      [
        { appName, "@@UI_Locale": { message: "x" } },
        "Reserved key @@ui_locale found in message catalog.",
      ],
      // "a" sorts before "appName" and "b": its error is the one reported.
      [
        { b: 5, appName, a: { message: 1 } },
        'There is no "message" element for key a.',
      ],
    ];
    for (const [messages, reason] of failures) {
      const bad = extensionDir({
        "manifest.json": manifest,
        "_locales/en/messages.json": messages,
      });
      await loadFails(ses, bad, reason);
    }
    // Keys differing in case are one message: the last in byte order wins ("APPNAME" < "appName").
    const twice = extensionDir({
      "manifest.json": manifest,
      "_locales/en/messages.json": { appName: { message: "lower" }, APPNAME: { message: "upper" } },
    });
    assert.equal((await ses.loadExtension(twice)).name, "lower");
  });

  it("refuses inconsistent locales with Chromium's messages", async () => {
    const ses = persistentSession();
    await loadFails(
      ses,
      extensionDir({ "manifest.json": MANIFEST, "_locales/en/messages.json": {} }),
      "Localization used, but default_locale wasn't specified in the manifest.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { ...MANIFEST, default_locale: "en" } }),
      "Default locale was specified, but _locales subtree is missing.",
    );
    // file_util::LoadMessageBundle: a default_locale that is no Chromium locale name, or has no
    // folder, counts as none; LoadMessageFile: a folder without messages.json has no catalog.
    const unspecified = "Localization used, but default_locale wasn't specified in the manifest.";
    for (const defaultLocale of ["../../etc", "en-US", 5, "fr"]) {
      await loadFails(
        ses,
        extensionDir({
          "manifest.json": { ...MANIFEST, default_locale: defaultLocale },
          "_locales/en-US/messages.json": {},
          "_locales/en/messages.json": {},
        }),
        unspecified,
      );
    }
    await loadFails(
      ses,
      extensionDir({
        "manifest.json": { ...MANIFEST, default_locale: "en" },
        "_locales/en/message.json": {},
      }),
      "Catalog file is missing for locale en.",
    );
    await loadFails(
      ses,
      extensionDir({
        "manifest.json": { ...MANIFEST, name: "__MSG_missing__", default_locale: "en" },
        "_locales/en/messages.json": {},
      }),
      "Variable __MSG_missing__ used but not defined.",
    );
  });

  it("refuses icons Chromium's IconsHandler refuses: missing, or a path out of the directory", async () => {
    const ses = persistentSession();
    const outside = extensionDir({ "secret.png": "png" });
    const linked = extensionDir({ "manifest.json": { ...MANIFEST, icons: { "16": "icon.png" } } });
    symlinkSync(join(outside, "secret.png"), join(linked, "icon.png"));
    await loadFails(ses, linked, "Could not load icon 'icon.png' specified in 'icons'.");
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { ...MANIFEST, icons: { "48": "images/icon48.png" } } }),
      "Could not load icon 'images/icon48.png' specified in 'icons'.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { ...MANIFEST, icons: { "16": "../secret.png" } } }),
      `Invalid value for 'icons["16"]'.`,
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": { ...MANIFEST, icons: { big: "icon.png" } } }),
      'Invalid key in icons: "big".',
    );
    const fine = extensionDir({
      "manifest.json": { ...MANIFEST, icons: { "16": "icons/16.png", "128": "/icons/128.png" } },
      "icons/16.png": "png",
      "icons/128.png": "png",
    });
    assert.equal((await ses.extensions.loadExtension(fine)).name, "Demo");
  });

  it("refuses content scripts Chromium's ContentScriptsHandler refuses: missing, out, not UTF-8", async () => {
    const ses = persistentSession();
    const scripts = (js: string[]) => ({
      ...MANIFEST,
      content_scripts: [{ matches: ["<all_urls>"], js, css: ["page.css"] }],
    });
    await loadFails(
      ses,
      extensionDir({ "manifest.json": scripts(["content.js"]), "page.css": "p{}" }),
      "Could not load javascript 'content.js' for script.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": scripts(["../../etc/passwd"]), "page.css": "p{}" }),
      "Could not load javascript '' for script.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": scripts(["a.js"]), "a.js": "'\uffff'", "page.css": "p{}" }),
      "Could not load file 'a.js' for content script. It isn't UTF-8 encoded.",
    );
    await loadFails(
      ses,
      extensionDir({ "manifest.json": scripts(["a.js"]), "a.js": "x()" }),
      "Could not load css 'page.css' for script.",
    );
    const fine = extensionDir({
      "manifest.json": scripts(["a.js"]),
      "a.js": "x()",
      "page.css": "",
    });
    assert.equal((await ses.extensions.loadExtension(fine)).name, "Demo");
  });

  it("refuses content script match patterns Chromium's URLPattern refuses for scripts, matches first", async () => {
    const ses = persistentSession();
    const scripts = (...entries: Record<string, unknown>[]) => ({
      "manifest.json": {
        ...MANIFEST,
        content_scripts: entries.map((entry) => ({ js: ["a.js"], ...entry })),
      },
      "a.js": "x()",
    });
    const fails = (reason: string, ...entries: Record<string, unknown>[]) =>
      loadFails(ses, extensionDir(scripts(...entries)), reason);
    const match = "Invalid value for 'content_scripts[0].matches[1]': ";
    await fails(`${match}Empty path.`, { matches: ["<all_urls>", "https://*.example.com"] });
    // UserScript::ValidUserScriptSchemes: http, https, file, ftp and uuid-in-package, spelt so.
    await fails(`${match}Invalid scheme.`, { matches: ["*://*/*", "chrome-extension://x/*"] });
    await fails(`${match}Invalid scheme.`, { matches: ["*://*/*", "data:*"] });
    await fails(`${match}Invalid scheme.`, { matches: ["*://*/*", "chrome://settings/*"] });
    await fails(`${match}Invalid scheme.`, { matches: ["*://*/*", "HTTPS://a.test/*"] });
    await fails(`${match}Wrong scheme type.`, { matches: ["*://*/*", "http:a.test/*"] });
    await fails(`${match}Missing scheme separator.`, { matches: ["*://*/*", "a.test/*"] });
    await fails(`${match}Invalid host wildcard.`, { matches: ["*://*/*", "*://a.*.test/*"] });
    await fails(`${match}Host can not be empty.`, { matches: ["*://*/*", "uuid-in-package:"] });
    await fails(
      "Invalid value for 'content_scripts[1].exclude_matches[0]': Invalid port.",
      { matches: ["*://*/*"], js: ["gone.js"] },
      { matches: ["*://*/*"], exclude_matches: ["https://a.test:99999/*"] },
    );
    // ParseMatchPatterns runs before ParseFileSources, and every entry before any file is read.
    await fails(
      "Invalid value for 'content_scripts[0].matches[0]': Host can not be empty.",
      { matches: ["ftp://"], js: [] },
    );
    const fine = extensionDir(scripts({
      matches: ["file:///*", "ftp://h.test/*", "*://*.a.test:*/*", "uuid-in-package:*"],
      exclude_matches: ["http://[::1]:8080/x*"],
    }));
    assert.equal((await ses.extensions.loadExtension(fine)).name, "Demo");
  });

  it("refuses a background Chromium's BackgroundManifestHandler refuses: a missing service worker", async () => {
    const ses = persistentSession();
    const worker = { ...MANIFEST, background: { service_worker: "background.js" } };
    await loadFails(
      ses,
      extensionDir({ "manifest.json": worker }),
      "Could not load background script ''.",
    );
    await loadFails(
      ses,
      extensionDir({
        "manifest.json": { ...MANIFEST, manifest_version: 2, background: { scripts: ["bg.js"] } },
      }),
      "Could not load background script 'bg.js'.",
    );
    const fine = extensionDir({ "manifest.json": worker, "background.js": "x()" });
    assert.equal((await ses.extensions.loadExtension(fine)).name, "Demo");
  });

  it("refuses an action Chromium's ExtensionActionHandler refuses, in the keys the version makes available", async () => {
    const ses = persistentSession();
    const MV2 = { ...MANIFEST, manifest_version: 2 };
    const fails = (manifest: unknown, reason: string, files: Record<string, unknown> = {}) =>
      loadFails(ses, extensionDir({ "manifest.json": manifest, ...files }), reason);
    await fails(
      { ...MV2, browser_action: {}, page_action: {} },
      "Only one of 'browser_action', 'page_action', and 'app' can be specified.",
    );
    await fails({ ...MANIFEST, action: "popup.html" }, "Invalid value for 'action'.");
    await fails({ ...MV2, page_action: null }, "Invalid value for 'page_action'.");
    await fails({ ...MV2, browser_action: [] }, "Invalid value for 'browser_action'.");
    const action = (fields: Record<string, unknown>) => ({ ...MANIFEST, action: fields });
    await fails(action({ default_icon: 16 }), "Invalid value for 'default_icon'.");
    await fails(action({ default_icon: "../icon.png" }), "Invalid value for 'default_icon'.");
    // A dictionary is read as LoadIconsFromDictionary reads `icons`, with its words.
    await fails(action({ default_icon: { big: "icon.png" } }), 'Invalid key in icons: "big".');
    await fails(action({ default_icon: { "16": 1 } }), `Invalid value for 'icons["16"]'.`);
    await fails(action({ default_title: 7 }), "Invalid value for 'default_title'.");
    await fails(action({ default_popup: false }), "Invalid type for 'default_popup'.");
    await fails(action({ default_popup: "http://[::1" }), "Invalid type for 'default_popup'.");
    await fails(action({ default_state: "on" }), "Invalid value for 'default_state'.");
    await fails(
      { ...MV2, page_action: { default_state: "enabled" } },
      "The default_state key cannot be set for browser_action or page_action keys.",
    );
    // Validate: each image of the icon set must be there and not empty, named with its key.
    await fails(
      action({ default_icon: "icons/a.png" }),
      "Could not load icon 'icons/a.png' specified in 'action'.",
    );
    await fails(
      { ...MV2, browser_action: { default_icon: { "38": "b38.png", "19": "b19.png" } } },
      "Could not load icon 'b19.png' specified in 'browser_action'.",
      { "b38.png": "png", "b19.png": "" },
    );
    const fine = extensionDir({
      "manifest.json": action({
        default_icon: { "16": "/a.png", "32": "notes.txt" },
        default_title: "Demo",
        default_popup: "",
        default_state: "disabled",
      }),
      "a.png": "png",
    });
    assert.equal((await ses.extensions.loadExtension(fine)).name, "Demo");
    // A non-image default_icon is ignored (Chromium warns); an empty popup means none.
    const text = extensionDir({
      "manifest.json": { ...MV2, page_action: { default_icon: "readme.txt", default_popup: "" } },
    });
    assert.equal((await ses.extensions.loadExtension(text)).name, "Demo");
    // A key the manifest version does not make available is not read: MV3 has no
    // browser_action or page_action, MV2 no action.
    const unavailable = extensionDir({
      "manifest.json": { ...MANIFEST, action: {}, browser_action: 1, page_action: 1 },
    });
    assert.equal((await ses.extensions.loadExtension(unavailable)).name, "Demo");
    const old = extensionDir({ "manifest.json": { ...MV2, action: 1, browser_action: {} } });
    assert.equal((await ses.extensions.loadExtension(old)).name, "Demo");
  });

  it("deletes _metadata/ before loading", async () => {
    const ses = persistentSession();
    const dir = extensionDir({
      "manifest.json": MANIFEST,
      "_metadata/verified_contents.json": "[]",
    });
    await ses.loadExtension(dir);
    assert.equal(existsSync(join(dir, "_metadata")), false);
  });

  it("keeps a _metadata that is not a directory, as Electron's DirectoryExists check", async () => {
    const ses = persistentSession();
    const dir = extensionDir({ "manifest.json": MANIFEST, "_metadata": "a file" });
    const warning = await extensionWarning(dir, () => ses.extensions.loadExtension(dir));
    assert.equal(readFileSync(join(dir, "_metadata"), "utf8"), "a file");
    // Chromium then reports the reserved name, and still loads.
    assert.match(warning?.message ?? "", /file or directory name _metadata\. /);
  });

  it("reloading the same directory replaces the extension", async () => {
    const ses = persistentSession();
    const dir = extensionDir({ "manifest.json": MANIFEST });
    const events: string[] = [];
    ses.extensions.on("extension-unloaded", () => events.push("unloaded"));
    ses.extensions.on("extension-loaded", () => events.push("loaded"));
    await ses.loadExtension(dir);
    await ses.loadExtension(dir);
    assert.deepEqual(events, ["loaded", "unloaded", "loaded"]);
    assert.equal(ses.getAllExtensions().length, 1);
  });

  it("reports throwing extension listeners on console.error; loads and removals still happen", async () => {
    // Electron emits these events from C++ (ElectronExtensionSystem's registry observers): a
    // listener's error cannot undo a load or a removal, nor turn loadExtension into a rejection.
    const ses = persistentSession();
    const dir = extensionDir({ "manifest.json": MANIFEST });
    const bug = (name: string) => () => {
      throw new Error(`${name} bug`);
    };
    ses.on("extension-loaded", bug("loaded"));
    ses.extensions.on("extension-unloaded", bug("unloaded"));
    ses.extensions.on("extension-ready", bug("ready"));
    const reported: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      // Each ready task is queued as its load finishes: a timer queued then runs after it.
      const readyRan = () => new Promise((resolve) => setTimeout(resolve, 0));
      const first = await ses.extensions.loadExtension(dir);
      await readyRan();
      // Loading it again unloads the first copy (its listener throws) and loads the new one.
      const again = await ses.extensions.loadExtension(dir);
      await readyRan();
      assert.equal(again.id, first.id);
      assert.deepEqual(ses.extensions.getAllExtensions().map((ext) => ext.id), [first.id]);
      ses.extensions.removeExtension(first.id);
      assert.deepEqual(ses.extensions.getAllExtensions(), []);
    } finally {
      console.error = original;
    }
    assert.deepEqual(reported.map(([label, error]) => `${label} ${(error as Error).message}`), [
      "ses.extensions 'extension-loaded' listener failed: loaded bug",
      "ses.extensions 'extension-ready' listener failed: ready bug",
      "ses.extensions 'extension-unloaded' listener failed: unloaded bug",
      "ses.extensions 'extension-loaded' listener failed: loaded bug",
      "ses.extensions 'extension-ready' listener failed: ready bug",
      "ses.extensions 'extension-unloaded' listener failed: unloaded bug",
    ]);
  });

  it("never reads a ruleset outside the extension directory", async () => {
    const ses = persistentSession();
    const outside = join(root, `outside-${++counter}.json`);
    writeFileSync(outside, JSON.stringify([{ id: 1, action: { type: "block" }, condition: {} }]));
    const dir = extensionDir({ "manifest.json": MANIFEST });
    symlinkSync(outside, join(dir, "link.json"));
    for (const path of ["../outside.json", outside, "link.json"]) {
      const manifest = {
        ...DNR_MANIFEST,
        declarative_net_request: { rule_resources: [{ id: "r", enabled: true, path }] },
      };
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
      await loadFails(
        ses,
        dir,
        `Invalid value for key 'declarative_net_request.rule_resources': The provided path ` +
          `'${path}' is invalid.`,
      );
    }
  });

  it("enforces the static ruleset limits", async () => {
    const ses = persistentSession();
    const resources = (count: number, enabled: number) =>
      Array.from(
        { length: count },
        (_, i) => ({ id: `r${i}`, enabled: i < enabled, path: "r.json" }),
      );
    const withResources = (list: unknown[]) =>
      extensionDir({
        "manifest.json": { ...DNR_MANIFEST, declarative_net_request: { rule_resources: list } },
        "r.json": "[]",
      });
    await loadFails(
      ses,
      withResources(resources(101, 0)),
      "Invalid value for key 'declarative_net_request.rule_resources': The number of rulesets " +
        "must be less than or equal to 100.",
    );
    await loadFails(
      ses,
      withResources(resources(51, 51)),
      "Invalid value for key 'declarative_net_request.rule_resources': The number of enabled " +
        "rulesets must be less than or equal to 50.",
    );
    const full = await ses.loadExtension(withResources(resources(100, 50)));
    assert.deepEqual(extensionWarnings(full), [
      "The same ruleset file appears multiple times with different IDs in the manifest " +
      "'declarative_net_request.rule_resources' key.",
    ]);
  });

  it("checks the manifest's rulesets as Chromium's DNRManifestHandler, permission first", async () => {
    const ses = persistentSession();
    const rulesets = (list: unknown[], manifest: object = DNR_MANIFEST) =>
      extensionDir({
        "manifest.json": { ...manifest, declarative_net_request: { rule_resources: list } },
        "r.json": "[]",
      });
    await loadFails(
      ses,
      rulesets([{ id: "_x", enabled: true, path: "../r.json" }], MANIFEST),
      "The extension requires the 'declarativeNetRequest' or the " +
        "'declarativeNetRequestWithHostAccess' permission for the 'declarative_net_request' " +
        "manifest key.",
    );
    for (const id of ["", "_reserved", "a"]) {
      await loadFails(
        ses,
        rulesets([{ id: "a", enabled: true, path: "r.json" }, {
          id,
          enabled: true,
          path: "r.json",
        }]),
        "'declarative_net_request.rule_resources': Invalid 'id' specified for Ruleset at index 1. " +
          "The ID must be non-empty, unique and must not start with '_'.",
      );
    }
    // The path is checked before the id, as in Chromium.
    await loadFails(
      ses,
      rulesets([{ id: "", enabled: true, path: "../r.json" }]),
      "Invalid value for key 'declarative_net_request.rule_resources': The provided path " +
        "'../r.json' is invalid.",
    );
    const withHostAccess = { ...MANIFEST, permissions: ["declarativeNetRequestWithHostAccess"] };
    await ses.loadExtension(rulesets([{ id: "a", enabled: true, path: "r.json" }], withHostAccess));
  });

  it("applies only enabled rulesets and reports a rule file's errors with its path", async () => {
    const ses = persistentSession();
    const rule = (urlFilter: string) =>
      JSON.stringify([{ id: 1, action: { type: "block" }, condition: { urlFilter } }]);
    const dir = extensionDir({
      "manifest.json": {
        ...DNR_MANIFEST,
        declarative_net_request: {
          rule_resources: [
            { id: "on", enabled: true, path: "on.json" },
            { id: "off", enabled: false, path: "off.json" },
          ],
        },
      },
      "on.json": rule("/enabled-rule"),
      "off.json": rule("/disabled-rule"),
    });
    await ses.loadExtension(dir);
    await assert.rejects(ses.fetch("http://127.0.0.1:9/enabled-rule"), {
      message: "net::ERR_BLOCKED_BY_CLIENT",
    });
    await assert.rejects(
      ses.fetch("http://127.0.0.1:9/disabled-rule"),
      (error: Error) => error.message !== "net::ERR_BLOCKED_BY_CLIENT",
    );
    const broken = extensionDir({
      "manifest.json": {
        ...DNR_MANIFEST,
        declarative_net_request: {
          rule_resources: [{ id: "x", enabled: false, path: "bad.json" }],
        },
      },
      "bad.json": JSON.stringify([{ id: 0, action: { type: "block" }, condition: {} }]),
    });
    await loadFails(
      ses,
      broken,
      "bad.json: Rule with id 0 has an invalid value for id key. This should be greater than or " +
        "equal to 1.",
    );
  });

  it("reads manifest.json and messages.json with Chromium's JSON extensions: comments, raw line breaks, \\x", async () => {
    // LoadManifest and LoadMessageFile read with JSONFileValueDeserializer, whose default
    // options are JSON_PARSE_CHROMIUM_EXTENSIONS (json_file_value_serializer.h): comments,
    // \r and \n unescaped in strings, and \xNN escapes.
    const ses = persistentSession();
    const manifest = `\uFEFF// Generated by a build tool
      {
        /* the name comes from the messages */
        "name": "__MSG_appName__", // localised
        "version": "1.0", "manifest_version": 3, "default_locale": "en",
        "description": "two
lines, \\\\x41 is \\x41, a // and a /* in a string stay" /* trailing */
      }
      // end`;
    const messages = `{
      // the displayed name
      "appName": { "message": "Commented /* not a comment */" }
    }`;
    const dir = extensionDir({ "manifest.json": manifest, "_locales/en/messages.json": messages });
    const extension = await ses.extensions.loadExtension(dir);
    assert.equal(extension.name, "Commented /* not a comment */");
    assert.equal(
      extension.manifest.description,
      "two\nlines, \\x41 is A, a // and a /* in a string stay",
    );
    for (
      const bad of [
        `{"name": "x", "version": "1", "manifest_version": 3} /* never closed`,
        `{"name": "x", "version": "1", "manifest_version": 3, "v": "\\x4"}`,
        `{"name": "x", "version": "1", "manifest_version": 3, "v": "tab\there"}`,
        `{"name": "x", "version": "1", "manifest_version": 3} / 2`,
      ]
    ) {
      await loadFails(ses, extensionDir({ "manifest.json": bad }), "Manifest is not valid JSON.");
    }
  });

  it("refuses JSON nested deeper than Chromium's 200 levels, and never overflows the stack", async () => {
    const ses = persistentSession();
    const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    // The manifest object is one level: 199 arrays inside it make Chromium's limit exactly.
    const deepest = extensionDir({
      "manifest.json": `{"name": "Deep [[[ \\" [[[", "version": "1", "manifest_version": 3, ` +
        `"x": ${nested(199)}}`,
    });
    assert.equal((await ses.extensions.loadExtension(deepest)).name, 'Deep [[[ " [[[');
    const tooDeep = extensionDir({
      "manifest.json": `{"name": "x", "version": "1", "manifest_version": 3, "x": ${nested(200)}}`,
    });
    await loadFails(ses, tooDeep, "Manifest is not valid JSON.");
    const hostile = extensionDir({
      "manifest.json": `{"name": "x", "version": "1", "manifest_version": 3, "x": ${
        nested(200_000)
      }}`,
    });
    await loadFails(ses, hostile, "Manifest is not valid JSON.");
    const rules = extensionDir({
      "manifest.json": {
        ...DNR_MANIFEST,
        declarative_net_request: { rule_resources: [{ id: "r", enabled: true, path: "r.json" }] },
      },
      "r.json": nested(100_000),
    });
    await loadFails(ses, rules, "r.json: Too much nesting.");
    const messages = extensionDir({
      "manifest.json": { ...MANIFEST, default_locale: "en" },
      "_locales/en/messages.json": `{"a": ${nested(100_000)}}`,
    });
    await loadFails(
      ses,
      messages,
      "Default locale is defined but default data couldn't be loaded.",
    );
    assert.deepEqual(ses.extensions.getAllExtensions().map((extension) => extension.name), [
      'Deep [[[ " [[[',
    ]);
  });

  it("survives hostile manifests without crashing", async () => {
    const ses = persistentSession();
    const hostile = [
      "null",
      "[]",
      '"text"',
      "1e999",
      JSON.stringify({ ...MANIFEST, declarative_net_request: "x" }),
      JSON.stringify({ ...MANIFEST, declarative_net_request: { rule_resources: [null] } }),
      JSON.stringify({ ...MANIFEST, name: { toString: 1 } }),
      JSON.stringify({ ...MANIFEST, __proto__: { polluted: true } }),
    ];
    for (const text of hostile) {
      const dir = extensionDir({ "manifest.json": text });
      const outcome = await ses.loadExtension(dir).then(
        () => "loaded",
        (error: Error) => error.message,
      );
      assert.equal(typeof outcome, "string");
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
