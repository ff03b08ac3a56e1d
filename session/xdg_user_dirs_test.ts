import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { xdgUserDir } from "./xdg_user_dirs.ts";

describe("xdgUserDir", () => {
  it("follows xdg_user_dir_lookup's rules", () => {
    const home = "/home/ana";
    const cases: [string, string, string | undefined][] = [
      ['XDG_DOWNLOAD_DIR="$HOME/Downloads"', "DOWNLOAD", "/home/ana/Downloads"],
      ['  \tXDG_DOWNLOAD_DIR \t= \t"$HOME/Dl"', "DOWNLOAD", "/home/ana/Dl"],
      ['XDG_DOWNLOAD_DIR="/abs/dl/"', "DOWNLOAD", "/abs/dl"],
      ['XDG_DOWNLOAD_DIR="$HOME/"', "DOWNLOAD", "/home/ana"],
      ['XDG_DOWNLOAD_DIR="/"', "DOWNLOAD", "/"],
      ['XDG_DOWNLOAD_DIR="rel"', "DOWNLOAD", undefined],
      ['XDG_DOWNLOAD_DIR="$HOME"', "DOWNLOAD", undefined],
      ["XDG_DOWNLOAD_DIR=$HOME/x", "DOWNLOAD", undefined],
      ['XDG_DOWNLOAD_DIR="$HOME/a\\"b" trailing', "DOWNLOAD", '/home/ana/a"b'],
      ['XDG_DOWNLOAD_DIR="$HOME/unterminated', "DOWNLOAD", "/home/ana/unterminated"],
      ['XDG_DOWNLOADS_DIR="$HOME/x"', "DOWNLOAD", undefined],
      ['# XDG_DOWNLOAD_DIR="$HOME/x"', "DOWNLOAD", undefined],
      ['XDG_MUSIC_DIR="$HOME/m"', "DOWNLOAD", undefined],
      ['XDG_DOWNLOAD_DIR="/a"\nXDG_DOWNLOAD_DIR="/b"', "DOWNLOAD", "/b"],
      ['XDG_DOWNLOAD_DIR="/a"\nXDG_DOWNLOAD_DIR="bad"', "DOWNLOAD", "/a"],
      ["", "DOWNLOAD", undefined],
    ];
    for (const [text, name, expected] of cases) {
      assert.equal(xdgUserDir(text, name, home), expected, text);
    }
  });
});
