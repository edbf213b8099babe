/**
 * A `node --test` reporter that prints each failure the moment it happens:
 * its name, file and the first lines of its error. Used beside the dot
 * reporter (scripts/test.sh), so a run that is cut short (a hang, a CI time
 * limit) still shows what failed before it, not only a row of X marks.
 */
const MAX_LINES = 12;

export default async function* failuresReporter(source) {
  for await (const event of source) {
    if (event.type !== "test:fail") continue;
    const { name, file, details } = event.data;
    const error = details?.error;
    const cause = error?.cause ?? error;
    const text = String(cause?.stack ?? cause?.message ?? cause ?? "no error given");
    const lines = text.split("\n").slice(0, MAX_LINES).map((line) => `    ${line}`);
    yield `\nFAILED: ${name}\n  in ${file ?? "?"}\n${lines.join("\n")}\n`;
  }
}
