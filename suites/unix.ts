/**
 * Unix-domain sockets: stream echo and half-close, what bind and connect do
 * with the socket file, and datagrams. Every path is in a fresh directory
 * of the case's own, removed afterwards.
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync, linkSync, lstatSync, readdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import { bytes, readExactly, readToEnd, settle, shown, text, TOO_LONG_NAME, withUnixDir } from "./helpers.ts";

export const echo = defineCase({
  id: "unix.stream.echo",
  title: "a Unix stream socket connects to a listening path and echoes",
  semantic:
    "A SOCK_STREAM socket bound to a path and listening accepts a client that connects to that path; bytes flow both ways as on TCP, and the listener's address is its path.",
  reference: "UNP 15.2 (sockaddr_un), 15.4, 15.5 (Unix domain stream client/server); Linux unix(7)",
  requires: { capabilities: ["unixStream"] },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      const listener = await net.unix!.listen(path("a.sock"));
      try {
        ctx.observe("listener", `${listener.addr.family} ${listener.addr.path}`);
        assert.equal(listener.addr.family, "Unix");
        assert.equal(listener.addr.path, path("a.sock"));
        const client = await net.unix!.connect(path("a.sock"));
        const server = await listener.accept();
        try {
          assert.ok(server, "accept returned no connection");
          await client.write(bytes("hello"));
          assert.equal(text(await readExactly(server, 5)), "hello");
          await server.write(bytes("back"));
          assert.equal(text(await readExactly(client, 4)), "back");
        } finally {
          await Promise.all([client.close(), server?.close()]);
        }
      } finally {
        await listener.close();
      }
    });
  },
});

export const halfClose = defineCase({
  id: "unix.stream.half-close",
  title: "shutdown(SHUT_WR) on a Unix stream socket: the peer reads EOF and still replies",
  semantic:
    "shutdown(SHUT_WR) works on Unix stream sockets as on TCP: the peer reads the request then EOF, and its reply still reaches the half-closed side, which then reads EOF when the peer closes.",
  reference: "UNP 6.6 (shutdown), 15.4; POSIX shutdown(); Linux unix(7)",
  requires: { capabilities: ["unixStream", "halfClose"] },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      const listener = await net.unix!.listen(path("a.sock"));
      const client = await net.unix!.connect(path("a.sock"));
      const server = await listener.accept();
      try {
        assert.ok(server, "accept returned no connection");
        await client.write(bytes("request"));
        await client.closeWrite!();
        const request = await readToEnd(server);
        ctx.observe("server read", `${text(request.data)} then EOF`);
        assert.equal(text(request.data), "request");
        await server.write(bytes("reply"));
        await server.close();
        const reply = await readToEnd(client);
        ctx.observe("client read", `${text(reply.data)} then EOF`);
        assert.equal(text(reply.data), "reply");
      } finally {
        await Promise.all([client.close(), server?.close()]);
        await listener.close();
      }
    });
  },
});

export const addrInUse = defineCase({
  id: "unix.stream.addr-in-use",
  title: "listening on a path that exists fails with EADDRINUSE",
  semantic:
    "bind() creates the socket file and fails with EADDRINUSE if anything exists at the path: another listener's socket file, a stale one, or a regular file. The kernel never removes what is there.",
  reference: "UNP 15.4 (bind: the pathname must not exist); POSIX bind() [EADDRINUSE]; Linux unix(7)",
  requires: { capabilities: ["unixStream"] },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      const first = await net.unix!.listen(path("a.sock"));
      try {
        await rejectsWith(ctx, "listen on a listener's path", net.unix!.listen(path("a.sock")), "EADDRINUSE");
      } finally {
        await first.close();
      }
      // The stale file is left only where closing keeps it, as the kernel does (unix.stream.cleanup checks that).
      if (existsSync(path("a.sock"))) {
        await rejectsWith(ctx, "listen on a stale socket file", net.unix!.listen(path("a.sock")), "EADDRINUSE");
      } else {
        ctx.observe("listen on a stale socket file", "not checked: closing the listener removed its file");
      }
      writeFileSync(path("file.sock"), "not a socket");
      await rejectsWith(ctx, "listen on a regular file", net.unix!.listen(path("file.sock")), "EADDRINUSE");
      assert.equal(lstatSync(path("file.sock")).isFile(), true, "the regular file was replaced");
    });
  },
});

export const refused = defineCase({
  id: "unix.stream.refused",
  title: "connect: ENOENT for a missing path, ECONNREFUSED for a socket file with no listener",
  semantic:
    "connect() to a path that does not exist fails with ENOENT; to a socket file whose listener has closed (the file stays behind) it fails with ECONNREFUSED, and on Linux so does a connect to a path that is not a socket at all (a regular file).",
  reference: "UNP 15.4 (connect), 15.5; Linux unix(7) (ERRORS: ECONNREFUSED: the remote address is not a listening socket; ENOENT); POSIX connect()",
  requires: { capabilities: ["unixStream"] },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      await rejectsWith(ctx, "connect to a missing path", net.unix!.connect(path("missing.sock")), "ENOENT");
      writeFileSync(path("file.sock"), "not a socket");
      await rejectsWith(ctx, "connect to a regular file", net.unix!.connect(path("file.sock")), "ECONNREFUSED");
      const listener = await net.unix!.listen(path("a.sock"));
      await listener.close();
      ctx.observe("socket file after close", existsSync(path("a.sock")) ? "left" : "removed");
      await rejectsWith(ctx, "connect to a closed listener's path", net.unix!.connect(path("a.sock")), "ECONNREFUSED");
    });
  },
});

export const cleanup = defineCase({
  id: "unix.stream.cleanup",
  title: "closing a Unix listener leaves its socket file",
  semantic:
    "The socket file bind() created stays after the listening socket is closed, until someone unlink()s it; the kernel never removes it. (Servers unlink the path before bind or after close themselves.)",
  reference: "UNP 15.4 (the pathname is not removed by close: unlink it); Linux unix(7) (the caller must unlink the socket file)",
  requires: { capabilities: ["unixStream"] },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      const listener = await net.unix!.listen(path("a.sock"));
      assert.equal(lstatSync(path("a.sock")).isSocket(), true, "no socket file while listening");
      await listener.close();
      const left = existsSync(path("a.sock"));
      ctx.observe("socket file after close", left ? "left" : "removed");
      assert.equal(left, true, "closing the listener removed its socket file");
    });
  },
});

export const dgramSendRecv = defineCase({
  id: "unix.dgram.send-recv",
  title: "Unix datagrams arrive whole, in order, with the sender's path",
  semantic:
    "A SOCK_DGRAM socket bound to a path receives each datagram sent to that path as one message (boundaries kept, an empty one included, in order: Unix datagrams are reliable), and recvfrom() reports the sender's bound path.",
  reference: "UNP 15.6 (Unix domain datagram client/server); Linux unix(7)",
  requires: { capabilities: ["unixDgram"] },
  differsOn: { win32: "Windows' AF_UNIX has stream sockets only, no SOCK_DGRAM" },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      const receiver = await net.unix!.bindDatagram!(path("a.sock"));
      const sender = await net.unix!.bindDatagram!(path("b.sock"));
      try {
        for (const message of ["one", "", "three!"]) await sender.send(bytes(message), { path: path("a.sock") });
        const got: string[] = [];
        for (let i = 0; i < 3; i++) {
          const d = await receiver.receive();
          assert.ok(d, "receive returned null");
          got.push(text(d.data));
          assert.equal(d.from.family, "Unix");
          assert.equal(d.from.path, path("b.sock"));
        }
        ctx.observe("received", got);
        assert.deepEqual(got, ["one", "", "three!"]);
      } finally {
        await Promise.all([receiver.close(), sender.close()]);
      }
    });
  },
});

export const bindOverStaleFile = defineCase({
  id: "unix.stream.bind-over-stale-file",
  title: "listening on a stale socket file fails with EADDRINUSE and leaves the file",
  semantic:
    "A socket file whose socket is gone, as a server that exits without unlinking leaves it, stays until someone unlink()s it: bind() on its path fails with EADDRINUSE and the file is still there, still a socket. The kernel never removes it, and an API must not remove it for the caller. (Here the stale file is a second name, made with link(), for a listener's socket file: after the listener closes, nothing is bound to it, whatever the API did with the first name.)",
  reference: "UNP 15.4 (bind: the pathname must not exist; unlink first); POSIX bind() [EADDRINUSE]; Linux unix(7), link(2)",
  requires: { capabilities: ["unixStream"] },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      const listener = await net.unix!.listen(path("a.sock"));
      try {
        linkSync(path("a.sock"), path("b.sock"));
      } finally {
        await listener.close();
      }
      assert.equal(lstatSync(path("b.sock")).isSocket(), true, "the second name is not a socket file");
      await rejectsWith(ctx, "listen on the stale file", net.unix!.listen(path("b.sock")), "EADDRINUSE");
      const left = existsSync(path("b.sock")) && lstatSync(path("b.sock")).isSocket();
      ctx.observe("stale file afterwards", left ? "still there" : "removed");
      assert.ok(left, "the failed listen removed the stale socket file");
    });
  },
});

export const abstract = defineCase({
  id: "unix.stream.abstract",
  title: "a Linux abstract name (leading NUL) listens and connects, and makes no file",
  semantic:
    "On Linux, a sun_path whose first byte is NUL names a socket in the abstract namespace: bind() makes no file anywhere, a client connecting to the same name reaches the listener, and data flows. Here the name after the NUL is the path of a file in the case's directory, which stays empty.",
  reference: "Linux unix(7) (abstract sockets)",
  requires: { capabilities: ["unixStream", "unixAbstract"] },
  differsOn: {
    darwin: "the abstract namespace is Linux only",
    freebsd: "the abstract namespace is Linux only",
    win32: "the abstract namespace is Linux only",
  },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      const name = `\0${path("a.sock")}`;
      const listener = await net.unix!.listen(name);
      try {
        ctx.observe("listener's path", JSON.stringify(listener.addr.path));
        const client = await net.unix!.connect(name);
        const server = await listener.accept();
        try {
          assert.ok(server, "accept returned no connection");
          await client.write(bytes("abs"));
          assert.equal(text(await readExactly(server, 3)), "abs");
        } finally {
          await Promise.all([client.close(), server?.close()]);
        }
        const files = readdirSync(dirname(path("a.sock")));
        ctx.observe("files made", files.length ? files : "none");
        assert.deepEqual(files, [], "listening on an abstract name made a file");
      } finally {
        await listener.close();
      }
    });
  },
});

export const pathTooLong = defineCase({
  id: "unix.stream.path-too-long",
  title: "a path longer than sun_path fails with EINVAL, never cut short",
  semantic:
    "sun_path holds 108 bytes: bind() and connect() with a longer path fail with EINVAL (Linux checks the address length), and nothing is bound or reached at a shortened path: no file appears in the directory.",
  reference: "Linux unix(7) (sun_path: 108 bytes; EINVAL: invalid address length); UNP 15.2 (sockaddr_un)",
  requires: { capabilities: ["unixStream"] },
  async run(net, ctx) {
    await withUnixDir(ctx, async (path) => {
      const long = path(TOO_LONG_NAME);
      ctx.observe("path length", `${new TextEncoder().encode(long).byteLength} bytes`);
      const connect = await settle(net.unix!.connect(long));
      ctx.observe("connect", connect.ok ? "connected" : shown(connect));
      if (connect.ok) await connect.value.close();
      const listen = await settle(net.unix!.listen(long));
      ctx.observe("listen", listen.ok ? "listening" : shown(listen));
      const files = readdirSync(dirname(long));
      ctx.observe("files made", files.length ? files.map((f) => `${f.length}-byte name`) : "none");
      if (listen.ok) await listen.value.close();
      assert.ok(!connect.ok && connect.error.code === "EINVAL", `connect ${connect.ok ? "connected" : `gave ${shown(connect)}`}, expected EINVAL`);
      assert.ok(!listen.ok && listen.error.code === "EINVAL", `listen ${listen.ok ? "succeeded" : `gave ${shown(listen)}`}, expected EINVAL`);
      assert.deepEqual(files, [], "a socket file was made at a shortened path");
    });
  },
});
