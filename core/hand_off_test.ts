/** The hand-off kit: requests matched to replies, and a child's exit ending what it left unanswered. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Conn, Listener } from "./adapter.ts";
import { ApiMissingError, SocketError } from "./errors.ts";
import { type ChildLink, type HandOffReply, type HandOffRequest, startChild } from "./hand_off.ts";
import { echoUpper } from "./hand_off_child.ts";

/** A link whose child answers through `answer`, and exits when killed. */
function fakeLink(answer: (request: HandOffRequest, handle: unknown) => HandOffReply | undefined) {
  let receive: (message: unknown) => void = () => {};
  let exit!: (how: string) => void;
  const posted: { request: HandOffRequest; handle: unknown }[] = [];
  const link: ChildLink = {
    pid: 42,
    post(request, handle) {
      posted.push({ request, handle });
      const reply = answer(request, handle);
      if (reply) queueMicrotask(() => receive(reply));
      return Promise.resolve();
    },
    onMessage(r) {
      receive = r;
      queueMicrotask(() => receive({ ready: 42 }));
    },
    exited: new Promise((resolve) => exit = resolve),
    kill: () => exit("exited (SIGKILL)"),
  };
  return { link, posted, exit: (how: string) => exit(how) };
}

const handles = { conn: () => "conn-handle", listener: () => "listener-handle" };

test("a handed connection travels with its hold request, and each instruction gets its own reply", async () => {
  const fake = fakeLink((request) => ({ id: request.id, ok: true, value: request.op === "echoUpper" ? 3 : undefined }));
  const child = await startChild(fake.link, handles);
  const held = await child.sendConn({} as Conn);
  assert.equal(await held.echoUpper(), 3);
  await held.closeWrite();
  assert.deepEqual(fake.posted.map((p) => [p.request.op, p.handle]), [["hold", "conn-handle"], ["echoUpper", undefined], ["closeWrite", undefined]]);
  await child.close();
});

test("the child's error comes back as the SocketError it was", async () => {
  const fake = fakeLink((request) =>
    request.op === "hold"
      ? { id: request.id, ok: true }
      : { id: request.id, ok: false, error: { op: "closeWrite", code: "ENOTCONN", raw: { class: "Errno", message: "shutdown failed" } } }
  );
  const child = await startChild(fake.link, handles);
  const held = await child.sendConn({} as Conn);
  await assert.rejects(held.closeWrite(), (err) => err instanceof SocketError && err.code === "ENOTCONN");
  await child.close();
});

test("a request the child never answers fails when it exits, and a held socket then closes at once", async () => {
  const fake = fakeLink((request) => request.op === "hold" ? { id: request.id, ok: true } : undefined);
  const child = await startChild(fake.link, handles);
  const held = await child.sendListener({} as Listener);
  const accepted = held.accepted();
  fake.exit("exited (code 1): boom");
  await assert.rejects(accepted, (err) => err instanceof SocketError && /the child exited \(code 1\): boom/.test(err.message));
  await held.close();
  await child.close();
});

test("a child that exits before it is ready is not returned", async () => {
  let exit!: (how: string) => void;
  const link: ChildLink = {
    pid: 1,
    post: () => Promise.resolve(),
    onMessage() {},
    exited: new Promise((resolve) => exit = resolve),
    kill() {},
  };
  const starting = startChild(link, handles);
  exit("exited (code 2): cannot load");
  await assert.rejects(starting, /cannot load/);
});

test("the child's echo writes each line back upper-cased and closes at EOF", async () => {
  const chunks = ["hel", "lo\nwor", "ld\nend"].map((t) => new TextEncoder().encode(t));
  const written: string[] = [];
  let closed = false;
  const conn = {
    read: () => Promise.resolve(chunks.shift() ?? null),
    write: (data: Uint8Array) => (written.push(new TextDecoder().decode(data)), Promise.resolve()),
    close: () => (closed = true, Promise.resolve()),
  } as unknown as Conn;
  assert.equal(await echoUpper(conn), 2);
  assert.deepEqual(written, ["HELLO\n", "WORLD\n", "END"]);
  assert.ok(closed);
});

test("a socket the API dropped on its way to the child is an API it lacks, not a socket error", async () => {
  const fake = fakeLink((request) => ({
    id: request.id,
    ok: false,
    error: { op: "child", code: "UNKNOWN", raw: { class: "HandleDropped", message: "the message arrived without the socket sent with it" } },
  }));
  const child = await startChild(fake.link, handles);
  await assert.rejects(child.sendConn({} as Conn), (err) => err instanceof ApiMissingError && /passing a socket to a child/.test(err.message));
  await child.close();
});
