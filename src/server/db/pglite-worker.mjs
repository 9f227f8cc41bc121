// The embedded database's thread (see pglite-thread.ts): one PGlite instance, answering the
// statements its clients send. Plain JavaScript: it needs nothing but PGlite, and Node starts it
// the same way under every runner.
import { parentPort as port, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

const { dir, textOids } = workerData;
// Types drizzle maps itself stay text (client.ts: DRIZZLE_PARSERS).
const parsers = Object.fromEntries(textOids.map((oid) => [oid, (value) => value]));

const transactions = new Map();
let nextTransaction = 1;

// A structured clone keeps only an Error's message and name; PostgreSQL's fields (code, detail,
// constraint…) travel as plain properties.
const asMessage = (error) => ({ ...error, name: error?.name, message: error?.message ?? String(error) });

let db;
try {
  db = await PGlite.create(dir, { parsers });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: asMessage(error) });
  throw error;
}

/**
 * Opens a transaction that stays open until an "end" message (or its client going away) settles
 * it: PGlite commits when the callback resolves and rolls back when it rejects.
 */
function begin(id, reply, fail, mine) {
  const handle = nextTransaction++;
  const open = { tx: null, settle: null, done: null };
  const ended = new Promise((resolve, reject) => (open.settle = { resolve, reject }));
  transactions.set(handle, open);
  mine.add(handle);
  open.done = db.transaction((tx) => {
    open.tx = tx;
    reply(id, handle);
    return ended;
  });
  open.done.then(forget, (error) => {
    forget();
    if (!open.tx) fail(id, error); // BEGIN itself failed; otherwise "end" reports it
  });
  function forget() {
    transactions.delete(handle);
    mine.delete(handle);
  }
}

const target = (transaction) => {
  if (transaction === undefined) return db;
  const tx = transactions.get(transaction)?.tx;
  if (!tx) throw new Error(`transaction ${transaction} is not open`);
  return tx;
};

/**
 * Answers one client's messages: the app's thread (parentPort, which alone may close the database)
 * or another thread connected through a port of its own.
 */
function serve(port, owner) {
  const reply = (id, result) => port.postMessage({ id, ok: true, result });
  const fail = (id, error) => port.postMessage({ id, ok: false, error: asMessage(error) });
  // A client that goes away (its thread ended) must not leave a transaction holding the database.
  const mine = new Set();
  port.on("close", () => {
    for (const handle of mine) transactions.get(handle).settle.reject(new Error("the client went away"));
  });
  port.on("message", async (m) => {
    try {
      switch (m.op) {
        case "query":
          return reply(m.id, await target(m.tx).query(m.text, m.params, m.options));
        case "exec":
          return reply(m.id, await target(m.tx).exec(m.text, m.options));
        case "begin":
          return begin(m.id, reply, fail, mine);
        case "end": {
          const open = transactions.get(m.tx);
          if (!open) throw new Error(`transaction ${m.tx} is not open`);
          const rollback = new Error("rolled back");
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
        case "connect":
          serve(m.port, false);
          return reply(m.id, null);
        case "close":
          if (!owner) throw new Error("only the app's thread closes the database");
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
}

serve(port, true);
