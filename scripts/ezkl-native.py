#!/usr/bin/env python3
"""Native Python ezkl for proofmarket (the prover's `--ezkl native`, tests, bench). One JSON document on stdin:

  {"op": "prove",  "circuit": PATH, "srs": PATH, "pk": PATH, "vk": PATH, "input": {"input_data": [[...]]}, "work_dir": DIR}
  {"op": "verify", "proof": {...}, "settings": PATH, "vk": PATH, "srs": PATH, "work_dir": DIR}
  {"op": "version"}

prints one JSON document: {"proof": {...}} / {"valid": true|false, "reason"?} / {"ezkl": "21.0.3"}. A missing pk is
made with ezkl.setup (its vk must equal the given one, so the key is the registered model's).
"""
import asyncio, inspect, json, os, sys

import ezkl


def run(value):
    async def wait():
        r = value()
        return (await r) if inspect.isawaitable(r) else r
    return asyncio.run(wait())


def prove(doc):
    w = doc['work_dir']
    inp, wit, proof = (os.path.join(w, f) for f in ('input.json', 'witness.json', 'proof.json'))
    with open(inp, 'w') as f:
        json.dump(doc['input'], f)
    if not os.path.exists(doc['pk']):
        vk2, tmp = os.path.join(w, 'vk.key'), doc['pk'] + f'.{os.getpid()}.tmp'
        assert ezkl.setup(doc['circuit'], vk2, tmp, doc['srs'])
        if open(vk2, 'rb').read() != open(doc['vk'], 'rb').read():
            os.remove(tmp)
            raise SystemExit('setup gave another vk than the model\'s: the circuit or SRS is not the registered one')
        os.replace(tmp, doc['pk'])
    run(lambda: ezkl.gen_witness(inp, doc['circuit'], wit))
    ezkl.prove(wit, doc['circuit'], doc['pk'], proof, 'single', doc['srs'])
    with open(proof) as f:
        return {'proof': json.load(f)}


def verify(doc):
    p = os.path.join(doc['work_dir'], 'proof.json')
    with open(p, 'w') as f:
        json.dump(doc['proof'], f)
    try:
        return {'valid': bool(ezkl.verify(p, doc['settings'], doc['vk'], doc['srs']))}
    except Exception as e:  # ezkl raises on a proof that does not verify
        return {'valid': False, 'reason': str(e).splitlines()[0][:300] if str(e) else type(e).__name__}


def main():
    doc = json.load(sys.stdin)
    op = doc.get('op')
    out = prove(doc) if op == 'prove' else verify(doc) if op == 'verify' else {'ezkl': getattr(ezkl, '__version__', None)}
    sys.stdout.write(json.dumps(out))


if __name__ == '__main__':
    main()
