pragma circom 2.0.0;

// range-proof: proves that a private 64-bit unsigned integer `value` satisfies
// min <= value <= max, where `min` and `max` are public 64-bit unsigned integers.
//
// Public signals (snarkjs order): [min, max]. The circuit has no outputs, so
// nothing derived from `value` is revealed.
//
// All three inputs are range-checked with Num2Bits(64), so no field element
// outside [0, 2^64) (e.g. a "negative" p - k) can satisfy the comparisons.
// circomlib's LessEqThan(64) is only sound for inputs < 2^64, which these checks guarantee.

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

template RangeProof(n) {
    // Declaration order fixes the public signal order: min, then max.
    signal input min;
    signal input max;
    signal input value;

    component minBits = Num2Bits(n);
    minBits.in <== min;
    component maxBits = Num2Bits(n);
    maxBits.in <== max;
    component valueBits = Num2Bits(n);
    valueBits.in <== value;

    // min <= value
    component lower = LessEqThan(n);
    lower.in[0] <== min;
    lower.in[1] <== value;
    lower.out === 1;

    // value <= max
    component upper = LessEqThan(n);
    upper.in[0] <== value;
    upper.in[1] <== max;
    upper.out === 1;
}

component main {public [min, max]} = RangeProof(64);
