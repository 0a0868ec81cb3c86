// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title JobEscrow: seed 004's escrow for compute jobs, with the MVP's flaws fixed.
/// @notice A requester escrows ETH for a job id; only that depositor may release it to a provider or cancel it
///         (refunding itself); a job is settled once: no double release, no release after a cancel, no top-up
///         after settlement. Payouts follow checks-effects-interactions behind a reentrancy guard.
contract JobEscrow {
    enum Status { None, Funded, Released, Cancelled }

    struct Job {
        address depositor;
        Status status;
        uint256 amount;
    }

    mapping(bytes32 => Job) private jobs;
    uint256 private entered = 1;

    event JobDeposited(string jobId, bytes32 indexed jobKey, address indexed depositor, uint256 amount, uint256 balance);
    event JobReleased(string jobId, bytes32 indexed jobKey, address indexed provider, uint256 amount);
    event JobCancelled(string jobId, bytes32 indexed jobKey, address indexed depositor, uint256 amount);

    error ZeroDeposit();
    error NotDepositor(address caller, address depositor);
    error JobNotFunded(string jobId);
    error ZeroProvider();
    error TransferFailed();
    error Reentrancy();

    modifier nonReentrant() {
        if (entered != 1) revert Reentrancy();
        entered = 2;
        _;
        entered = 1;
    }

    /// @notice Escrows msg.value for `jobId`. The first deposit fixes the depositor; later ones must come from it
    ///         and add to the balance while the job is still funded.
    function depositJob(string memory jobId) external payable {
        if (msg.value == 0) revert ZeroDeposit();
        bytes32 key = keccak256(bytes(jobId));
        Job storage job = jobs[key];
        if (job.status == Status.None) {
            job.depositor = msg.sender;
            job.status = Status.Funded;
        } else if (job.status != Status.Funded) {
            revert JobNotFunded(jobId);
        } else if (job.depositor != msg.sender) {
            revert NotDepositor(msg.sender, job.depositor);
        }
        job.amount += msg.value;
        emit JobDeposited(jobId, key, msg.sender, msg.value, job.amount);
    }

    /// @notice The depositor pays the whole balance of `jobId` to `provider`, once.
    function releaseJob(string memory jobId, address provider) external nonReentrant {
        if (provider == address(0)) revert ZeroProvider();
        (bytes32 key, uint256 amount) = settle(jobId, Status.Released);
        emit JobReleased(jobId, key, provider, amount);
        pay(provider, amount);
    }

    /// @notice The depositor takes the whole balance of `jobId` back, once; the job can then never be released.
    function cancelJob(string memory jobId) external nonReentrant {
        (bytes32 key, uint256 amount) = settle(jobId, Status.Cancelled);
        emit JobCancelled(jobId, key, msg.sender, amount);
        pay(msg.sender, amount);
    }

    /// @notice What `jobId` holds now (0 once released or cancelled, or never funded).
    function getJobBalance(string memory jobId) external view returns (uint256) {
        return jobs[keccak256(bytes(jobId))].amount;
    }

    /// @notice The job's depositor and status (0 none, 1 funded, 2 released, 3 cancelled).
    function getJob(string memory jobId) external view returns (address depositor, Status status, uint256 amount) {
        Job storage job = jobs[keccak256(bytes(jobId))];
        return (job.depositor, job.status, job.amount);
    }

    /// Checks and effects of a settlement: only the depositor, only a funded job; the balance is zeroed first.
    function settle(string memory jobId, Status to) private returns (bytes32 key, uint256 amount) {
        key = keccak256(bytes(jobId));
        Job storage job = jobs[key];
        if (job.status != Status.Funded) revert JobNotFunded(jobId);
        if (job.depositor != msg.sender) revert NotDepositor(msg.sender, job.depositor);
        amount = job.amount;
        job.amount = 0;
        job.status = to;
    }

    function pay(address to, uint256 amount) private {
        (bool ok, ) = to.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }
}
