import assert from "node:assert/strict";
import {
  chmod,
  mkdir,
  readFile,
  readdir,
  readlink,
  lstat,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  AtomicFileWriter,
  BACKUP_SUFFIX,
  removeFile,
  removeFiles,
  writeFileAtomic,
  writeFilesAtomic,
} from "../../../../src/adapters/fs/atomic-write.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

async function assertNoTempFiles(directory: string): Promise<void> {
  const leftovers = (await readdir(directory)).filter((name) => name.endsWith(".tmp"));
  assert.deepEqual(leftovers, [], `temporary files left in ${directory}`);
}

describe("writeFileAtomic", () => {
  test("writes a new file, creating missing parent directories with the given mode", async () => {
    const root = await makeTempDir("atomic");
    const path = join(root, "home", ".aws", "config");
    const result = await writeFileAtomic(path, "[default]\n", { directoryMode: 0o700 });
    assert.deepEqual(result, { changed: true });
    assert.equal(await readFile(path, "utf8"), "[default]\n");
    assert.equal(await modeOf(join(root, "home", ".aws")), 0o700);
    assert.equal(await modeOf(join(root, "home")), 0o700);
    await assertNoTempFiles(join(root, "home", ".aws"));
  });

  test("replaces the contents and keeps an existing file's mode", async () => {
    const root = await makeTempDir("atomic");
    const path = join(root, "config");
    await writeFile(path, "old\n");
    await chmod(path, 0o640);
    await writeFileAtomic(path, "new\n");
    assert.equal(await readFile(path, "utf8"), "new\n");
    assert.equal(await modeOf(path), 0o640);
  });

  test("applies an explicit mode exactly, on new and existing files", async () => {
    const root = await makeTempDir("atomic");
    const fresh = join(root, "fresh");
    await writeFileAtomic(fresh, "a", { mode: 0o600 });
    assert.equal(await modeOf(fresh), 0o600);
    const existing = join(root, "existing");
    await writeFile(existing, "a");
    await chmod(existing, 0o644);
    await writeFileAtomic(existing, "b", { mode: 0o600 });
    assert.equal(await modeOf(existing), 0o600);
    const sameBytes = await writeFileAtomic(existing, "b", { mode: 0o640 });
    assert.equal(sameBytes.changed, true);
    assert.equal(await modeOf(existing), 0o640);
  });

  test("writes bytes exactly, including ones that are not UTF-8", async () => {
    const root = await makeTempDir("atomic");
    const path = join(root, "binary");
    const data = new Uint8Array([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x80]);
    await writeFileAtomic(path, data);
    assert.equal(Buffer.compare(await readFile(path), Buffer.from(data)), 0);
  });

  test("backs up the old contents only when they change, and keeps only the latest backup", async () => {
    const root = await makeTempDir("atomic");
    const path = join(root, "config");
    const backup = path + BACKUP_SUFFIX;

    const created = await writeFileAtomic(path, "one\n", { backup: true });
    assert.equal(created.backupPath, undefined, "a new file has nothing to back up");
    await assert.rejects(stat(backup), { code: "ENOENT" });

    await chmod(path, 0o600);
    const second = await writeFileAtomic(path, "two\n", { backup: true });
    assert.deepEqual(second, { changed: true, backupPath: backup });
    assert.equal(await readFile(backup, "utf8"), "one\n");
    assert.equal(await modeOf(backup), 0o600, "the backup is as private as the file was");

    const before = await stat(path);
    const backupBefore = await stat(backup);
    const same = await writeFileAtomic(path, "two\n", { backup: true });
    assert.deepEqual(same, { changed: false });
    assert.equal(await readFile(backup, "utf8"), "one\n");
    assert.equal((await stat(path)).ino, before.ino, "the file was not replaced");
    assert.equal((await stat(backup)).mtimeMs, backupBefore.mtimeMs, "the backup was not touched");

    await writeFileAtomic(path, "three\n", { backup: true });
    assert.equal(await readFile(backup, "utf8"), "two\n");
    assert.deepEqual((await readdir(root)).sort(), ["config", `config${BACKUP_SUFFIX}`]);
  });

  test("writes through a symbolic link and keeps the link", async () => {
    const root = await makeTempDir("atomic");
    await mkdir(join(root, "dotfiles"));
    const real = join(root, "dotfiles", "aws-config");
    await writeFile(real, "old\n");
    const link = join(root, "config");
    await symlink(join("dotfiles", "aws-config"), link);
    const result = await writeFileAtomic(link, "new\n", { backup: true });
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readlink(link), join("dotfiles", "aws-config"));
    assert.equal(await readFile(real, "utf8"), "new\n");
    assert.equal(result.backupPath, real + BACKUP_SUFFIX);
    assert.equal(await readFile(real + BACKUP_SUFFIX, "utf8"), "old\n");
  });

  test("a failure after the temporary file was written leaves the original intact and no temp file", async () => {
    const root = await makeTempDir("atomic");
    const path = join(root, "config");
    await writeFile(path, "original\n");
    // A non-empty directory where the backup goes makes the backup's rename fail.
    await mkdir(join(path + BACKUP_SUFFIX, "occupied"), { recursive: true });
    await assert.rejects(writeFileAtomic(path, "replacement\n", { backup: true }), (error) => {
      assert.ok(error instanceof CrossformError);
      assert.equal(error.code, "fs/write-failed");
      assert.equal(error.source, "external");
      assert.ok(error.message.startsWith(`cannot write ${path}: `), error.message);
      return true;
    });
    assert.equal(await readFile(path, "utf8"), "original\n");
    await assertNoTempFiles(root);
  });

  test("refuses a path that is a directory, leaving it as it was", async () => {
    const root = await makeTempDir("atomic");
    const path = join(root, "config");
    await mkdir(path);
    await writeFile(join(path, "inside"), "x");
    await assert.rejects(writeFileAtomic(path, "text"), { code: "fs/not-a-file" });
    assert.deepEqual(await readdir(path), ["inside"]);
    await assertNoTempFiles(root);
  });

  test("reports a parent that is a file instead of a directory", async () => {
    const root = await makeTempDir("atomic");
    await writeFile(join(root, "not-a-dir"), "x");
    await assert.rejects(writeFileAtomic(join(root, "not-a-dir", "config"), "text"), {
      code: "fs/write-failed",
    });
    assert.equal(await readFile(join(root, "not-a-dir"), "utf8"), "x");
    assert.deepEqual(await readdir(root), ["not-a-dir"]);
  });

  test("leaves no temporary file behind after successful writes", async () => {
    const root = await makeTempDir("atomic");
    const path = join(root, "config");
    for (const contents of ["a", "b", "b", "c"]) {
      await writeFileAtomic(path, contents, { backup: true });
    }
    assert.deepEqual((await readdir(root)).sort(), ["config", `config${BACKUP_SUFFIX}`]);
  });
});

