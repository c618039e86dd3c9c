import { describe, expect, it } from "vitest";
import { getCurveFromName } from "ffjavascript";
import { readR1cs } from "r1csfile";
import { SCALAR_FIELD } from "../src/crypto/field.js";
import { compileInstance } from "../src/circuits/compile.js";
import { loadInstance } from "../src/circuits/manifest.js";
import { clusterDomain } from "../src/protocol/domain.js";
import { checkGenesisChain } from "../src/l1/deploy.js";

describe("the scalar field, from one place", () => {
  it("SCALAR_FIELD is ffjavascript's bn128 r (the curve snarkjs proves on) and the prime of the compiled r1cs", async () => {
    const curve = await getCurveFromName("bn128", true);
    try {
      expect(BigInt(curve.r)).toBe(SCALAR_FIELD);
    } finally {
      await curve.terminate();
    }
    const r1cs = await readR1cs((await compileInstance(loadInstance("test"))).r1cs, {
      loadConstraints: false,
      getFieldFromPrime: async (p: bigint) => ({ p }),
    } as never);
    expect((r1cs as unknown as { prime: bigint }).prime).toBe(SCALAR_FIELD);
  }, 120_000);

  it("the signing domain is a field element, differs per L1 and per cluster, and refuses out-of-range ids", () => {
    const d = clusterDomain(31337n, 7n);
    expect(d < SCALAR_FIELD).toBe(true);
    expect(clusterDomain(1n, 7n)).not.toBe(d);
    expect(clusterDomain(31337n, 8n)).not.toBe(d);
    expect(() => clusterDomain(31337n, 1n << 256n)).toThrow(/^clusterId: /);
  });

  it("a genesis made for another L1 is refused before deployment, naming genesis.l1ChainId", () => {
    expect(() => checkGenesisChain({ l1ChainId: 1 }, 31337n, "http://127.0.0.1:8545")).toThrow(
      /^genesis\.l1ChainId: the genesis is for L1 chain 1, but http:\/\/127\.0\.0\.1:8545 is chain 31337/,
    );
    expect(() => checkGenesisChain({ l1ChainId: 31337 }, 31337n, "http://127.0.0.1:8545")).not.toThrow();
  });
});
