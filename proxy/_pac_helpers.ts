/**
 * The PAC helper functions, as JavaScript source evaluated inside the sandbox before the PAC
 * script: Netscape's set (isPlainHostName … alert) and Microsoft's IPv6-aware `*Ex` variants,
 * written for this repository after the behaviour of Chromium's pac_js_library.h and
 * proxy_resolver_v8.cc. DNS answers come from the host through a table set before each run:
 * an unknown name records itself and aborts the run (Chromium's non-blocking mode); the host
 * resolves it and runs the script again.
 *
 * The source evaluates to an object of internal functions kept by the host as a handle; the
 * script sees only the helpers as globals.
 *
 * @module
 */

/** Messages `alert()` keeps per run, and characters per message. */
export const ALERT_LIMITS = { messages: 32, characters: 1024 } as const;

/**
 * The helper source. Its completion value is `{ setup, topLevel, topLevelPending, call,
 * describe, failure, alerts }`.
 */
export const PAC_HELPERS_SOURCE = `(function (global) {
  "use strict";
  var ABORT = {};
  var answers = {};
  var pendingHost = null;
  // Look-ups answer null unless a run (or the top level, see topLevel) is under way.
  var exhausted = true;
  var myIp = "127.0.0.1";
  var myIpEx = "127.0.0.1";
  var alerts = [];
  // Bound now, before the script can replace JSON's methods.
  var parseJson = JSON.parse.bind(JSON);
  var toJson = JSON.stringify.bind(JSON);
  var getDescriptor = Object.getOwnPropertyDescriptor;
  var getPrototype = Object.getPrototypeOf;
  function dataProperty(object, key) {
    for (var depth = 0; object !== null && depth < 8; depth++) {
      var descriptor = getDescriptor(object, key);
      if (descriptor) return typeof descriptor.value === "string" ? descriptor.value : "";
      object = getPrototype(object);
    }
    return "";
  }
  var hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);

  function lookup(host) {
    host = String(host).toLowerCase();
    if (hasOwn(answers, host)) return answers[host];
    if (exhausted) return null;
    if (pendingHost === null) pendingHost = host;
    throw ABORT;
  }
  function ipv4Number(text) {
    var m = /^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$/.exec(text);
    if (!m) return null;
    var n = 0;
    for (var i = 1; i < 5; i++) {
      var part = Number(m[i]);
      if (part > 255) return null;
      n = n * 256 + part;
    }
    return n;
  }
  function ipBytes(text) {
    text = String(text);
    var v4 = ipv4Number(text);
    if (v4 !== null) return [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255];
    if (!/^[0-9a-fA-F:.]+$/.test(text) || text.indexOf(":") < 0) return null;
    var tail = [];
    var dot = text.lastIndexOf(":");
    if (text.indexOf(".", dot) > 0) {
      var embedded = ipBytes(text.slice(dot + 1));
      if (embedded === null || embedded.length !== 4) return null;
      tail = embedded;
      text = text.slice(0, dot + 1) + "0:0";
    }
    var halves = text.split("::");
    if (halves.length > 2) return null;
    var head = halves[0] === "" ? [] : halves[0].split(":");
    var rest = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];
    var groups = head.length + rest.length;
    if (halves.length === 1 ? groups !== 8 : groups > 7) return null;
    var all = head.concat(new Array(8 - groups).fill("0"), rest);
    var bytes = [];
    for (var j = 0; j < 8; j++) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(all[j])) return null;
      var value = parseInt(all[j], 16);
      bytes.push(value >> 8, value & 255);
    }
    if (tail.length) bytes.splice(12, 4, tail[0], tail[1], tail[2], tail[3]);
    return bytes;
  }
  // An IP literal as Chromium's IPAddress::AssignFromIPLiteral reads it: IPv6 without brackets,
  // IPv4 as URLs do (one to four parts, octal after a leading 0, hex after 0x, a trailing dot).
  function literalBytes(text) {
    if (text.indexOf(":") >= 0) return ipBytes(text);
    var parts = text.split(".");
    if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
    if (parts.length > 4) return null;
    var values = [];
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      if (/^0[xX][0-9a-fA-F]*$/.test(part)) values.push(part.length > 2 ? parseInt(part.slice(2), 16) : 0);
      else if (/^0[0-7]*$/.test(part)) values.push(parseInt(part, 8));
      else if (/^[1-9][0-9]*$/.test(part)) values.push(parseInt(part, 10));
      else return null;
    }
    var last = values.pop();
    for (var j = 0; j < values.length; j++) if (values[j] > 255) return null;
    if (last >= Math.pow(256, 4 - values.length)) return null;
    var n = last;
    for (var k = 0; k < values.length; k++) n += values[k] * Math.pow(256, 3 - k);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  }
  var MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255];
  // IPAddressMatchesPrefix: an IPv4 address or block meets IPv6 as IPv4-mapped.
  function inBlock(address, network, bits) {
    if (address.length !== network.length) {
      if (address.length === 4) {
        address = MAPPED_PREFIX.concat(address);
      } else {
        network = MAPPED_PREFIX.concat(network);
        bits += 96;
      }
    }
    return prefixMatches(address, network, bits);
  }
  function isAscii(text) {
    return /^[\\x00-\\x7f]*$/.test(text);
  }
  function prefixMatches(address, prefix, bits) {
    if (address.length !== prefix.length) return false;
    for (var i = 0; i < bits; i += 8) {
      var left = bits - i;
      var mask = left >= 8 ? 255 : (255 << (8 - left)) & 255;
      if ((address[i / 8] & mask) !== (prefix[i / 8] & mask)) return false;
    }
    return true;
  }

  // Chromium's native IsPlainHostName: no dot and no IP literal ("::1", "1" and "0x1" are
  // addresses; "[::1]" is not), a TypeError for anything but a string.
  global.isPlainHostName = function (host) {
    if (typeof host !== "string") throw new TypeError("Requires 1 string parameter");
    return host.indexOf(".") < 0 && literalBytes(host) === null;
  };
  global.dnsDomainIs = function (host, domain) {
    host = String(host);
    domain = String(domain);
    return host.length >= domain.length &&
      host.substring(host.length - domain.length) === domain;
  };
  global.localHostOrDomainIs = function (host, hostdom) {
    host = String(host);
    hostdom = String(hostdom);
    return host === hostdom || hostdom.lastIndexOf(host + ".", 0) === 0;
  };
  // Chromium's bindings look up only strings: dnsResolve answers anything else with null,
  // dnsResolveEx with nothing at all (proxy_resolver_v8.cc, GetHostnameArgument).
  global.dnsResolve = function (host) {
    if (typeof host !== "string") return null;
    var list = lookup(host);
    if (list === null) return null;
    for (var i = 0; i < list.length; i++) if (list[i].indexOf(":") < 0) return list[i];
    return null;
  };
  global.dnsResolveEx = function (host) {
    if (typeof host !== "string") return undefined;
    var list = lookup(host);
    return list === null ? "" : list.join(";");
  };
  global.isResolvable = function (host) {
    return global.dnsResolve(host) !== null;
  };
  global.isResolvableEx = function (host) {
    return global.dnsResolveEx(host) !== "";
  };
  global.myIpAddress = function () {
    return myIp;
  };
  global.myIpAddressEx = function () {
    return myIpEx;
  };
  // As pac_js_library.h: the pattern and the mask are checked before the host is looked up.
  global.isInNet = function (host, pattern, mask) {
    var p = ipv4Number(String(pattern));
    var m = ipv4Number(String(mask));
    if (p === null || m === null) return false;
    var address = ipv4Number(String(host));
    if (address === null) {
      var resolved = global.dnsResolve(host);
      if (resolved === null) return false;
      address = ipv4Number(resolved);
    }
    if (address === null) return false;
    return ((address & m) >>> 0) === ((p & m) >>> 0);
  };
  // As Chromium's IsInNetEx: null unless both are strings; the address is read as it is, the
  // block with its spaces and tabs removed (as IE does).
  global.isInNetEx = function (ip, prefix) {
    if (typeof ip !== "string" || typeof prefix !== "string") return null;
    if (!isAscii(ip) || !isAscii(prefix)) return false;
    var address = literalBytes(ip);
    var parts = prefix.replace(/[ \\t]/g, "").split("/");
    if (address === null || parts.length !== 2 || !/^\\d{1,10}$/.test(parts[1])) return false;
    var network = literalBytes(parts[0]);
    var bits = Number(parts[1]);
    if (network === null || bits > network.length * 8) return false;
    return inBlock(address, network, bits);
  };
  // As Chromium's SortIpAddressList: null unless a string; spaces and tabs removed anywhere;
  // empty entries skipped; false when an entry is no IP literal or none is left.
  global.sortIpAddressList = function (list) {
    if (typeof list !== "string" || !isAscii(list)) return null;
    var items = [];
    var texts = list.replace(/[ \\t]/g, "").split(";");
    for (var i = 0; i < texts.length; i++) {
      var text = texts[i];
      if (text === "") continue;
      var bytes = literalBytes(text);
      if (bytes === null) return false;
      items.push({ text: text, bytes: bytes });
    }
    if (items.length === 0) return false;
    items.sort(function (a, b) {
      if (a.bytes.length !== b.bytes.length) return b.bytes.length - a.bytes.length;
      for (var k = 0; k < a.bytes.length; k++) {
        if (a.bytes[k] !== b.bytes[k]) return a.bytes[k] - b.bytes[k];
      }
      return 0;
    });
    return items.map(function (item) { return item.text; }).join(";");
  };
  global.dnsDomainLevels = function (host) {
    return String(host).split(".").length - 1;
  };
  // PAC files match against a few constant patterns, so compiled expressions are kept
  // (bounded; the expression has no global flag, so reuse cannot change an answer).
  var patterns = new Map();
  global.shExpMatch = function (url, pattern) {
    pattern = String(pattern);
    var expression = patterns.get(pattern);
    if (expression === undefined) {
      var source = pattern.replace(/\\./g, "\\\\.").replace(/\\*/g, ".*").replace(/\\?/g, ".");
      expression = new RegExp("^" + source + "$");
      if (patterns.size >= 256) patterns.clear();
      patterns.set(pattern, expression);
    }
    return expression.test(url);
  };
  // V8 puts its console in every context, Chromium's PAC context too, where with no inspector
  // attached its methods do nothing; PAC files that log must run alike.
  var consoleObject = {};
  var CONSOLE_METHODS = ["debug", "error", "info", "log", "warn", "dir", "dirxml", "table",
    "trace", "group", "groupCollapsed", "groupEnd", "clear", "count", "countReset", "assert",
    "profile", "profileEnd", "time", "timeLog", "timeEnd", "timeStamp", "context"];
  for (var c = 0; c < CONSOLE_METHODS.length; c++) consoleObject[CONSOLE_METHODS[c]] = function () {};
  global.console = consoleObject;
  global.alert = function (message) {
    if (alerts.length < ${ALERT_LIMITS.messages}) {
      alerts.push(String(message).slice(0, ${ALERT_LIMITS.characters}));
    }
  };

  var DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
  var MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
  function isGmt(args) {
    return args.length > 0 && args[args.length - 1] === "GMT";
  }
  global.weekdayRange = function (wd1, wd2, gmt) {
    var args = Array.prototype.slice.call(arguments);
    var utc = isGmt(args);
    if (utc) args.pop();
    var now = new Date();
    var today = utc ? now.getUTCDay() : now.getDay();
    var first = DAYS.indexOf(String(args[0]));
    // Only a second argument of two is an end day (a third that is not "GMT" is ignored).
    var last = args.length === 2 ? DAYS.indexOf(String(args[1])) : first;
    if (first < 0 || last < 0) return false;
    return first <= last ? first <= today && today <= last : today >= first || today <= last;
  };
  // dateRange and timeRange compare against Date objects built from the arguments, as the
  // Netscape/Mozilla helpers that Chromium ships do (pac_js_library.h): a range whose start
  // comes after its end wraps around (over the new year, over midnight), but timeRange's hour
  // form, which compares hours alone.
  global.dateRange = function () {
    var args = Array.prototype.slice.call(arguments);
    var utc = isGmt(args);
    if (utc) args.pop();
    var now = new Date();
    if (args.length === 0) return false;
    if (args.length === 1) {
      var only = parseInt(args[0], 10);
      if (isNaN(only)) return (utc ? now.getUTCMonth() : now.getMonth()) === MONTHS.indexOf(String(args[0]));
      if (only < 32) return (utc ? now.getUTCDate() : now.getDate()) === only;
      return (utc ? now.getUTCFullYear() : now.getFullYear()) === only;
    }
    var year = utc ? now.getUTCFullYear() : now.getFullYear();
    var from = new Date(year, 0, 1, 0, 0, 0);
    var to = new Date(year, 11, 31, 23, 59, 59);
    var half = args.length >> 1;
    var sameMonth = false;
    function apply(date, arg, isStart) {
      var n = parseInt(arg, 10);
      if (isNaN(n)) {
        var month = MONTHS.indexOf(String(arg));
        if (month < 0) return false;
        date.setMonth(month);
      } else if (n < 32) {
        if (isStart) sameMonth = args.length <= 2;
        date.setDate(n);
      } else {
        date.setFullYear(n);
      }
      return true;
    }
    for (var i = 0; i < args.length; i++) {
      if (!apply(i < half ? from : to, args[i], i < half)) return false;
    }
    if (sameMonth) {
      from.setMonth(now.getMonth());
      to.setMonth(now.getMonth());
    }
    var current = utc
      ? new Date(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(),
        now.getUTCMinutes(), now.getUTCSeconds())
      : now;
    return from <= to ? from <= current && current <= to : to >= current || current >= from;
  };
  global.timeRange = function () {
    var args = Array.prototype.slice.call(arguments);
    var utc = isGmt(args);
    if (utc) args.pop();
    var now = new Date();
    var h = utc ? now.getUTCHours() : now.getHours();
    var m = utc ? now.getUTCMinutes() : now.getMinutes();
    var s = utc ? now.getUTCSeconds() : now.getSeconds();
    for (var i = 0; i < args.length; i++) args[i] = Number(args[i]);
    var cur, lo, hi;
    if (args.length === 1) return h === args[0];
    if (args.length === 2) return args[0] <= h && h <= args[1];
    if (args.length === 4) {
      cur = h * 3600 + m * 60 + s;
      lo = args[0] * 3600 + args[1] * 60;
      hi = args[2] * 3600 + args[3] * 60 + 59;
    } else if (args.length === 6) {
      cur = h * 3600 + m * 60 + s;
      lo = args[0] * 3600 + args[1] * 60 + args[2];
      hi = args[3] * 3600 + args[4] * 60 + args[5];
    } else if (args.length === 0) {
      return false;
    } else {
      throw "timeRange: bad number of arguments";
    }
    return lo <= hi ? lo <= cur && cur <= hi : hi >= cur || cur >= lo;
  };

  // A run's answer as one string, so the host makes one call per run: a kind ("R" result,
  // "P" pending look-up, "E" error), "1" when alerts are waiting else "0", then the text.
  // Interrupts are uncatchable in QuickJS, so they leave through the host's error path.
  function call(findProxy, request, table, noMoreLookups) {
    // request is the URL, a line feed, then the host: one string crosses the boundary, not two.
    var split = request.lastIndexOf("\\n");
    var url = request.slice(0, split);
    var host = request.slice(split + 1);
    answers = table === undefined ? {} : parseJson(table);
    exhausted = noMoreLookups;
    pendingHost = null;
    alerts = [];
    var value;
    var failure = null;
    var line = -1;
    try {
      value = findProxy(url, host);
    } catch (error) {
      failure = uncaught(error);
      line = errorLine(error);
    }
    var flag = alerts.length > 0 ? "1" : "0";
    if (pendingHost !== null && !exhausted) return "P" + flag + pendingHost;
    // An error is its line (-1 when unknown), a line feed, then Chromium's words for it.
    if (failure !== null) return "E" + flag + line + "\\n" + failure;
    if (typeof value !== "string") {
      return "E" + flag + "-1\\nFindProxyForURL() did not return a string.";
    }
    return "R" + flag + value;
  }
  // Reads only data properties, so a thrown object's getters never run.
  function describe(error) {
    if (typeof error === "string") return "uncaught " + error.slice(0, 200);
    if (error === null || typeof error !== "object") return "the script threw " + typeof error;
    var name = dataProperty(error, "name");
    var message = dataProperty(error, "message");
    return (name + (name && message ? ": " : "") + message || "the script threw an object").slice(0, 300);
  }
  // A run's exception as V8's message for it reads ("Uncaught TypeError: ..."), in QuickJS's
  // words, as Chromium's PAC bindings report it.
  function uncaught(error) {
    if (typeof error === "string") return "Uncaught " + error.slice(0, 200);
    if (error === null || typeof error !== "object") return "Uncaught " + String(error);
    var name = dataProperty(error, "name");
    var message = dataProperty(error, "message");
    return ("Uncaught " + (name + (name && message ? ": " : "") + message || "#<Object>")).slice(0, 300);
  }
  // The script's line the exception left from, read off QuickJS's stack ("at f (proxy.pac:3:14)").
  function errorLine(error) {
    try {
      if (error === null || typeof error !== "object") return -1;
      var match = /proxy\\.pac:(\\d+)/.exec(dataProperty(error, "stack"));
      return match ? Number(match[1]) : -1;
    } catch (ignored) {
      return -1;
    }
  }

  return {
    setup: function (ip, ipEx) {
      myIp = ip;
      myIpEx = ipEx;
    },
    // Before the script's top level runs: its look-ups take the answers known so far, and an
    // unknown name aborts like a run's (Chromium loads a PAC script with blocking DNS).
    topLevel: function (table, noMoreLookups) {
      answers = table === undefined ? {} : parseJson(table);
      exhausted = noMoreLookups;
      pendingHost = null;
    },
    // After the top level: the name it stopped at ("" when none), and look-ups off until a run.
    topLevelPending: function () {
      var host = exhausted ? null : pendingHost;
      answers = {};
      exhausted = true;
      pendingHost = null;
      return host === null ? "" : host;
    },
    call: call,
    describe: describe,
    // A load's exception as a run's is reported: its line (-1 when unknown), a line feed, then
    // Chromium's words for it.
    failure: function (error) {
      return errorLine(error) + "\\n" + uncaught(error);
    },
    alerts: function () {
      return toJson(alerts);
    },
  };
})(globalThis)`;
