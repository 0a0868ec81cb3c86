// Content ids: the CIDv1 that `ipfs add --cid-version 1` prints for the same bytes. No node: imports, so the
// SDK (and a browser) can check what it downloads.
//
// Kubo's `ipfs add --cid-version 1` (up to its 0.42 defaults, the IPIP-499 profile `unixfs-v0-2015` with CIDv1)
// chunks a file into 256 KiB pieces, stores each as a raw leaf (codec raw, sha2-256), and links them in a balanced
// dag-pb/UnixFS tree of at most 174 children per node; a file of one chunk is the raw leaf itself (`bafkrei…`).
// The parameters are pinned here, not left to the importer's defaults, so the ids never move under an upgrade.
import { CID } from 'multiformats/cid';
import { create as multihashOf } from 'multiformats/hashes/digest';
import { importByteStream, type ImporterOptions } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';

export const CHUNK_SIZE = 262_144;
export const MAX_CHILDREN = 174;
const RAW = 0x55;
const DAG_PB = 0x70;
const SHA2_256 = 0x12;

const IMPORT_OPTIONS: ImporterOptions = {
  cidVersion: 1,
  rawLeaves: true,
  reduceSingleLeafToSelf: true,
  chunker: fixedSize({ chunkSize: CHUNK_SIZE }),
  layout: balanced({ maxChildrenPerNode: MAX_CHILDREN }),
};

/** Hashing only: the blocks are computed and dropped (the store keeps the file's bytes, not its blocks). */
const discard = { put: async (cid: CID) => cid };

export interface Measured {
  cid: string;
  size: number;
}

/** The CID and size of a byte stream, consumed once, a chunk at a time (memory stays at a few chunks). */
export async function cidOfStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Measured> {
  let size = 0;
  async function* counted() {
    for await (const chunk of source) {
      size += chunk.byteLength;
      yield chunk;
    }
  }
  const entry = await importByteStream(counted(), discard, IMPORT_OPTIONS);
  return { cid: entry.cid.toString(), size };
}

/**
 * The CID of bytes that fit in one chunk, from their sha256 (computed by the caller): the raw leaf itself, as the
 * importer gives it, without the importer (the coordinator stores three small pieces per settled request).
 */
export function rawLeafCid(size: number, sha256: Uint8Array): string {
  if (size > CHUNK_SIZE) throw new RangeError(`${size} bytes are more than one chunk`);
  return CID.createV1(RAW, multihashOf(SHA2_256, sha256)).toString();
}

export async function cidOfBytes(bytes: Uint8Array): Promise<string> {
  return (await cidOfStream([bytes])).cid;
}

/** Why a text is not a CID this store can hold, or null if it is one (in any multibase; see `canonicalCid`). */
export function cidProblem(text: string): string | null {
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch {
    return `"${text.slice(0, 80)}" is not a CID`;
  }
  if (cid.version !== 1) return 'a CIDv0 (Qm…) names a dag-pb node without raw leaves; use the CIDv1 that `ipfs add --cid-version 1` prints';
  if (cid.code !== RAW && cid.code !== DAG_PB) return `codec 0x${cid.code.toString(16)} is not a file's (raw or dag-pb)`;
  if (cid.multihash.code !== SHA2_256) return 'only sha2-256 CIDs are stored here';
  return null;
}

/** The store's key for a CID: its base32 CIDv1 form (`bafk…`, `bafy…`). Throws on a text `cidProblem` refuses. */
export function canonicalCid(text: string): string {
  const problem = cidProblem(text);
  if (problem) throw new RangeError(problem);
  return CID.parse(text).toString();
}
