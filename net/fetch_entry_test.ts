import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RequestContext } from "../core/middleware.ts";
import { abortSignalOf, createFetchEntry } from "./fetch_entry.ts";

function entry() {
  const calls: { request: Request; context: RequestContext }[] = [];
  let id = 0;
  const fetchLike = createFetchEntry((request, context) => {
    calls.push({ request, context });
    return Promise.resolve(new Response("ok"));
  }, { nextId: () => ++id });
  return { fetchLike, calls };
}

describe("createFetchEntry", () => {
  it("assigns increasing ids and starts the URL chain", async () => {
    const { fetchLike, calls } = entry();
    await fetchLike("http://a.test/one");
    await fetchLike(new URL("http://a.test/two"));
    assert.deepEqual(calls.map((call) => call.context.id), [1, 2]);
    assert.deepEqual(calls[1]!.context.urlChain, ["http://a.test/two"]);
    assert.equal(calls[0]!.context.resourceType, "other");
    assert.equal(calls[0]!.context.body, null);
  });

  it("drops a caller's Host, in init or a Request input, as Chromium takes Host from the URL", async () => {
    const { fetchLike, calls } = entry();
    await fetchLike("http://a.test/", { headers: { Host: "b.test", "x-kept": "1" } });
    await fetchLike(new Request("http://a.test/", { headers: [["host", "b.test"]] }));
    await fetchLike("http://a.test/", { method: "POST", headers: { host: "b.test" }, body: "x" });
    assert.deepEqual(calls.map((call) => call.request.headers.get("host")), [null, null, null]);
    assert.equal(calls[0]!.request.headers.get("x-kept"), "1");
  });

  it("reads byte bodies once into the context, with the content type header", async () => {
    const { fetchLike, calls } = entry();
    await fetchLike("http://a.test/", { method: "POST", body: "text body" });
    await fetchLike("http://a.test/", { method: "POST", body: new URLSearchParams({ a: "1" }) });
    const [text, form] = calls;
    assert.deepEqual(text!.context.body, new TextEncoder().encode("text body"));
    assert.equal(text!.request.body, null);
    assert.equal(
      text!.request.headers.get("content-type")?.toLowerCase(),
      "text/plain;charset=utf-8",
    );
    assert.equal(new TextDecoder().decode(form!.context.body as Uint8Array), "a=1");
  });

  it("passes a stream body through unread", async () => {
    const { fetchLike, calls } = entry();
    const stream = new Blob(["streamed"]).stream();
    await fetchLike("http://a.test/", { method: "PUT", body: stream });
    const body = calls[0]!.context.body;
    assert.ok(body instanceof ReadableStream);
    assert.equal(await new Response(body).text(), "streamed");
  });

  it("streams the body of a Request input once, as a stream", async () => {
    const { fetchLike, calls } = entry();
    const input = new Request("http://a.test/", {
      method: "POST",
      body: new Blob(["from a request"]).stream(),
      duplex: "half",
    } as RequestInit);
    await fetchLike(input);
    const body = calls[0]!.context.body;
    assert.ok(body instanceof ReadableStream, "a Request's body is a stream: sent as one");
    assert.equal(await new Response(body).text(), "from a request");
    assert.equal(calls[0]!.request.body, null, "the head carries no body");
  });

  it("keeps method, headers, signal and redirect mode of a Request input", async () => {
    const { fetchLike, calls } = entry();
    const controller = new AbortController();
    await fetchLike(
      new Request("http://a.test/", {
        method: "DELETE",
        headers: { "x-a": "1" },
        signal: controller.signal,
        redirect: "manual",
      }),
    );
    const { request } = calls[0]!;
    assert.equal(request.method, "DELETE");
    assert.equal(request.headers.get("x-a"), "1");
    assert.equal(request.redirect, "manual");
    controller.abort();
    assert.equal(request.signal.aborted, true);
  });

  it("marks as never aborting only the requests made without a signal", async () => {
    const { fetchLike, calls } = entry();
    const controller = new AbortController();
    await fetchLike("http://a.test/");
    await fetchLike("http://a.test/", { method: "POST", body: "x" });
    await fetchLike("http://a.test/", { signal: controller.signal });
    await fetchLike(new Request("http://a.test/"));
    await fetchLike("http://a.test/", { signal: null });
    assert.deepEqual(
      calls.map(({ request }) => abortSignalOf(request) === undefined),
      [true, true, false, false, true],
    );
    assert.equal(calls[2]!.request.signal.aborted, false);
    controller.abort();
    assert.equal(abortSignalOf(calls[2]!.request)?.aborted, true);
    const outside = new Request("http://a.test/");
    assert.equal(abortSignalOf(outside), outside.signal, "a request from elsewhere may abort");
  });

  it("cancels a stream body with the reason when the signal has already aborted", async () => {
    const { fetchLike, calls } = entry();
    const controller = new AbortController();
    const reason = new Error("gave up");
    controller.abort(reason);
    let cancelledWith: unknown = "not cancelled";
    const body = new ReadableStream<Uint8Array>({
      cancel(why) {
        cancelledWith = why;
      },
    });
    const init = { method: "POST", body, duplex: "half", signal: controller.signal };
    await assert.rejects(fetchLike("http://a.test/", init as RequestInit), reason);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(cancelledWith, reason);
    assert.equal(calls.length, 0);
  });

  it("rejects what fetch rejects", async () => {
    const { fetchLike } = entry();
    await assert.rejects(fetchLike("not a url"), TypeError);
  });

  it("rejects a Request input whose body was read or is locked, unless init gives a body, in both runtimes", async () => {
    const { fetchLike, calls } = entry();
    const used = new Request("http://a.test/", { method: "POST", body: "once" });
    await used.text();
    const unusable = { name: "TypeError", message: "Input request's body is unusable" };
    await assert.rejects(fetchLike(used), unusable);
    const locked = new Request("http://a.test/", { method: "POST", body: "locked" });
    locked.body!.getReader();
    await assert.rejects(fetchLike(locked), unusable);
    assert.equal(calls.length, 0);
    // The fetch standard only asks when the input's body is the one sent.
    await fetchLike(used, { body: "fresh" });
    assert.deepEqual(new TextDecoder().decode(calls[0]!.context.body as Uint8Array), "fresh");
  });

  it("converts an input that is not an object to a string, as WebIDL does", async () => {
    const { fetchLike } = entry();
    for (const input of [5, null, undefined]) {
      await assert.rejects(fetchLike(input as unknown as string), TypeError);
    }
    const { fetchLike: other, calls } = entry();
    await other({ toString: () => "http://a.test/x" } as unknown as string);
    assert.equal(calls[0]!.request.url, "http://a.test/x");
  });

  it("rejects an invalid URL, header name or header value with the same TypeError in both runtimes", async () => {
    // Bun's Request says `Failed to construct 'Request': ...` (a plain Error for ""), and
    // words header errors its own way; the words here are Deno's.
    const { fetchLike, calls } = entry();
    for (const input of ["nope", "/relative", "", "http://", "http://a b/", 42]) {
      await assert.rejects(fetchLike(input as string), {
        name: "TypeError",
        message: `Invalid URL: '${input}'`,
      });
    }
    await assert.rejects(fetchLike("http://a.test/", { headers: { "a b": "1" } }), {
      name: "TypeError",
      message: 'Invalid header name: "a b"',
    });
    await assert.rejects(fetchLike("http://a.test/", { headers: [["", "1"]] }), {
      name: "TypeError",
      message: 'Invalid header name: ""',
    });
    await assert.rejects(fetchLike("http://a.test/", { headers: { "x": "a\nb" } }), {
      name: "TypeError",
      message: 'Invalid header value: "a\nb"',
    });
    assert.equal(calls.length, 0);
    await fetchLike("http://a.test/", { headers: { "x": " padded\t" } });
    assert.equal(calls[0]!.request.headers.get("x"), "padded");
  });

  it("rejects methods that are not tokens, CONNECT, TRACE and TRACK, and GET or HEAD with a body, in both runtimes", async () => {
    // Bun's Request turns an invalid method into GET, lets the forbidden ones through and
    // sends a GET's body.
    const { fetchLike, calls } = entry();
    for (const method of ["BAD METHOD", "GET\r\nX-Injected: 1", "", "GÉT"]) {
      await assert.rejects(fetchLike("http://a.test/", { method }), {
        name: "TypeError",
        message: `'${method}' is not a valid HTTP method.`,
      });
    }
    for (const method of ["CONNECT", "trace", "Track"]) {
      await assert.rejects(fetchLike("http://a.test/", { method }), {
        name: "TypeError",
        message: `'${method}' HTTP method is unsupported.`,
      });
    }
    for (
      const [input, init] of [
        ["http://a.test/", { body: "x" }],
        ["http://a.test/", { method: "get", body: "x" }],
        ["http://a.test/", { method: "HEAD", body: new Uint8Array(1) }],
        [new Request("http://a.test/"), { body: "x" }],
      ] as [RequestInfo, RequestInit][]
    ) {
      await assert.rejects(fetchLike(input, init), {
        name: "TypeError",
        message: "Request with GET/HEAD method cannot have body.",
      });
    }
    assert.equal(calls.length, 0);
    await fetchLike("http://a.test/", { method: "GET", body: null });
    await fetchLike("http://a.test/", { method: "PROPFIND" });
    assert.equal(calls[1]!.request.method, "PROPFIND");
  });
  it("sends a custom method as given, or refuses it where the runtime's Request would send GET", async () => {
    // Bun's Request keeps only the methods of its own table and makes any other token GET.
    const { fetchLike, calls } = entry();
    for (const method of ["X-CUSTOM", "Foo", "BREW"]) {
      if (new Request("http://a.test/", { method }).method === method) {
        await fetchLike("http://a.test/", { method });
        assert.equal(calls.at(-1)!.request.method, method);
      } else {
        await assert.rejects(fetchLike("http://a.test/", { method }), {
          name: "TypeError",
          message: `'${method}' is a method this runtime's Request cannot carry: it would be ` +
            "sent as GET (oven-sh/bun#6021)",
        });
      }
    }
    // A method the runtime only changes the case of goes through.
    await fetchLike("http://a.test/", { method: "propfind" });
    assert.equal(calls.at(-1)!.request.method.toUpperCase(), "PROPFIND");
  });
  it("rejects an init that is not an object with the same TypeError in both runtimes", async () => {
    // Bun's Request ignored `ses.fetch(url, 5)` and sent a GET; Deno's refuses it (WebIDL).
    const { fetchLike, calls } = entry();
    for (const init of [5, "x", true]) {
      await assert.rejects(fetchLike("http://a.test/", init as RequestInit), {
        name: "TypeError",
        message: "Failed to construct 'Request': Argument 2 can not be converted to a dictionary",
      });
    }
    assert.equal(calls.length, 0);
    await fetchLike("http://a.test/", null as unknown as RequestInit);
    await fetchLike("http://a.test/", undefined);
    assert.equal(calls.length, 2);
  });
  it("converts a method that is not a string to one, as WebIDL's ByteString does, in both runtimes", async () => {
    // A number, null or an object with toString reached `.toUpperCase()` as it was given, and
    // the caller got "given.toUpperCase is not a function".
    const { fetchLike, calls } = entry();
    const post = { toString: () => "post" } as unknown as string;
    await fetchLike("http://a.test/", { method: post, body: "x" });
    assert.equal(calls.at(-1)!.request.method, "POST");
    await assert.rejects(
      fetchLike("http://a.test/", {
        method: { toString: () => "GET" } as unknown as string,
        body: "x",
      }),
      {
        name: "TypeError",
        message: "Request with GET/HEAD method cannot have body.",
      },
    );
    await assert.rejects(
      fetchLike("http://a.test/", { method: { toString: () => "A B" } as unknown as string }),
      {
        name: "TypeError",
        message: "'A B' is not a valid HTTP method.",
      },
    );
    for (const method of [5, null]) {
      const text = String(method);
      if (new Request("http://a.test/", { method: text }).method === text) {
        await fetchLike("http://a.test/", { method: method as unknown as string });
        assert.equal(calls.at(-1)!.request.method, text);
      } else {
        await assert.rejects(fetchLike("http://a.test/", { method: method as unknown as string }), {
          name: "TypeError",
          message: `'${text}' is a method this runtime's Request cannot carry: it would be ` +
            "sent as GET (oven-sh/bun#6021)",
        });
      }
    }
  });
});

