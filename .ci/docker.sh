# Sourced by .ci/run (and usable by hand): starts a throwaway Docker engine for the container-job tests and
# exports DOCKER_HOST and PROOFMARKET_DOCKER_SOCKET. No registry can be reached here, so the busybox image the
# tests run is built from Debian's busybox-static and imported (`proofmarket images import-busybox`).
# Call stop_docker on exit: it stops dockerd and removes its directories.
if ! command -v dockerd >/dev/null || [ ! -x /bin/busybox ] || ! busybox --list 2>/dev/null | grep -qx wget; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static >/dev/null
fi
docker_root=$(mktemp -d /tmp/proofmarket-docker.XXXXXX)
# Own pidfile, exec root (its containerd lives there) and data root, so it never meets another engine here.
# No bridge and no iptables: jobs run with no network at all, and the machine's firewall is left alone.
dockerd --host "unix://$docker_root/docker.sock" --data-root "$docker_root/data" --exec-root "$docker_root/exec" \
  --pidfile "$docker_root/docker.pid" --iptables=false --ip6tables=false --ip-masq=false --bridge=none \
  --storage-driver=overlay2 >"$docker_root/dockerd.log" 2>&1 &
docker_pid=$!
stop_docker() {
  # dockerd's own containerd (its pid file is in the exec root) must be gone too before the files are removed
  local pids="$docker_pid $(cat "$docker_root/exec/containerd/containerd.pid" 2>/dev/null || true)"
  kill "$docker_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    local alive=0
    for p in $pids; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done
    if [ "$alive" = 0 ]; then break; fi
    sleep 0.1
  done
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  # overlay and tmpfs mounts left by a killed engine would keep rm from removing the data root
  { grep -o " $docker_root/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$docker_root"
}
for _ in $(seq 1 150); do
  [ -S "$docker_root/docker.sock" ] && curl -sf --unix-socket "$docker_root/docker.sock" http://localhost/_ping >/dev/null && break
  kill -0 "$docker_pid" 2>/dev/null || break
  sleep 0.2
done
if ! curl -sf --unix-socket "$docker_root/docker.sock" http://localhost/_ping >/dev/null; then
  echo "dockerd did not start; its log:" >&2
  tail -30 "$docker_root/dockerd.log" >&2
  stop_docker
  return 1 2>/dev/null || exit 1
fi
export DOCKER_HOST="unix://$docker_root/docker.sock"
export PROOFMARKET_DOCKER_SOCKET="$docker_root/docker.sock"
npx tsx src/cli/main.ts images import-busybox --quiet
echo "Docker engine $(curl -sf --unix-socket "$docker_root/docker.sock" http://localhost/version | sed -E 's/.*"Version":"([^"]*)".*/\1/') running on $PROOFMARKET_DOCKER_SOCKET"
