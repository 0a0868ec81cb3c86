#!/usr/bin/env bash
# Rebuilds every committed artifact under circuits/. Maintainer tool + documentation:
# it is never run by the tests or at run time. Run from anywhere; it cd's to the repo root.
#
#   circuits/build.sh                  # compile + setups + exports, using the committed ceremony
#   REBUILD_PTAU=1 circuits/build.sh   # also runs a NEW powers of tau ceremony (~1 min + ~5.5 min prepare)
#
# TRUSTED SETUP CAVEAT: the powers of tau and the Groth16 phase-2 keys come from a LOCAL,
# TEST-GRADE, SINGLE-PARTY ceremony run on one developer machine, with a public entropy string
# and a public beacon. Its security rests entirely on that one process having discarded the
# OS randomness snarkjs mixed in; nobody can check that. It is NOT a secure production setup:
# do not let these keys secure real value. For production, use a real multi-party ceremony
# (e.g. the Hermez/Polygon ptau) and a multi-party Groth16 phase 2.
#
# Reproducibility: ceremony contributions mix in OS randomness, so a rerun gives valid but
# different ptau / Groth16 keys. `prepare phase2` and the PLONK/FFLONK setups are deterministic
# given the ptau and the r1cs.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SNARKJS="node $ROOT/node_modules/snarkjs/build/cli.cjs"
CIRCOM="node $ROOT/node_modules/circom2/cli.js"
PTAU_POWER=14
PTAU=circuits/ptau/pot${PTAU_POWER}_final.ptau
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------------------
# 1. Powers of tau (bn128, power 14 = up to 16384 PLONK gates).
#    Committed: circuits/ptau/pot14_beacon.ptau, the finished phase-1 ceremony (6.3 MB).
#    Derived:   circuits/ptau/pot14_final.ptau, the `prepare phase2` output (18.9 MB, gitignored).
#    `prepare phase2` is a deterministic computation (Lagrange bases by FFT): re-running it on the
#    committed beacon file reproduces the same final file byte for byte (sha256
#    4962882ef552c416e97dca3484c3e71bc8e35517897bfd6b021e7b7092a76334), so only the beacon file
#    is committed, to keep the repo small.
# ---------------------------------------------------------------------------
BEACON_PTAU=circuits/ptau/pot${PTAU_POWER}_beacon.ptau
if [[ ! -f "$BEACON_PTAU" || "${REBUILD_PTAU:-0}" == "1" ]]; then
  mkdir -p circuits/ptau
  $SNARKJS powersoftau new bn128 $PTAU_POWER "$TMP/pot_0000.ptau"
  # Contribution: snarkjs mixes 64 bytes of OS randomness into the entropy, so this step is not
  # bit-reproducible (and its randomness is discarded, which is what makes the file usable at all).
  $SNARKJS powersoftau contribute "$TMP/pot_0000.ptau" "$TMP/pot_0001.ptau" \
    --name="proofmarket local test contribution" \
    -e="proofmarket local TEST-GRADE ceremony entropy - not secure"
  $SNARKJS powersoftau beacon "$TMP/pot_0001.ptau" "$BEACON_PTAU" \
    0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 10 \
    -n="proofmarket final beacon"
  rm -f "$PTAU"
fi
if [[ ! -f "$PTAU" ]]; then
  # ~5.5 min at power 14 on one (shared) core.
  nice -n 10 $SNARKJS powersoftau prepare phase2 "$BEACON_PTAU" "$PTAU"
  $SNARKJS powersoftau verify "$PTAU"
fi

# ---------------------------------------------------------------------------
# 2. Per-circuit build. Arguments: <name> <systems...>
#    circom2 (circom 2.2.3 compiled to WASM) with the default --O1 (--O2 inflates PLONK gates).
#    circom2 runs under WASI and can only see the cwd and its parents, so compile from the repo
#    root with relative paths and `-l node_modules` for the circomlib includes.
# ---------------------------------------------------------------------------
build_circuit() {
  local name=$1; shift
  local dir=circuits/$name
  $CIRCOM "$dir/$name.circom" --r1cs --wasm -l node_modules -o "$TMP"
  cp "$TMP/$name.r1cs" "$dir/$name.r1cs"
  cp "$TMP/${name}_js/$name.wasm" "$dir/$name.wasm"
  $SNARKJS r1cs info "$dir/$name.r1cs"

  for system in "$@"; do
    case $system in
      groth16)
        $SNARKJS groth16 setup "$dir/$name.r1cs" "$PTAU" "$TMP/${name}_0000.zkey"
        $SNARKJS zkey contribute "$TMP/${name}_0000.zkey" "$TMP/${name}_0001.zkey" \
          --name="proofmarket local phase-2 contribution" \
          -e="proofmarket $name phase-2 TEST-GRADE entropy - not secure"
        $SNARKJS zkey beacon "$TMP/${name}_0001.zkey" "$dir/groth16.zkey" \
          0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 10 \
          -n="proofmarket $name phase-2 beacon"
        $SNARKJS zkey verify "$dir/$name.r1cs" "$PTAU" "$dir/groth16.zkey"
        ;;
      plonk)
        $SNARKJS plonk setup "$dir/$name.r1cs" "$PTAU" "$dir/plonk.zkey"
        ;;
      fflonk)
        $SNARKJS fflonk setup "$dir/$name.r1cs" "$PTAU" "$dir/fflonk.zkey"
        ;;
      *) echo "unknown system $system" >&2; exit 1 ;;
    esac
    $SNARKJS zkey export verificationkey "$dir/$system.zkey" "$dir/$system.vkey.json"
  done
}

# data-commitment: ~10.3k PLONK gates -> domain 2^14. FFLONK would need a 2^17 ptau
# (its setup needs 9 * domain + 18 tau powers), so it is not shipped for this circuit.
build_circuit data-commitment groth16 plonk
# range-proof: 333 R1CS constraints, 647 PLONK gates -> all three systems fit.
build_circuit range-proof groth16 plonk fflonk

echo "done; update circuits/manifest.json if the constraint counts changed"