describe("createFetchEntry request options", () => {
  it("carries cache, credentials, bypassCustomProtocolHandlers, priority and signal to the stages", async () => {
    const { fetchLike, calls } = entry();
    const controller = new AbortController();
    await fetchLike("http://a.test/", {
      cache: "no-store",
      credentials: "omit",
      priority: "high",
      signal: controller.signal,
      bypassCustomProtocolHandlers: true,
    } as RequestInit);
    const { context } = calls[0]!;
    assert.equal(context.cache, "no-store");
    assert.equal(context.credentials, "omit");
    assert.equal(context.priority, "high");
    assert.equal(context.bypassCustomProtocolHandlers, true);
    assert.equal(context.signal, calls[0]!.request.signal);
    controller.abort();
    assert.equal(context.signal?.aborted, true);
  });

  it("uses fetch's defaults when the caller set none", async () => {
    const { fetchLike, calls } = entry();
    await fetchLike("http://a.test/");
    const { context } = calls[0]!;
    assert.equal(context.cache, "default");
    assert.equal(context.credentials, "same-origin");
    assert.equal(context.priority, "auto");
    assert.equal(context.bypassCustomProtocolHandlers, false);
    assert.equal(context.signal, undefined, "no caller signal: nothing can abort");
  });

  it("reads credentials from a Request input when init has none", async () => {
    const { fetchLike, calls } = entry();
    await fetchLike(new Request("http://a.test/", { credentials: "include" }));
    assert.equal(calls[0]!.context.credentials, "include");
  });
});

