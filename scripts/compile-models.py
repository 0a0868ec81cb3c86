#!/usr/bin/env python3
"""Builds proofmarket's example ONNX models and compiles them with ezkl (pinned in requirements.txt).

    python scripts/compile-models.py [--out models] [--only iris-mlp] [--model FILE --sample FILE --name NAME]

For each model it writes <out>/<name>/: model.onnx, settings.json, model.compiled, vk.key, kzg.srs (a local
development SRS: UNSAFE, its toxic waste is known to this machine), input.json (a sample) and manifest.json.
The proving key is not written: provers derive it from the vk at first use (@ezkljs/engine genPk) and cache it.
No model or dataset is downloaded: the models are built here from a fixed seed and a synthetic training set.
"""
import argparse, asyncio, hashlib, inspect, json, os, shutil, sys, tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import ezkl


# Small scales keep the circuits at 2^12 rows (scale 13 gave 2^15 rows, a 329 MB pk and minutes per proof).
SCALE = 7
DECOMP_BASE = 128


def save(model, path):
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def softmax_regression(x, y, classes, steps=400, lr=0.5, seed=0):
    """Plain gradient descent on cross-entropy: the weights of the models' last layer."""
    rng = np.random.default_rng(seed)
    w = rng.normal(scale=0.1, size=(x.shape[1], classes))
    b = np.zeros(classes)
    onehot = np.eye(classes)[y]
    for _ in range(steps):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        g = (p - onehot) / len(x)
        w -= lr * x.T @ g
        b -= lr * g.sum(axis=0)
    return w.astype(np.float32), b.astype(np.float32)


def iris_mlp(path):
    """4 -> 8 (ReLU) -> 3, on three Gaussian clusters shaped like iris (sepal/petal length and width, cm)."""
    rng = np.random.default_rng(16)
    centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    y = np.repeat(np.arange(3), 50)
    x = centers[y] + rng.normal(scale=0.3, size=(150, 4))
    w1 = rng.normal(scale=0.6, size=(4, 8)).astype(np.float32)
    b1 = rng.normal(scale=0.3, size=8).astype(np.float32)
    h = np.maximum(x @ w1 + b1, 0)
    w2, b2 = softmax_regression(h / max(h.max(), 1), y, 3)
    w2 = w2 / max(h.max(), 1)
    acc = float(((np.maximum(x @ w1 + b1, 0) @ w2 + b2).argmax(1) == y).mean())
    nodes = [helper.make_node('Gemm', ['x', 'W1', 'b1'], ['h']), helper.make_node('Relu', ['h'], ['hr']),
             helper.make_node('Gemm', ['hr', 'W2', 'b2'], ['y'])]
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, 'W1'), (b1, 'b1'), (w2.astype(np.float32), 'W2'), (b2, 'b2'))]
    g = helper.make_graph(nodes, 'iris_mlp', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 3])], inits)
    save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]), path)
    return {'input_data': [[5.9, 3.0, 4.2, 1.5]]}, {
        'description': 'Iris-like classifier, MLP 4-8-3 (ReLU), trained on a synthetic 3-cluster set',
        'labels': ['setosa', 'versicolor', 'virginica'], 'train_accuracy': acc}


GLYPHS = {  # 8x8 bitmaps of four digits; the training set is these with noise and one-pixel shifts
    0: ['..####..', '.#....#.', '.#....#.', '.#....#.', '.#....#.', '.#....#.', '..####..', '........'],
    1: ['...##...', '..###...', '...##...', '...##...', '...##...', '...##...', '..####..', '........'],
    4: ['....##..', '...###..', '..#.##..', '.#..##..', '.######.', '....##..', '....##..', '........'],
    7: ['.######.', '......#.', '.....#..', '....#...', '...#....', '...#....', '...#....', '........'],
}


