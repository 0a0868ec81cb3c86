// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice Test-only: a participant that, when paid, calls back into the contract that paid it (once per arming)
///         and records whether that call went through, to check every payout refuses reentry.
contract ReentrantReceiver {
    address public attackTarget;
    bytes public attackData;
    bool public armed;
    uint256 public reentries;
    bool public lastReentryOk;
    bytes public lastReentryError;
    uint256 public received;

    /// Calls `target` with `data` and msg.value as this contract (so it can deposit, stake, withdraw, ...).
    function execute(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// The next payment this contract receives makes it call `target` with `data`.
    function arm(address target, bytes calldata data) external {
        attackTarget = target;
        attackData = data;
        armed = true;
    }

    receive() external payable {
        received += msg.value;
        if (!armed) return;
        armed = false;
        reentries += 1;
        (bool ok, bytes memory ret) = attackTarget.call(attackData);
        lastReentryOk = ok;
        lastReentryError = ret;
    }
}
