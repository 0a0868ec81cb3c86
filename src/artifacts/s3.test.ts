import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3Driver } from './drivers/s3.ts';
import { ArtifactStore } from './store.ts';
import { artifactStoreSuite } from './store.case.ts';
import { S3RVER_CREDENTIALS, startS3 } from '../../test/support/s3.ts';

// Against a real S3-compatible server (s3rver, started here in process), with path-style requests.
artifactStoreSuite('S3 bucket', async () => {
  const s3 = await startS3();
  const driver = new S3Driver({ bucket: s3.bucket, endpoint: s3.endpoint, prefix: 'artifacts/', credentials: S3RVER_CREDENTIALS });
  return {
    store: new ArtifactStore(driver),
    corrupt: async (cid, bytes) => {
      await driver.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: driver.keyOf(cid), Body: bytes }));
    },
    count: async () => (await driver.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).KeyCount ?? 0,
    close: async () => {
      await driver.close();
      await s3.close();
    },
  };
});