def digits_cnn(path):
    """Conv 1->2 (3x3, stride 2) + ReLU, then dense 18 -> 4, on synthetic 8x8 glyphs of 0, 1, 4 and 7."""
    rng = np.random.default_rng(8)
    labels = list(GLYPHS)
    base = {d: np.array([[c == '#' for c in row] for row in rows], dtype=np.float64) for d, rows in GLYPHS.items()}
    xs, ys = [], []
    for i, d in enumerate(labels):
        for _ in range(60):
            img = np.roll(base[d], (rng.integers(-1, 2), rng.integers(-1, 2)), axis=(0, 1))
            xs.append(np.clip(img + rng.normal(scale=0.2, size=(8, 8)), 0, 1))
            ys.append(i)
    x, y = np.array(xs), np.array(ys)
    k = rng.normal(scale=0.5, size=(2, 1, 3, 3)).astype(np.float32)
    kb = np.zeros(2, dtype=np.float32)

    def conv(imgs):
        out = np.zeros((len(imgs), 2, 3, 3))
        for c in range(2):
            for i in range(3):
                for j in range(3):
                    out[:, c, i, j] = (imgs[:, 2 * i:2 * i + 3, 2 * j:2 * j + 3] * k[c, 0]).sum(axis=(1, 2)) + kb[c]
        return np.maximum(out, 0).reshape(len(imgs), 18)

    f = conv(x)
    w, b = softmax_regression(f, y, 4, steps=800)
    acc = float(((f @ w + b).argmax(1) == y).mean())
    nodes = [helper.make_node('Conv', ['x', 'K', 'kb'], ['c'], kernel_shape=[3, 3], strides=[2, 2]),
             helper.make_node('Relu', ['c'], ['cr']), helper.make_node('Flatten', ['cr'], ['f'], axis=1),
             helper.make_node('Gemm', ['f', 'W', 'b'], ['y'])]
    inits = [numpy_helper.from_array(a, n) for a, n in ((k, 'K'), (kb, 'kb'), (w, 'W'), (b, 'b'))]
    g = helper.make_graph(nodes, 'digits_cnn', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 1, 8, 8])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 4])], inits)
    save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]), path)
    sample = np.round(np.clip(base[7] + rng.normal(scale=0.1, size=(8, 8)), 0, 1), 2)
    return {'input_data': [sample.reshape(-1).tolist()]}, {
        'description': 'Digit classifier on 8x8 images (0, 1, 4, 7): conv 2x3x3 stride 2 + ReLU, dense 18-4',
        'labels': [str(d) for d in labels], 'train_accuracy': acc}


EXAMPLES = {'iris-mlp': iris_mlp, 'digits-cnn': digits_cnn}


def tiny_linear(out):
    """The smallest model worth proving (tests of `proofmarket model add`): y = xW + b, 2 -> 2, fixed weights."""
    os.makedirs(out, exist_ok=True)
    w = np.array([[0.5, -0.25], [0.75, 0.125]], dtype=np.float32)
    b = np.array([0.0625, -0.5], dtype=np.float32)
    g = helper.make_graph([helper.make_node('Gemm', ['x', 'W', 'b'], ['y'])], 'tiny_linear',
                          [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 2])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 2])],
                          [numpy_helper.from_array(w, 'W'), numpy_helper.from_array(b, 'b')])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]), os.path.join(out, 'tiny.onnx'))
    with open(os.path.join(out, 'input.json'), 'w') as f:
        json.dump({'input_data': [[1.0, 2.0]]}, f)
    print(json.dumps({'onnx': os.path.join(out, 'tiny.onnx'), 'sample': os.path.join(out, 'input.json')}))


def run(value):
    """ezkl 21's calibrate_settings and gen_witness are coroutines that need a running loop."""
    async def wait():
        r = value()
        return (await r) if inspect.isawaitable(r) else r
    return asyncio.run(wait())


