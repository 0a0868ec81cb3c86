// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice The one shape ProofMarket calls, whatever the proof system: an adapter per program wraps the
///         snarkjs-generated verifier of that program's key.
/// @dev `proof` is the system's proof as 32-byte words in snarkjs' Solidity calldata order (Groth16: a, b, c = 8
///      words, b's coordinates as snarkjs swaps them; PLONK and FFLONK: 24 words); `publicSignals` are the
///      circuit's public signals in snarkjs order. Both return false, never revert, for a proof that does not verify.
interface IProofVerifier {
    function verify(bytes calldata proof, uint256[] calldata publicSignals) external view returns (bool);

    /// True only if every proof verifies against its signals (a Groth16 adapter checks them all in one
    /// randomized pairing product; the others verify one by one).
    function verifyBatch(bytes[] calldata proofs, uint256[][] calldata publicSignals) external view returns (bool);
}
