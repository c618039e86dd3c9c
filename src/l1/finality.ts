/** Chain ids of local development L1s (anvil and hardhat: 31337; geth --dev and ganache: 1337). */
const DEV_CHAIN_IDS = new Set([31337n, 1337n]);

/**
 * Ethereum's finality depth: a block is finalized by Casper FFG (Gasper) after two epochs of 32
 * slots each (Buterin et al., "Combining GHOST and Casper", 2020; consensus specs, phase0).
 */
export const ETHEREUM_FINALITY_BLOCKS = 64;

/**
 * The confirmation depth the service waits for before a batch on L1 counts as settled (final),
 * when the operator gives none: 0 on its own devnet or a local development chain (a reorg there is
 * only a test's `evm_revert`, which the service follows anyway), else ETHEREUM_FINALITY_BLOCKS.
 * @param chainId the L1's chain id (eth_chainId).
 * @param ownDevnet true when the service started the devnet itself (no --rpc-url).
 * @returns depth in L1 blocks below the head (0: final at inclusion).
 */
export function defaultConfirmationDepth(chainId: bigint, ownDevnet: boolean): number {
  return ownDevnet || DEV_CHAIN_IDS.has(chainId) ? 0 : ETHEREUM_FINALITY_BLOCKS;
}