describe("createFetchEntry cache mode", () => {
  it("rejects only-if-cached without same-origin mode, in both runtimes, as the fetch standard", async () => {
    const { fetchLike, calls } = entry();
    const message = /only-if-cached.*same-origin/;
    await assert.rejects(fetchLike("http://a.test/", { cache: "only-if-cached" }), {
      name: "TypeError",
      message,
    });
    await assert.rejects(
      fetchLike("http://a.test/", { cache: "only-if-cached", mode: "cors" }),
      { name: "TypeError", message },
    );
    assert.equal(calls.length, 0);
    await fetchLike("http://a.test/", { cache: "only-if-cached", mode: "same-origin" });
    assert.equal(calls[0]!.context.cache, "only-if-cached");
  });

  it("rejects a cache mode that is none of the six with the same TypeError in both runtimes", async () => {
    // Bun's Request took null as "default" and worded the others its own way.
    const { fetchLike, calls } = entry();
    for (const value of ["bogus", "", "RELOAD", null, 5]) {
      await assert.rejects(fetchLike("http://a.test/", { cache: value as RequestCache }), {
        name: "TypeError",
        message: `Failed to construct 'Request': The provided value '${
          String(value)
        }' is not a valid enum value of type RequestCache`,
      });
    }
    assert.equal(calls.length, 0);
    await fetchLike("http://a.test/", { cache: undefined });
    assert.equal(calls[0]!.context.cache, "default");
  });

  it("rejects a credentials mode or priority that is none of the enum's with the same TypeError in both runtimes", async () => {
    // Bun's Request keeps neither, so `credentials: "OMIT"` (a typo) went on as the context's
    // mode, and cookies were sent and stored as without it; Deno's Request refuses it.
    const { fetchLike, calls } = entry();
    for (const value of ["bogus", "", "OMIT", null, 5]) {
      await assert.rejects(
        fetchLike("http://a.test/", { credentials: value as RequestCredentials }),
        {
          name: "TypeError",
          message: `Failed to construct 'Request': The provided value '${
            String(value)
          }' is not a valid enum value of type RequestCredentials`,
        },
      );
      await assert.rejects(fetchLike("http://a.test/", { priority: value as RequestPriority }), {
        name: "TypeError",
        message: `Failed to construct 'Request': The provided value '${
          String(value)
        }' is not a valid enum value of type RequestPriority`,
      });
    }
    assert.equal(calls.length, 0);
    await fetchLike("http://a.test/", { credentials: "omit", priority: "low" });
    assert.equal(calls[0]!.context.credentials, "omit");
    assert.equal(calls[0]!.context.priority, "low");
  });
});
