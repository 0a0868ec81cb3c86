// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IProofVerifier} from "./IProofVerifier.sol";

/// @title ProofMarket: escrow, stake and settlement for proof requests; a proof is paid only when the program's
///        verifier accepts it for the public signals its request committed to.
/// @notice Money is native ETH, in wei. Every payment is a credit to an internal balance, paid out only by
///         `withdraw` (pull payments); every balance, escrow and stake change emits an event with its amounts.
///         The numbers mirror the off-chain ledger (src/domain/ledger.ts): fee = price × protocolFeeBps / 10000;
///         slash = lock × slashBps / 10000, of which slashBurnBps / 10000 burned and the rest to the requester;
///         overcommit: a new lock needs free stake ≥ lock + locked × overcommitBps / 10000.
///         Roles: the admin registers programs (once each, never replaced) and names the matchmaker; the
///         matchmaker (the coordinator) may lock a consenting prover's stake behind a request at a price no
///         higher than the request's maximum. Neither can move a requester's escrow to anyone without a proof.
contract ProofMarket {
    enum RequestStatus { None, Open, Fulfilled, Refunded, Cancelled }
    enum LockState { None, Active, Released, Slashed }
    enum SubmitterState { None, Consented, Active, Revoked }

    struct Request {
        address requester;
        uint64 deadline;
        RequestStatus status;
        LockState lockState;
        address prover;
        uint64 lockDeadline;
        uint128 maxPrice;
        uint128 price;
        uint128 lockedStake;
        bytes32 programId;
        bytes32 commitment;
    }

    struct Stake {
        uint128 free;
        uint128 locked;
        uint128 unstaking;
        uint64 unstakeAvailableAt;
        bool matchmakerAllowed;
    }

    struct Config {
        address treasury;
        address matchmaker;
        uint16 protocolFeeBps;
        uint32 overcommitBps;
        uint16 slashBps;
        uint16 slashBurnBps;
        uint64 slashWindow;
        uint64 unstakeDelay;
        uint64 proofTimeout;
        uint128 minStakeToBid;
    }

    address public immutable treasury;
    uint256 public immutable protocolFeeBps;
    uint256 public immutable overcommitBps;
    uint256 public immutable slashBps;
    uint256 public immutable slashBurnBps;
    uint256 public immutable slashWindow;
    uint256 public immutable unstakeDelay;
    uint256 public immutable proofTimeout;
    uint256 public immutable minStakeToBid;

    address public admin;
    address public matchmaker;
    /// Slashed stake destroyed: it stays in the contract, counted here, and nobody can withdraw it.
    uint256 public burned;
    mapping(address => uint256) public balances;
    mapping(bytes32 => Request) public requests;
    mapping(address => Stake) public stakes;
    mapping(bytes32 => IProofVerifier) public programs;
    mapping(address => mapping(address => SubmitterState)) public submitters;
    bool private transient entered;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);
    event RequestCreated(bytes32 indexed requestId, address indexed requester, bytes32 indexed programId, uint256 maxPrice, uint256 minStake, uint64 deadline, bytes32 commitment);
    event RequestLocked(bytes32 indexed requestId, address indexed prover, uint256 price, uint256 stakeLocked, uint64 lockDeadline);
    /// `prover` is credited price − fee, the treasury `fee`, the requester `requesterRefund` (escrow − price).
    event RequestFulfilled(bytes32 indexed requestId, address indexed prover, address submitter, uint256 price, uint256 fee, uint256 requesterRefund);
    event RequestRefunded(bytes32 indexed requestId, address indexed requester, uint256 amount);
    event RequestCancelled(bytes32 indexed requestId, address indexed requester, uint256 amount);
    event Staked(address indexed prover, uint256 amount);
    event UnstakeRequested(address indexed prover, uint256 amount, uint64 availableAt);
    event Unstaked(address indexed prover, uint256 amount);
    event StakeUnlocked(bytes32 indexed requestId, address indexed prover, uint256 amount);
    /// Of `locked`, `slashed` is taken (`burned` destroyed, `toRequester` credited) and the rest freed.
    event StakeSlashed(bytes32 indexed requestId, address indexed prover, address indexed requester, uint256 locked, uint256 slashed, uint256 burned, uint256 toRequester);
    event MatchmakerConsent(address indexed prover, bool allowed);
    event SubmitterConsented(address indexed prover, address indexed submitter);
    event SubmitterAuthorized(address indexed prover, address indexed submitter);
    event SubmitterRevoked(address indexed prover, address indexed submitter, address by);
    event ProgramRegistered(bytes32 indexed programId, address verifier);
    event MatchmakerChanged(address matchmaker);
    event AdminChanged(address admin);

    error Reentrancy();
    error NotAdmin();
    error NotMatchmaker();
    error NotRequester();
    error NotLockHolder();
    error NotProverOrSubmitter();
    error InvalidAmount();
    error InsufficientBalance(uint256 available, uint256 wanted);
    error InsufficientStake(uint256 available, uint256 wanted);
    error TransferFailed();
    error RequestExists();
    error UnknownProgram(bytes32 programId);
    error ProgramAlreadyRegistered(bytes32 programId);
    error DeadlineInPast();
    error RequestNotOpen();
    error RequestExpired();
    error RequestNotExpired();
    error RequestLockedAlready();
    error RequestNotLocked();
    error PriceAboveMax();
    error ProverNotConsenting();
    error StakeBelowMinimum();
    error StakeInsufficient();
    error PublicSignalsMismatch();
    error ProofInvalid();
    error LockNotActive();
    error SlashTooEarly();
    error SlashWindowClosed();
    error SlashWindowOpen();
    error UnstakeNotReady(uint64 availableAt);
    error SubmitterNotConsented();
    error SubmitterNotFound();
    error BatchShape();
    error BatchMixesPrograms();

    modifier nonReentrant() {
        if (entered) revert Reentrancy();
        entered = true;
        _;
        entered = false;
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin();
        _;
    }

    constructor(Config memory c) {
        if (c.protocolFeeBps > 10_000 || c.slashBps > 10_000 || c.slashBurnBps > 10_000) revert InvalidAmount();
        treasury = c.treasury;
        matchmaker = c.matchmaker;
        protocolFeeBps = c.protocolFeeBps;
        overcommitBps = c.overcommitBps;
        slashBps = c.slashBps;
        slashBurnBps = c.slashBurnBps;
        slashWindow = c.slashWindow;
        unstakeDelay = c.unstakeDelay;
        proofTimeout = c.proofTimeout;
        minStakeToBid = c.minStakeToBid;
        admin = msg.sender;
        emit AdminChanged(msg.sender);
        emit MatchmakerChanged(c.matchmaker);
    }

    // ── administration ─────────────────────────────────────────────────────────────────────────────────

    /// @notice Binds a program id to its verifier adapter, once: a request's verifier can never change under it.
    function registerProgram(bytes32 programId, IProofVerifier verifier) external onlyAdmin {
        if (address(programs[programId]) != address(0)) revert ProgramAlreadyRegistered(programId);
        programs[programId] = verifier;
        emit ProgramRegistered(programId, address(verifier));
    }

    function setMatchmaker(address matchmaker_) external onlyAdmin {
        matchmaker = matchmaker_;
        emit MatchmakerChanged(matchmaker_);
    }

    function setAdmin(address admin_) external onlyAdmin {
        admin = admin_;
        emit AdminChanged(admin_);
    }

    // ── money in and out ───────────────────────────────────────────────────────────────────────────────

    function deposit() external payable {
        credit(msg.sender, msg.value);
    }

    receive() external payable {
        credit(msg.sender, msg.value);
    }

    /// @notice Pays `amount` of the caller's free balance out to it (the only way ETH leaves the market).
    function withdraw(uint256 amount) external nonReentrant {
        if (amount == 0) revert InvalidAmount();
        uint256 available = balances[msg.sender];
        if (amount > available) revert InsufficientBalance(available, amount);
        balances[msg.sender] = available - amount;
        emit Withdrawn(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    function credit(address account, uint256 amount) private {
        if (amount == 0) return;
        balances[account] += amount;
        emit Deposited(account, amount);
    }

    function debit(address account, uint256 amount) private {
        uint256 available = balances[account];
        if (amount > available) revert InsufficientBalance(available, amount);
        balances[account] = available - amount;
    }

    // ── requests ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Opens a request and escrows `maxPrice` from the caller's balance (msg.value is deposited first).
    /// @param commitment keccak256 of the public signals a proof must carry, as 32-byte words (abi.encodePacked).
    function createRequest(bytes32 requestId, bytes32 programId, uint128 maxPrice, uint64 deadline, uint128 minStake, bytes32 commitment) external payable {
        if (requests[requestId].status != RequestStatus.None) revert RequestExists();
        if (address(programs[programId]) == address(0)) revert UnknownProgram(programId);
        if (deadline <= block.timestamp) revert DeadlineInPast();
        credit(msg.sender, msg.value);
        debit(msg.sender, maxPrice);
        Request storage r = requests[requestId];
        r.requester = msg.sender;
        r.deadline = deadline;
        r.status = RequestStatus.Open;
        r.maxPrice = maxPrice;
        r.lockedStake = minStake;
        r.programId = programId;
        r.commitment = commitment;
        emit RequestCreated(requestId, msg.sender, programId, maxPrice, minStake, deadline, commitment);
    }

    /// @notice The requester withdraws a request nobody has locked yet: the whole escrow back to its balance.
    function cancel(bytes32 requestId) external nonReentrant {
        Request storage r = requests[requestId];
        if (r.status != RequestStatus.Open) revert RequestNotOpen();
        if (msg.sender != r.requester) revert NotRequester();
        if (r.lockState != LockState.None) revert RequestLockedAlready();
        r.status = RequestStatus.Cancelled;
        balances[r.requester] += r.maxPrice;
        emit RequestCancelled(requestId, r.requester, r.maxPrice);
    }

    /// @notice After its deadline, anyone may return an unfulfilled request's escrow to its requester. A lock on it
    ///         stays slashable (see `slash`).
    function refund(bytes32 requestId) external nonReentrant {
        Request storage r = requests[requestId];
        if (r.status != RequestStatus.Open) revert RequestNotOpen();
        if (block.timestamp <= r.deadline) revert RequestNotExpired();
        r.status = RequestStatus.Refunded;
        balances[r.requester] += r.maxPrice;
        emit RequestRefunded(requestId, r.requester, r.maxPrice);
    }

    // ── assignment ─────────────────────────────────────────────────────────────────────────────────────

    /// @notice The matchmaker assigns an open request to a prover that allows it, at `price` ≤ its maximum, with
    ///         the request's minimum stake locked until `lockDeadline` = min(now + proofTimeout, deadline).
    ///         Rules as off chain: the prover needs minStakeToBid in all, and its free stake must cover the lock
    ///         plus overcommitBps of what it has locked already.
    function lock(bytes32 requestId, address prover, uint128 price) external {
        if (msg.sender != matchmaker) revert NotMatchmaker();
        Request storage r = requests[requestId];
        if (r.status != RequestStatus.Open) revert RequestNotOpen();
        if (block.timestamp > r.deadline) revert RequestExpired();
        if (r.lockState != LockState.None) revert RequestLockedAlready();
        if (price > r.maxPrice) revert PriceAboveMax();
        Stake storage s = stakes[prover];
        if (!s.matchmakerAllowed) revert ProverNotConsenting();
        uint128 amount = r.lockedStake;
        if (minStakeToBid != 0 || amount != 0) {
            if (uint256(s.free) + s.locked < minStakeToBid) revert StakeBelowMinimum();
            if (amount != 0 && s.free < uint256(amount) + (uint256(s.locked) * overcommitBps) / 10_000) revert StakeInsufficient();
        }
        s.free -= amount;
        s.locked += amount;
        uint256 due = block.timestamp + proofTimeout;
        uint64 lockDeadline = due < r.deadline ? uint64(due) : r.deadline;
        r.lockState = LockState.Active;
        r.prover = prover;
        r.price = price;
        r.lockDeadline = lockDeadline;
        emit RequestLocked(requestId, prover, price, amount, lockDeadline);
    }

    // ── fulfilment ─────────────────────────────────────────────────────────────────────────────────────

    /// @notice Settles a request with a proof its program's verifier accepts for the signals it committed to.
    ///         Until the lock's deadline only its holder (or the holder's active submitter) may, and the lock is
    ///         released. After it, until the request's deadline, anyone may: a prover (or its submitter) acting
    ///         for the holder is paid as the holder, anyone else is paid itself; the holder's lock stays
    ///         slashable, since the holder missed its deadline.
    function fulfill(bytes32 requestId, bytes calldata proof, uint256[] calldata publicSignals) external nonReentrant {
        Request storage r = requests[requestId];
        if (r.status != RequestStatus.Open) revert RequestNotOpen();
        if (keccak256(abi.encodePacked(publicSignals)) != r.commitment) revert PublicSignalsMismatch();
        IProofVerifier verifier = programs[r.programId];
        if (!verifier.verify(proof, publicSignals)) revert ProofInvalid();
        settle(requestId, r);
    }

    /// @notice Settles several requests of ONE program in one transaction: their proofs are verified together by
    ///         the program's adapter (`verifyBatch`: one randomized pairing product for Groth16), then each is
    ///         settled exactly as `fulfill` would. All or nothing: one bad item reverts the batch.
    function fulfillBatch(bytes32[] calldata requestIds, bytes[] calldata proofs, uint256[][] calldata publicSignals) external nonReentrant {
        uint256 n = requestIds.length;
        if (n == 0 || proofs.length != n || publicSignals.length != n) revert BatchShape();
        bytes32 programId = requests[requestIds[0]].programId;
        for (uint256 i = 0; i < n; i++) {
            Request storage r = requests[requestIds[i]];
            if (r.status != RequestStatus.Open) revert RequestNotOpen();
            if (r.programId != programId) revert BatchMixesPrograms();
            if (keccak256(abi.encodePacked(publicSignals[i])) != r.commitment) revert PublicSignalsMismatch();
        }
        IProofVerifier verifier = programs[programId];
        if (!verifier.verifyBatch(proofs, publicSignals)) revert ProofInvalid();
        for (uint256 i = 0; i < n; i++) settle(requestIds[i], requests[requestIds[i]]);
    }

    /// Checks who may settle now and credits everyone: payee price − fee, treasury fee, requester the rest.
    function settle(bytes32 requestId, Request storage r) private {
        if (r.status != RequestStatus.Open) revert RequestNotOpen();
        if (block.timestamp > r.deadline) revert RequestExpired();
        if (r.lockState == LockState.None) revert RequestNotLocked();
        address holder = r.prover;
        bool forHolder = msg.sender == holder || submitters[holder][msg.sender] == SubmitterState.Active;
        bool onTime = block.timestamp <= r.lockDeadline;
        if (onTime && !forHolder) revert NotLockHolder();
        address payee = forHolder ? holder : msg.sender;
        r.status = RequestStatus.Fulfilled;
        if (onTime) {
            r.lockState = LockState.Released;
            unlock(requestId, holder, r.lockedStake);
        }
        uint256 price = r.price;
        uint256 fee = (price * protocolFeeBps) / 10_000;
        uint256 rest = r.maxPrice - price;
        balances[payee] += price - fee;
        if (fee != 0) balances[treasury] += fee;
        if (rest != 0) balances[r.requester] += rest;
        emit RequestFulfilled(requestId, payee, msg.sender, price, fee, rest);
    }

    function unlock(bytes32 requestId, address prover, uint128 amount) private {
        Stake storage s = stakes[prover];
        s.locked -= amount;
        s.free += amount;
        emit StakeUnlocked(requestId, prover, amount);
    }

    // ── slashing ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Anyone may slash a lock whose holder missed its deadline, once, within slashWindow after it:
    ///         slashBps of the lock is taken, slashBurnBps of that burned and the rest credited to the
    ///         requester; the unslashed part returns to the holder's free stake.
    function slash(bytes32 requestId) external nonReentrant {
        Request storage r = requests[requestId];
        if (r.lockState != LockState.Active) revert LockNotActive();
        if (block.timestamp <= r.lockDeadline) revert SlashTooEarly();
        if (block.timestamp > uint256(r.lockDeadline) + slashWindow) revert SlashWindowClosed();
        r.lockState = LockState.Slashed;
        uint128 amount = r.lockedStake;
        uint256 slashed = (uint256(amount) * slashBps) / 10_000;
        uint256 burnt = (slashed * slashBurnBps) / 10_000;
        uint256 toRequester = slashed - burnt;
        Stake storage s = stakes[r.prover];
        s.locked -= amount;
        s.free += uint128(amount - slashed);
        burned += burnt;
        balances[r.requester] += toRequester;
        emit StakeSlashed(requestId, r.prover, r.requester, amount, slashed, burnt, toRequester);
    }

    /// @notice A missed lock nobody slashed within the window is only released (as off chain).
    function releaseLock(bytes32 requestId) external nonReentrant {
        Request storage r = requests[requestId];
        if (r.lockState != LockState.Active) revert LockNotActive();
        if (block.timestamp <= uint256(r.lockDeadline) + slashWindow) revert SlashWindowOpen();
        r.lockState = LockState.Released;
        unlock(requestId, r.prover, r.lockedStake);
    }

    // ── stake ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Moves `amount` from the caller's balance (after depositing msg.value) to its free stake.
    function stake(uint128 amount) external payable {
        if (amount == 0) revert InvalidAmount();
        credit(msg.sender, msg.value);
        debit(msg.sender, amount);
        stakes[msg.sender].free += amount;
        emit Staked(msg.sender, amount);
    }

    /// @notice Free stake on its way out: paid to the balance by `completeUnstake` after unstakeDelay (a new
    ///         request restarts the delay for everything unstaking).
    function requestUnstake(uint128 amount) external {
        Stake storage s = stakes[msg.sender];
        if (amount == 0) revert InvalidAmount();
        if (amount > s.free) revert InsufficientStake(s.free, amount);
        s.free -= amount;
        s.unstaking += amount;
        uint64 availableAt = uint64(block.timestamp + unstakeDelay);
        s.unstakeAvailableAt = availableAt;
        emit UnstakeRequested(msg.sender, amount, availableAt);
    }

    function completeUnstake() external nonReentrant {
        Stake storage s = stakes[msg.sender];
        uint128 amount = s.unstaking;
        if (amount == 0) revert InvalidAmount();
        if (block.timestamp < s.unstakeAvailableAt) revert UnstakeNotReady(s.unstakeAvailableAt);
        s.unstaking = 0;
        balances[msg.sender] += amount;
        emit Unstaked(msg.sender, amount);
    }

    /// @notice The prover lets (or stops letting) the matchmaker lock its stake behind assignments.
    function setMatchmakerConsent(bool allowed) external {
        stakes[msg.sender].matchmakerAllowed = allowed;
        emit MatchmakerConsent(msg.sender, allowed);
    }

    // ── submitters (as BrevisMarket): the submitter consents, the prover authorizes, either revokes ─────────

    function consentSubmitter(address prover) external {
        if (submitters[prover][msg.sender] == SubmitterState.Active) return;
        submitters[prover][msg.sender] = SubmitterState.Consented;
        emit SubmitterConsented(prover, msg.sender);
    }

    function authorizeSubmitter(address submitter) external {
        SubmitterState state = submitters[msg.sender][submitter];
        if (state != SubmitterState.Consented && state != SubmitterState.Active) revert SubmitterNotConsented();
        submitters[msg.sender][submitter] = SubmitterState.Active;
        emit SubmitterAuthorized(msg.sender, submitter);
    }

    function revokeSubmitter(address prover, address submitter) external {
        if (msg.sender != prover && msg.sender != submitter) revert NotProverOrSubmitter();
        if (submitters[prover][submitter] == SubmitterState.None) revert SubmitterNotFound();
        submitters[prover][submitter] = SubmitterState.Revoked;
        emit SubmitterRevoked(prover, submitter, msg.sender);
    }
}
