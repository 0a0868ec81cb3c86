import { existsSync } from 'node:fs';
import { parse } from '../args.ts';
import { CliError, EXIT, usage } from '../errors.ts';
import { BUSYBOX_ALIASES, BUSYBOX_IMAGE, dockerFromEnv, dockerReachable, importBusybox, listLocalImages } from '../../jobs/executor/images.ts';

export const help = `proofmarket images — the container images this provider can run jobs in

Usage:
  proofmarket images list                  the images present on the Docker engine (what the agent advertises)
  proofmarket images import-busybox        build an image from Debian's busybox-static and import it as
                                           ${BUSYBOX_IMAGE} (also tagged ${BUSYBOX_ALIASES.join(', ')})

Options:
  --busybox PATH   the static busybox binary (default /bin/busybox, from apt-get install busybox-static)
  --json           print JSON
  --quiet          print nothing on success

The engine is the one at $PROOFMARKET_DOCKER_SOCKET, else $DOCKER_HOST (unix://…), else /var/run/docker.sock.
No registry is pulled from: a job must name an image present on the provider (busybox, or one you imported).

Example:
  proofmarket images import-busybox && proofmarket images list`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { busybox: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' } }, true);
  if (values.help) return void console.log(help);
  const [sub, ...extra] = positionals;
  if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
  if (values.busybox !== undefined && sub !== 'import-busybox') throw usage('--busybox is for images import-busybox');
  const docker = dockerFromEnv();
  const needEngine = async () => {
    if (!(await dockerReachable(docker))) throw new CliError('docker_unreachable', `no Docker engine answers at ${(docker.modem as { socketPath?: string }).socketPath}; start dockerd or set PROOFMARKET_DOCKER_SOCKET`, EXIT.unreachable);
  };
  switch (sub) {
    case 'list': {
      await needEngine();
      const images = await listLocalImages(docker);
      if (values.json) console.log(JSON.stringify({ images }));
      else if (!values.quiet) console.log(images.length ? images.join('\n') : '(no images; run proofmarket images import-busybox)');
      return;
    }
    case 'import-busybox': {
      const busybox = values.busybox ?? '/bin/busybox';
      if (!existsSync(busybox)) throw usage(`${busybox} does not exist; install it with apt-get install busybox-static, or pass --busybox`);
      await needEngine();
      const id = await importBusybox(docker, busybox);
      const tags = [BUSYBOX_IMAGE, ...BUSYBOX_ALIASES];
      if (values.json) console.log(JSON.stringify({ id, tags }));
      else if (!values.quiet) console.log(`imported ${tags.join(', ')} (${id.slice(0, 19)})`);
      return;
    }
    case undefined:
      throw usage('say images list or images import-busybox');
    default:
      throw usage(`unknown images command "${sub}"; say list or import-busybox`);
  }
}