describe("writeFilesAtomic", () => {
  /** 40 files in two new directories: above the count where one flush serves them all. */
  const batch = (root: string, text: (i: number) => string) =>
    Array.from({ length: 40 }, (_, i) => ({
      path: join(root, i % 2 === 0 ? "backends" : "targets", `u${i}.txt`),
      contents: text(i),
    }));

  test("writes every file, creating directories, and leaves no temporary file", async () => {
    const root = await makeTempDir("atomic-batch");
    const files = batch(root, (i) => `one ${i}\n`);
    const results = await writeFilesAtomic(files);
    assert.ok(results.every((r) => r.changed));
    for (const file of files) assert.equal(await readFile(file.path, "utf8"), file.contents);
    await assertNoTempFiles(join(root, "backends"));
    await assertNoTempFiles(join(root, "targets"));
  });

  test("files that hold their bytes are not replaced; the others are, keeping their mode", async () => {
    const root = await makeTempDir("atomic-batch");
    await writeFilesAtomic(batch(root, (i) => `one ${i}\n`));
    const kept = join(root, "backends", "u0.txt");
    const changed = join(root, "targets", "u1.txt");
    await chmod(changed, 0o600);
    const before = await stat(kept);
    const results = await writeFilesAtomic(batch(root, (i) => (i === 1 ? "two\n" : `one ${i}\n`)));
    assert.deepEqual(
      results.map((r, i) => [i, r.changed]).filter(([, c]) => c),
      [[1, true]],
    );
    assert.equal((await stat(kept)).ino, before.ino, "an unchanged file was not replaced");
    assert.equal(await readFile(changed, "utf8"), "two\n");
    assert.equal(await modeOf(changed), 0o600);
  });

  test("one file that cannot be written leaves every file as it was and no temporary file", async () => {
    const root = await makeTempDir("atomic-batch");
    const first = batch(root, (i) => `one ${i}\n`);
    await writeFilesAtomic(first);
    // The last file's path is a directory now: the batch fails after staging the others.
    const last = first[first.length - 1]?.path as string;
    await rm(last);
    await mkdir(last);
    await assert.rejects(
      writeFilesAtomic(batch(root, (i) => `two ${i}\n`)),
      (error) =>
        error instanceof CrossformError &&
        error.code === "fs/not-a-file" &&
        error.message.includes(last),
    );
    for (const file of first.slice(0, -1)) {
      assert.equal(await readFile(file.path, "utf8"), file.contents, `${file.path} changed`);
    }
    await assertNoTempFiles(join(root, "backends"));
    await assertNoTempFiles(join(root, "targets"));
  });

  test("without a `sync` command on the PATH each file is flushed on its own, same result", async () => {
    const root = await makeTempDir("atomic-batch");
    const path = process.env.PATH;
    process.env.PATH = root;
    try {
      await writeFilesAtomic(batch(root, (i) => `one ${i}\n`));
    } finally {
      process.env.PATH = path;
    }
    assert.equal(await readFile(join(root, "targets", "u39.txt"), "utf8"), "one 39\n");
  });
});

describe("removeFiles", () => {
  test("removes every file; missing files and directories are not an error", async () => {
    const root = await makeTempDir("atomic-batch");
    await writeFile(join(root, "a"), "x");
    await writeFile(join(root, "b"), "x");
    await removeFiles([join(root, "a"), join(root, "b"), join(root, "gone", "c")]);
    assert.deepEqual(await readdir(root), []);
  });
});

describe("removeFile", () => {
  test("removes a file, and a missing file is not an error", async () => {
    const root = await makeTempDir("atomic");
    const path = join(root, "config");
    await writeFile(path, "x");
    await removeFile(path);
    await assert.rejects(stat(path), { code: "ENOENT" });
    await removeFile(path);
  });

  test("refuses to remove a directory", async () => {
    const root = await makeTempDir("atomic");
    await mkdir(join(root, "dir"));
    await assert.rejects(removeFile(join(root, "dir")), { code: "fs/write-failed" });
    assert.ok((await stat(join(root, "dir"))).isDirectory());
  });
});

describe("AtomicFileWriter", () => {
  test("implements the FileWriter port with the functions above", async () => {
    const root = await makeTempDir("atomic");
    const writer = new AtomicFileWriter();
    const path = join(root, "file");
    assert.deepEqual(await writer.writeAtomic(path, "x", { mode: 0o600 }), { changed: true });
    assert.equal(await readFile(path, "utf8"), "x");
    assert.deepEqual(await writer.writeAtomic(path, "x"), { changed: false });
    await writer.remove(path);
    assert.deepEqual(await readdir(root), []);
  });
});
