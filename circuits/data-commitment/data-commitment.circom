pragma circom 2.0.0;

// data-commitment: proves knowledge of a byte string (up to 1085 bytes) whose
// Poseidon commitment is the single public output `commitment`.
//
// Off-circuit encoding (see src/proofs/builtin/data-commitment.ts and circuits/README.md):
//   * the bytes are split into 31-byte chunks; each chunk is zero-padded on the
//     right to 31 bytes and read as a BIG-ENDIAN unsigned integer (< 2^248);
//   * the resulting field elements are zero-padded to 35 elements (35 * 31 = 1085 bytes);
//   * `length` is the byte length of the original string (binds trailing zero bytes).
//
// Commitment (a Poseidon sponge-like chain of arity-8 circomlib Poseidon calls):
//   h0 = Poseidon8(length, chunks[0..6])
//   hk = Poseidon8(h(k-1), chunks[7k..7k+6])   for k = 1..4
//   commitment = h4
//
// Arity 8 was chosen because it gave the fewest PLONK gates for 35 elements + length
// (measured: arity 2: 34 x 597 = 20.3k, 4: 12 x 1025 = 12.3k, 6: 7 x 1533 = 10.7k,
//  8: 5 x 2061 = 10.3k, 16: 3 x 4913 = 14.7k), all compiled with the default --O1.
//
// Statement proven: "I know 35 field elements and a length whose chained Poseidon hash
// is `commitment`". Chunks are NOT range-checked to 248 bits in-circuit (that would cost
// ~495 PLONK gates per element and push the circuit past 2^14); the verifier binds the
// proof to concrete bytes by recomputing dataCommitment(bytes) off-circuit and comparing
// it with the public signal (Poseidon collision resistance makes the preimage unique).

include "circomlib/circuits/poseidon.circom";

template DataCommitment(nBlocks, rate) {
    signal input chunks[nBlocks * rate];
    signal input length;
    signal output commitment;

    component h[nBlocks];
    for (var k = 0; k < nBlocks; k++) {
        h[k] = Poseidon(rate + 1);
        if (k == 0) {
            h[k].inputs[0] <== length;
        } else {
            h[k].inputs[0] <== h[k - 1].out;
        }
        for (var j = 0; j < rate; j++) {
            h[k].inputs[1 + j] <== chunks[rate * k + j];
        }
    }
    commitment <== h[nBlocks - 1].out;
}

// 5 blocks x 7 chunks = 35 chunks = 1085 bytes capacity.
component main = DataCommitment(5, 7);
