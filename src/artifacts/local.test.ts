import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDriver } from './drivers/local.ts';
import { ArtifactStore } from './store.ts';
import { artifactStoreSuite } from './store.case.ts';

artifactStoreSuite('local directory', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pm-artifacts-'));
  const driver = new LocalDriver(root);
  return {
    store: new ArtifactStore(driver),
    corrupt: async (cid, bytes) => writeFileSync(driver.pathOf(cid), bytes),
    count: async () => readdirSync(join(root, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length,
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
});
