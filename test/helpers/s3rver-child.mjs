// s3rver in a process of its own, for test/helpers/s3.ts. Its own process because s3rver makes
// ListObjectsV2 continuation tokens with DES, which Node 17+ (OpenSSL 3) only has with
// --openssl-legacy-provider: without it any listing longer than a page fails with a 500.
// Env: S3RVER_DIR, S3RVER_BUCKET. Prints {"port":N} once listening; exits when stdin closes
// (the test process ended, however it ended).
import S3rver from "s3rver";

const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory: process.env.S3RVER_DIR,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET, configs: [] }],
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
