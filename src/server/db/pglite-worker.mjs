// The embedded database's thread (see pglite-thread.ts): one PGlite instance, answering the
// queries the app's thread sends. Plain JavaScript: it needs nothing but
// PGlite, and Node starts it the same way under every runner.
import { parentPort as port, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

const { dir, textOids } = workerData;
// Types drizzle maps itself stay text (client.ts: DRIZZLE_PARSERS).
const parsers = Object.fromEntries(textOids.map((oid) => [oid, (value) => value]));

const transactions = new Map();
let nextTransaction = 1;

const reply = (id, result) => port.postMessage({ id, ok: true, result });
// A structured clone keeps only an Error's message and name; PostgreSQL's fields (code, detail,
// constraint…) travel as plain properties.
const fail = (id, error) => port.postMessage({ id, ok: false, error: { ...error, name: error?.name, message: error?.message ?? String(error) } });

let db;
try {
  db = await PGlite.create(dir, { parsers });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: { message: error?.message ?? String(error) } });
  throw error;
}

/**
 * Opens a transaction that stays open until an "end" message settles it: PGlite commits when the
 * callback resolves and rolls back when it rejects.
 */
function begin(id) {
  const handle = nextTransaction++;
  let settle;
  const ended = new Promise((resolve, reject) => (settle = { resolve, reject }));
  let opened = false;
  const done = db.transaction((tx) => {
    opened = true;
    transactions.set(handle, { tx, settle, done });
    reply(id, handle);
    return ended;
  });
  done.then(
    () => transactions.delete(handle),
    (error) => {
      transactions.delete(handle);
      if (!opened) fail(id, error); // BEGIN itself failed; otherwise "end" reports it
    },
  );
}

const target = (transaction) => {
  if (transaction === undefined) return db;
  const open = transactions.get(transaction);
  if (!open) throw new Error(`transaction ${transaction} is not open`);
  return open.tx;
};

port.on("message", async (m) => {
  try {
    switch (m.op) {
      case "query":
        return reply(m.id, await target(m.tx).query(m.text, m.params, m.options));
      case "exec":
        return reply(m.id, await target(m.tx).exec(m.text, m.options));
      case "begin":
        return begin(m.id);
      case "end": {
        const open = transactions.get(m.tx);
        if (!open) throw new Error(`transaction ${m.tx} is not open`);
        const rollback = Object.assign(new Error("rolled back"), { rolledBackOnPurpose: true });
        if (m.commit) open.settle.resolve();
        else open.settle.reject(rollback);
        try {
          await open.done;
        } catch (error) {
          if (error !== rollback) throw error;
        }
        return reply(m.id, null);
      }
      case "listen":
        await db.listen(m.channel, (payload) => port.postMessage({ channel: m.channel, payload }));
        return reply(m.id, null);
      case "close":
        await db.close();
        reply(m.id, null);
        return port.close();
      default:
        throw new Error(`unknown op ${m.op}`);
    }
  } catch (error) {
    fail(m.id, error);
  }
});
