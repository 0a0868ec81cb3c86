// Images for container jobs. No registry can be reached here, so the one image a provider needs out of the box
// is built locally from Debian's busybox-static (one static binary and a link per applet) and imported.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import Docker from 'dockerode';

export const BUSYBOX_IMAGE = 'proofmarket/busybox:1';
/** Also tagged as `busybox:latest`, so a job naming `busybox` runs; never as another distribution's name. */
export const BUSYBOX_ALIASES = ['busybox:latest'];

/** A Docker client for the engine named by PROOFMARKET_DOCKER_SOCKET, DOCKER_HOST (unix://) or the default socket. */
export function dockerFromEnv(env: NodeJS.ProcessEnv = process.env): Docker {
  const host = env.DOCKER_HOST?.startsWith('unix://') ? env.DOCKER_HOST.slice('unix://'.length) : undefined;
  return new Docker({ socketPath: env.PROOFMARKET_DOCKER_SOCKET || host || '/var/run/docker.sock' });
}

/** True when the engine answers its ping. */
export async function dockerReachable(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** The images present on the engine, as `repo:tag` names (what a provider advertises it can run). */
export async function listLocalImages(docker: Docker): Promise<string[]> {
  const images = await docker.listImages();
  return images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>').sort();
}

/** The name Docker resolves a bare image name to: `busybox` is `busybox:latest`. */
export function withTag(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') || image.includes('@') ? image : `${image}:latest`;
}

export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(withTag(image)).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/**
 * A root filesystem tar of `busybox` (a static binary): /bin/busybox, a symbolic link per applet, an
 * /etc/passwd with root and nobody, and empty /tmp and /out for the mounts a job gets.
 */
export function busyboxRootfs(busybox = '/bin/busybox'): tar.Pack {
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' }).split('\n').filter((l) => l && l !== 'bin/busybox');
  const pack = tar.pack();
  const dirs = new Set(['bin', 'etc', 'tmp', 'out', 'root', 'home']);
  for (const a of applets) for (let d = a.lastIndexOf('/'); d > 0; d = a.lastIndexOf('/', d - 1)) dirs.add(a.slice(0, d));
  for (const d of [...dirs].sort()) pack.entry({ name: `${d}/`, type: 'directory', mode: d === 'tmp' || d === 'out' ? 0o1777 : 0o755 });
  pack.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync(busybox));
  for (const a of applets) pack.entry({ name: a, type: 'symlink', linkname: '/bin/busybox' });
  pack.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  pack.entry({ name: 'etc/group', mode: 0o644 }, 'root:x:0:\nnogroup:x:65534:\n');
  pack.finalize();
  return pack;
}

/** Imports the busybox rootfs as BUSYBOX_IMAGE and tags its aliases; answers the image id. */
export async function importBusybox(docker: Docker, busybox = '/bin/busybox'): Promise<string> {
  const [repo, tag] = BUSYBOX_IMAGE.split(':') as [string, string];
  // tar-stream's pack is a streamx stream; the modem wants a Node stream
  const rootfs = Readable.from(busyboxRootfs(busybox));
  const progress = await docker.importImage(rootfs, {
    repo,
    tag,
    changes: ['CMD ["sh"]', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'WORKDIR /'],
  } as object);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(progress, (err, events: Array<{ error?: string }>) => {
      const failed = err ?? events.find((e) => e.error)?.error;
      if (failed) reject(failed instanceof Error ? failed : new Error(String(failed)));
      else resolve();
    }),
  );
  const image = docker.getImage(BUSYBOX_IMAGE);
  for (const alias of BUSYBOX_ALIASES) {
    const [aliasRepo, aliasTag] = alias.split(':') as [string, string];
    await image.tag({ repo: aliasRepo, tag: aliasTag });
  }
  return (await image.inspect()).Id;
}
