/**
 * The reference peer process (Deno): the kernel adapter behind JSON lines
 * on stdin and stdout. Started by `startPeer` (client.ts) as a child of the
 * column process, with `--allow-ffi` alone:
 *
 * ```sh
 * deno run --no-config --allow-ffi peer/main.ts --parent=<column pid>
 * ```
 *
 * It lives exactly as long as the column process: the kernel SIGKILLs it
 * when its parent dies (PR_SET_PDEATHSIG), whatever killed the parent, and
 * it exits when its stdin ends (the column closed it, or the column is
 * gone). Its first line is `{"ready":{...}}`; then one response per request.
 *
 * @module
 */
import { probeColumnView } from "./_kernel_view.ts";
import { serve } from "./_serve.ts";
import { dieWithParent, parentPid } from "./_sys.ts";

function fail(message: string): never {
  console.error(`reference peer: ${message}`);
  Deno.exit(2);
}

function parentArg(): number {
  const arg = Deno.args.find((a) => a.startsWith("--parent="));
  const pid = Number(arg?.slice("--parent=".length));
  if (Deno.args.length !== 1 || !Number.isInteger(pid) || pid <= 0) {
    fail(`usage: main.ts --parent=<pid of the column process>; got ${JSON.stringify(Deno.args)}`);
  }
  return pid;
}

const parent = parentArg();
// The signal comes when the thread that spawned this process ends: Node, Deno and Bun spawn from their
// main thread, which lives as long as the column process (measured: a peer idle for 13 s stays).
dieWithParent();
// The parent may have died before the signal was asked for: then no signal comes.
if (parentPid() !== parent) Deno.exit(1);

const encoder = new TextEncoder();
const out = Deno.stdout.writable.getWriter();
const send = (line: string) => {
  out.write(encoder.encode(`${line}\n`)).catch(() => Deno.exit(1)); // the column stopped reading
};

send(JSON.stringify({ ready: { pid: Deno.pid, columnView: probeColumnView(parent) } }));

const handle = serve(send, parent);
const take = (line: string) => {
  if (!line) return;
  try {
    handle(line);
  } catch (err) {
    fail(`bad request line (${(err as Error).message}): ${line.slice(0, 200)}`);
  }
};
// A line (a large write's base64) may span many chunks: its parts are joined once, at its end.
let parts: string[] = [];
for await (const text of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  let start = 0;
  for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
    parts.push(text.slice(start, end));
    take(parts.join(""));
    parts = [];
    start = end + 1;
  }
  if (start < text.length) parts.push(text.slice(start));
}
// stdin ended: the column closed it or is gone. The kernel closes every socket.
Deno.exit(0);