def le_hex_to_int(h):
    return int.from_bytes(bytes.fromhex(h), 'little')


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def compile_model(onnx_path, sample, out, name, meta, visibility, srs=None):
    """ezkl's pipeline: settings, calibration on the sample, compiled circuit, SRS, setup (vk kept, pk dropped)."""
    os.makedirs(out, exist_ok=True)
    if os.path.abspath(onnx_path) != os.path.abspath(os.path.join(out, 'model.onnx')):
        shutil.copyfile(onnx_path, os.path.join(out, 'model.onnx'))
    p = lambda f: os.path.join(out, f)
    with open(p('input.json'), 'w') as f:
        json.dump(sample, f)
    args = ezkl.PyRunArgs()
    args.input_visibility, args.output_visibility, args.param_visibility = visibility['input'], visibility['output'], visibility['params']
    args.input_scale = args.param_scale = SCALE
    args.decomp_base = DECOMP_BASE
    assert ezkl.gen_settings(p('model.onnx'), p('settings.json'), py_run_args=args)
    assert run(lambda: ezkl.calibrate_settings(p('input.json'), p('model.onnx'), p('settings.json'), 'resources', scales=[SCALE]))
    assert ezkl.compile_circuit(p('model.onnx'), p('model.compiled'), p('settings.json'))
    with open(p('settings.json')) as f:
        settings = json.load(f)
    logrows = settings['run_args']['logrows']
    if srs:
        shutil.copyfile(srs, p('kzg.srs'))
    else:
        ezkl.gen_srs(p('kzg.srs'), logrows)
    with tempfile.TemporaryDirectory() as tmp:
        witness_path = os.path.join(tmp, 'witness.json')
        run(lambda: ezkl.gen_witness(p('input.json'), p('model.compiled'), witness_path))
        with open(witness_path) as f:
            witness = json.load(f)
        assert ezkl.setup(p('model.compiled'), p('vk.key'), os.path.join(tmp, 'pk.key'), p('kzg.srs'))
    params = witness.get('processed_params') or {}
    commitment = le_hex_to_int(params['poseidon_hash'][0]) if params.get('poseidon_hash') else None
    manifest = {
        'name': name, 'version': 1, **meta,
        'ezkl_version': settings.get('version'), 'logrows': logrows,
        'visibility': visibility,
        'input_shape': settings['model_instance_shapes'][0], 'output_shape': settings['model_instance_shapes'][-1],
        'commitment': {'kind': 'poseidon(weights)', 'value': str(commitment) if commitment is not None else None},
        'sample_output': witness['pretty_elements']['rescaled_outputs'],
        'srs': {'file': 'kzg.srs', 'unsafe': srs is None,
                'note': 'local development SRS from ezkl gen_srs: its secret is known to whoever made it; use a real SRS (--srs) for anything beyond development' if srs is None else 'given with --srs'},
        'files': {f: sha256(p(f)) for f in ('model.onnx', 'settings.json', 'model.compiled', 'vk.key', 'kzg.srs')},
        'cids': None,
    }
    with open(p('manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    return manifest


def parse_visibility(text):
    vis = {'input': 'public', 'output': 'public', 'params': 'hashed'}
    for part in filter(None, (text or '').split(',')):
        key, _, value = part.partition('=')
        if key not in vis or value not in ('public', 'hashed', 'private', 'fixed'):
            sys.exit(f'bad --visibility part {part!r}: expected input|output|params=public|hashed|private|fixed')
        vis[key] = value
    return vis


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'models'))
    ap.add_argument('--only', action='append', choices=sorted(EXAMPLES))
    ap.add_argument('--model', help='compile this ONNX file instead of the examples')
    ap.add_argument('--sample', help='with --model: a JSON sample input ({"input_data": [[...]]})')
    ap.add_argument('--name', help='with --model: the model name (default: the file name)')
    ap.add_argument('--visibility', help='input=public|hashed|private,output=…,params=fixed|hashed (default input=public,output=public,params=hashed)')
    ap.add_argument('--srs', help='a real SRS file to use instead of a local development one')
    ap.add_argument('--make-tiny', metavar='DIR', help='only write a tiny ONNX model (DIR/tiny.onnx) and a sample (DIR/input.json), for tests')
    a = ap.parse_args()
    if a.make_tiny:
        return tiny_linear(a.make_tiny)
    out = []
    if a.model:
        if not a.sample:
            sys.exit('--model needs --sample')
        with open(a.sample) as f:
            sample = json.load(f)
        if isinstance(sample, list):
            sample = {'input_data': [sample]}
        name = a.name or os.path.splitext(os.path.basename(a.model))[0]
        out.append(compile_model(a.model, sample, os.path.join(a.out, name), name, {'description': f'{name} (uploaded ONNX model)'}, parse_visibility(a.visibility), a.srs))
    else:
        for name in a.only or sorted(EXAMPLES):
            d = os.path.join(a.out, name)
            os.makedirs(d, exist_ok=True)
            sample, meta = EXAMPLES[name](os.path.join(d, 'model.onnx'))
            out.append(compile_model(os.path.join(d, 'model.onnx'), sample, d, name, meta, parse_visibility(a.visibility), a.srs))
    for m in out:
        print(json.dumps({'name': m['name'], 'logrows': m['logrows'], 'commitment': m['commitment']['value'], 'unsafe_srs': m['srs']['unsafe']}))


if __name__ == '__main__':
    main()
