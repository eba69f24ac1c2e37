// Shared memory segments through the addon: create/open/unlink, mode, real SharedArrayBuffers,
// sharing across threads and processes, and the errors for missing names and a full /dev/shm.
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { after, afterEach, describe, test } from "node:test";

import { EtherError } from "../../src/errors.js";
import { listSegments, SHM_DIR, shmCreate, shmOpen, shmUnlink } from "../../src/native/platform.js";
import { forkChild, Segments, startWorker, type Peer } from "./support.js";

const T = { timeout: 20_000 };
const segments = new Segments("shm");
const peers: Peer[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.kill();
});
after(() => {
  segments.cleanup();
  assert.deepEqual(segments.present(), [], "every test segment is gone from /dev/shm");
});

function expectShmError(fn: () => unknown, ...fragments: string[]): EtherError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof EtherError, `expected an EtherError, got ${e}`);
    assert.equal(e.code, "ERR_ETHER_SHM");
    for (const fragment of fragments) assert.ok(e.message.includes(fragment), `"${e.message}" lacks "${fragment}"`);
    return e;
  }
  assert.fail("expected an error");
}

describe("shared memory segments", () => {
  test("create, open, unlink round trip", T, () => {
    const name = segments.name();
    const a = shmCreate(name, 65536);
    assert.equal(a.byteLength, 65536);
    assert.ok(listSegments("/").includes(name));
    const b = shmOpen(name);
    assert.equal(b.byteLength, 65536);
    new Uint32Array(a)[100] = 0xdeadbeef;
    assert.equal(new Uint32Array(b)[100], 0xdeadbeef, "two mappings of one segment see the same bytes");
    assert.equal(shmUnlink(name), true);
    assert.equal(shmUnlink(name), false, "unlinking an absent segment returns false");
    assert.ok(!listSegments("/").includes(name));
    new Uint32Array(b)[101] = 7; // mappings outlive the name
    assert.equal(new Uint32Array(a)[101], 7);
  });

  test("a new segment is zeroed and exactly the size asked for", T, () => {
    const name = segments.name();
    try {
      const sab = shmCreate(name, 5000);
      assert.equal(sab.byteLength, 5000);
      assert.ok(new Uint8Array(sab).every((b) => b === 0));
      assert.equal(statSync(`${SHM_DIR}${name}`).size, 5000);
    } finally {
      shmUnlink(name);
    }
  });

  test("mode is 0600", T, () => {
    const name = segments.name();
    try {
      shmCreate(name, 4096);
      const st = statSync(`${SHM_DIR}${name}`);
      assert.equal(st.mode & 0o777, 0o600);
      assert.equal(st.uid, process.getuid!());
    } finally {
      shmUnlink(name);
    }
  });

  test("the buffer is a real SharedArrayBuffer: Atomics.wait works on it in a worker", T, async () => {
    const name = segments.name();
    try {
      const sab = shmCreate(name, 4096);
      assert.ok(sab instanceof SharedArrayBuffer);
      assert.equal(Object.prototype.toString.call(sab), "[object SharedArrayBuffer]");
      const worker = startWorker("atomics", { sab });
      peers.push(worker);
      const reply = await worker.next();
      assert.deepEqual(reply, { type: "atomics", result: "timed-out", shared: true });
      assert.equal(Atomics.load(new Int32Array(sab), 1), 77, "the worker wrote into the same memory");
    } finally {
      shmUnlink(name);
    }
  });

  test("a mapping made in a worker outlives the worker once posted to the main thread", T, async () => {
    const worker = startWorker("create-and-post", { name: segments.name() });
    peers.push(worker);
    const { sab } = (await worker.next()) as unknown as { sab: SharedArrayBuffer };
    assert.equal(await worker.exited, 0);
    assert.ok(sab instanceof SharedArrayBuffer);
    const u8 = new Uint8Array(sab);
    assert.equal(u8[100], 0x5a);
    u8[8191] = 1; // still mapped, writable to the last byte
    assert.equal(u8[8191], 1);
  });

  test("data written in one process is seen in another, both ways", T, async () => {
    const name = segments.name();
    try {
      const u8 = new Uint8Array(shmCreate(name, 8192));
      for (let i = 0; i < 256; i++) u8[i] = i;
      const child = forkChild("read-write", [name]);
      peers.push(child);
      assert.deepEqual(await child.next(), { type: "read", ok: true, byteLength: 8192 });
      assert.equal(await child.exited, 0);
      for (let i = 0; i < 256; i++) assert.equal(u8[4096 + i], 255 - i);
    } finally {
      shmUnlink(name);
    }
  });

  test("a segment created by a child is opened by the parent", T, async () => {
    const name = segments.name();
    try {
      const child = forkChild("create", [name]);
      peers.push(child);
      assert.deepEqual(await child.next(), { type: "created", native: true });
      assert.equal(await child.exited, 0);
      const u8 = new Uint8Array(shmOpen(name));
      assert.equal(u8.byteLength, 8192);
      assert.equal(u8[8191], 0xab);
    } finally {
      shmUnlink(name);
    }
  });

  test("opening a missing segment names it and says why", T, () => {
    const name = segments.name("missing");
    const e = expectShmError(() => shmOpen(name), name, "ENOENT", "open");
    assert.equal(e.details["name"], name);
    assert.equal((e.cause as { code?: string }).code, "ENOENT");
  });

  test("creating an existing name fails and leaves the original intact", T, () => {
    const name = segments.name();
    try {
      const sab = shmCreate(name, 4096);
      new Uint8Array(sab)[0] = 1;
      expectShmError(() => shmCreate(name, 4096), name, "EEXIST", "already exists");
      assert.equal(new Uint8Array(shmOpen(name))[0], 1);
    } finally {
      shmUnlink(name);
    }
  });

  test("an absurd size fails at creation, names name and size, leaves nothing behind", T, () => {
    const name = segments.name("huge");
    const size = 2 ** 40; // 1 TiB: more than /dev/shm holds, so posix_fallocate refuses
    expectShmError(() => shmCreate(name, size), name, String(size), "/dev/shm is too small");
    assert.ok(!listSegments("/").includes(name), "the half-made segment was unlinked");
  });

  test("bad names and sizes are rejected before any system call", T, () => {
    for (const bad of ["", "noslash", "/", "/a/b", "/sp ace", `/${"x".repeat(255)}`]) {
      assert.throws(() => shmCreate(bad, 4096), { code: "ERR_ETHER_INVALID_OPTION" });
      assert.throws(() => shmOpen(bad), { code: "ERR_ETHER_INVALID_OPTION" });
      assert.throws(() => shmUnlink(bad), { code: "ERR_ETHER_INVALID_OPTION" });
    }
    const name = segments.name();
    for (const size of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
      assert.throws(() => shmCreate(name, size), { code: "ERR_ETHER_INVALID_OPTION" });
    }
    assert.ok(!listSegments("/").includes(name));
  });
});
