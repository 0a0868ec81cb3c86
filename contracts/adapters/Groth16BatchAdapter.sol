// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {SnarkjsVerifierAdapter} from "./SnarkjsVerifierAdapter.sol";

/// @notice A Groth16 program's adapter: one proof goes to the snarkjs-generated verifier; a batch of proofs under
///         the same key is checked in ONE pairing product, with a random linear combination.
/// @dev Each proof i must satisfy e(-A_i, B_i) · e(α, β) · e(vk_x_i, γ) · e(C_i, δ) = 1. Raising the i-th
///      equation to a random r_i and multiplying them all gives
///          Π e(-r_i·A_i, B_i) · e((Σ r_i)·α, β) · e(Σ r_i·vk_x_i, γ) · e(Σ r_i·C_i, δ) = 1
///      with n + 3 pairings instead of 4n, and Σ r_i·vk_x_i = (Σ r_i)·IC_0 + Σ_j (Σ_i r_i·x_ij)·IC_j needs only
///      nPublic + 1 scalar multiplications however large the batch. The r_i come from keccak256 of the whole
///      batch (Fiat–Shamir), so they are fixed only after every proof is: a batch holding an invalid proof passes
///      with probability about 1/r. BN254's G1 has cofactor 1 and the pairing precompile (EIP-197) checks that G2
///      points are in their subgroup, so no point can hide in a small subgroup.
contract Groth16BatchAdapter is SnarkjsVerifierAdapter {
    /// BN254 scalar field (the public signals' field) and base field (the coordinates').
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant P = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    /// The verification key, in the generated verifier's order: alpha (x, y), beta, gamma, delta (each x1, x2,
    /// y1, y2, as the precompile takes G2), then IC_0 … IC_nPublic (x, y).
    uint256[] private vk;

    error BadVerificationKey(uint256 length);

    constructor(address verifier_, uint256 nPublic_, uint256[] memory vk_) SnarkjsVerifierAdapter(verifier_, 0, nPublic_) {
        if (vk_.length != 14 + 2 * (nPublic_ + 1)) revert BadVerificationKey(vk_.length);
        vk = vk_;
    }

    function verificationKey() external view returns (uint256[] memory) {
        return vk;
    }

    function verifyBatch(bytes[] calldata proofs, uint256[][] calldata publicSignals) external view override returns (bool) {
        uint256 n = proofs.length;
        if (n != publicSignals.length) return false;
        if (n == 0) return true;
        if (n == 1) return verify(proofs[0], publicSignals[0]);
        for (uint256 i = 0; i < n; i++) {
            if (proofs[i].length != 256 || publicSignals[i].length != nPublic) return false;
            for (uint256 j = 0; j < nPublic; j++) if (publicSignals[i][j] >= R) return false;
        }
        bytes32 seed = keccak256(abi.encode(proofs, publicSignals));
        uint256[] memory pairs = new uint256[](6 * (n + 3));
        // acc: [Σ r_i, (Σ r_i·C_i).x, (Σ r_i·C_i).y, Σ r_i·x_i0, …, Σ r_i·x_i(nPublic-1)]
        uint256[] memory acc = new uint256[](3 + nPublic);
        for (uint256 i = 0; i < n; i++) {
            uint256 r = (uint256(keccak256(abi.encode(seed, i))) % (R - 1)) + 1;
            addSignals(acc, publicSignals[i], r);
            if (!addProof(pairs, acc, 6 * i, proofs[i], r)) return false;
        }
        return finish(pairs, acc, 6 * n);
    }

    function addSignals(uint256[] memory acc, uint256[] calldata signals, uint256 r) private pure {
        acc[0] = addmod(acc[0], r, R);
        for (uint256 j = 0; j < signals.length; j++) acc[3 + j] = addmod(acc[3 + j], mulmod(r, signals[j], R), R);
    }

    /// Writes the pair (-r·A, B) at offset o and adds r·C to (acc[1], acc[2]).
    function addProof(uint256[] memory pairs, uint256[] memory acc, uint256 o, bytes calldata proof, uint256 r) private view returns (bool) {
        uint256[8] memory w = abi.decode(proof, (uint256[8]));
        (bool ok, uint256 x, uint256 y) = mul(w[0], w[1], r);
        if (!ok) return false;
        pairs[o] = x;
        pairs[o + 1] = y == 0 ? 0 : P - y;
        pairs[o + 2] = w[2];
        pairs[o + 3] = w[3];
        pairs[o + 4] = w[4];
        pairs[o + 5] = w[5];
        (ok, x, y) = mul(w[6], w[7], r);
        if (!ok) return false;
        (ok, x, y) = add(acc[1], acc[2], x, y);
        acc[1] = x;
        acc[2] = y;
        return ok;
    }

    /// The three vk pairs after the proofs' own, then the pairing check.
    function finish(uint256[] memory pairs, uint256[] memory acc, uint256 o) private view returns (bool) {
        uint256[] memory key = vk;
        (bool ok, uint256 x, uint256 y) = mul(key[0], key[1], acc[0]);
        if (!ok) return false;
        setPair(pairs, o, x, y, key, 2);
        (ok, x, y) = combinedInputs(key, acc);
        if (!ok) return false;
        setPair(pairs, o + 6, x, y, key, 6);
        setPair(pairs, o + 12, acc[1], acc[2], key, 10);
        return pairing(pairs);
    }

    /// (Σ r_i)·IC_0 + Σ_j (Σ_i r_i·x_ij)·IC_(j+1).
    function combinedInputs(uint256[] memory key, uint256[] memory acc) private view returns (bool ok, uint256 x, uint256 y) {
        (ok, x, y) = mul(key[14], key[15], acc[0]);
        for (uint256 j = 0; ok && j < acc.length - 3; j++) {
            (bool okMul, uint256 px, uint256 py) = mul(key[16 + 2 * j], key[17 + 2 * j], acc[3 + j]);
            (ok, x, y) = okMul ? add(x, y, px, py) : (false, 0, 0);
        }
    }

    function setPair(uint256[] memory pairs, uint256 o, uint256 x, uint256 y, uint256[] memory key, uint256 g2) private pure {
        pairs[o] = x;
        pairs[o + 1] = y;
        pairs[o + 2] = key[g2];
        pairs[o + 3] = key[g2 + 1];
        pairs[o + 4] = key[g2 + 2];
        pairs[o + 5] = key[g2 + 3];
    }

    function mul(uint256 x, uint256 y, uint256 s) private view returns (bool ok, uint256 rx, uint256 ry) {
        uint256[3] memory input = [x, y, s];
        uint256[2] memory out;
        assembly {
            ok := staticcall(gas(), 7, input, 96, out, 64)
        }
        return (ok, out[0], out[1]);
    }

    function add(uint256 x1, uint256 y1, uint256 x2, uint256 y2) private view returns (bool ok, uint256 rx, uint256 ry) {
        uint256[4] memory input = [x1, y1, x2, y2];
        uint256[2] memory out;
        assembly {
            ok := staticcall(gas(), 6, input, 128, out, 64)
        }
        return (ok, out[0], out[1]);
    }

    function pairing(uint256[] memory pairs) private view returns (bool) {
        uint256[1] memory out;
        bool ok;
        assembly {
            ok := staticcall(gas(), 8, add(pairs, 32), mul(mload(pairs), 32), out, 32)
        }
        return ok && out[0] == 1;
    }
}
