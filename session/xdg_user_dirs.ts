/**
 * The XDG user directories (`~/.config/user-dirs.dirs`), read as Chromium's
 * `base::nix::GetXDGUserDirectory` reads them through xdg-user-dirs' `xdg_user_dir_lookup`.
 *
 * @module
 */

/**
 * Finds one user directory in the text of a `user-dirs.dirs` file. Lines look like
 * `XDG_DOWNLOAD_DIR="$HOME/Téléchargements"`; the value must start with `$HOME/` or `/`, a
 * backslash escapes the next character, and the last line naming the directory wins.
 *
 * @param text The file's text.
 * @param name The directory's XDG name: `DESKTOP`, `DOCUMENTS`, `DOWNLOAD`, `MUSIC`, `PICTURES`,
 * `VIDEOS`, ...
 * @param home The home directory `$HOME` stands for.
 * @returns The absolute directory without a trailing `/`, or `undefined` when no valid line
 * names it.
 *
 * @example
 * ```ts
 * import { xdgUserDir } from "./xdg_user_dirs.ts";
 * const text = 'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n';
 * console.log(xdgUserDir(text, "DOWNLOAD", "/home/ana")); // /home/ana/Téléchargements
 * ```
 */
export function xdgUserDir(text: string, name: string, home: string): string | undefined {
  let found: string | undefined;
  for (const line of text.split("\n")) {
    const match = /^[ \t]*XDG_([A-Za-z0-9_]+?)_DIR[ \t]*=[ \t]*"(.*)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    let value = match[2]!;
    let prefix = "";
    if (value.startsWith("$HOME/")) {
      prefix = `${home}/`;
      value = value.slice(6);
    } else if (!value.startsWith("/")) {
      continue;
    }
    let path = prefix;
    for (let i = 0; i < value.length && value[i] !== '"'; i++) {
      if (value[i] === "\\" && i + 1 < value.length) i++;
      path += value[i];
    }
    found = path;
  }
  if (found === undefined) return undefined;
  // Chromium strips trailing separators (but keeps a lone "/").
  return found.replace(/(.)\/+$/, "$1");
}
