/**
 * Import first (before anything that reads the environment): turns the face check off for this
 * test file's process (the workflow reads it from process.env; also give the test app
 * `env: { FACE_CHECK: "off" }`, which the tRPC context uses). For suites about other things
 * (authorization, intake sanitising, workflow chaos) whose synthetic photos have no detectable
 * face; the face check has tests of its own.
 */
process.env.FACE_CHECK = "off";
export {};
