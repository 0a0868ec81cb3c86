# Sourced by .ci/run: Debian's Chromium for the dashboard's browser tests (test/dashboard*.test.ts drive it with
# playwright-core; `npx playwright install` cannot download here). Installed when absent; quiet when present.
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
# (its wrapper script complains on stderr about this machine's memory figure; the version line is what counts)
"${CHROMIUM_PATH:-/usr/bin/chromium}" --version 2>/dev/null
