# Sourced by .ci/run: installs the pinned Python ezkl (requirements.txt) into .venv in the clone, and regenerates
# one example model with scripts/compile-models into a temporary folder, for test/zkml-regenerated.test.ts.
# Exports PROOFMARKET_PYTHON (the venv's python) and PROOFMARKET_EZKL_REGENERATED (the regenerated model's folder).
ezkl_py=${PYTHON311:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$ezkl_py" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
export PROOFMARKET_PYTHON="$PWD/.venv/bin/python"
ezkl_tmp=$(mktemp -d /tmp/proofmarket-ezkl.XXXXXX)
PYTHON="$PROOFMARKET_PYTHON" scripts/compile-models --only iris-mlp --out "$ezkl_tmp" >"$ezkl_tmp/compile.log" 2>&1 \
  || { cat "$ezkl_tmp/compile.log" >&2; exit 1; }
export PROOFMARKET_EZKL_REGENERATED="$ezkl_tmp/iris-mlp"
stop_ezkl() { rm -rf "$ezkl_tmp"; }
echo "Python ezkl $("$PROOFMARKET_PYTHON" -c 'import ezkl; print(ezkl.__version__)') in .venv; iris-mlp regenerated in $ezkl_tmp"
