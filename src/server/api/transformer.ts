import superjson from "superjson";

/**
 * superjson, except that an output marked immutable (a cached, frozen result shared by many
 * requests, e.g. avatar.list's tiles) is serialized once and its serialized form reused: same
 * bytes on the wire, so the client keeps plain superjson.
 */
type Serialized = ReturnType<typeof superjson.serialize>;
const immutable = new WeakSet<object>();
const serialized = new WeakMap<object, Serialized>();

export function markImmutable<T extends object>(value: T): T {
  immutable.add(value);
  return value;
}

export const transformer = {
  input: superjson,
  output: {
    serialize(value: unknown): Serialized {
      if (typeof value !== "object" || value === null || !immutable.has(value)) return superjson.serialize(value);
      let out = serialized.get(value);
      if (!out) serialized.set(value, (out = superjson.serialize(value)));
      return out;
    },
    deserialize: <T>(value: Serialized) => superjson.deserialize<T>(value),
  },
};
