import { beforeAll, describe, it } from "vitest";
import type { WitnessTester } from "../../src/circuits/constraint-check.js";
import { bumped, circuitInput, exactly, templateTester } from "./template-tester.js";

// DeliveryWindow(DELTA = 2, TICK_BITS = 8) (circuits/lib/message.circom): sendTick <= tick <= sendTick + DELTA
// when enabled. Each rule: a valid witness passes the R1CS, an attack witness fails that rule's range check.
const DELTA = 2;
const TICK_BITS = 8;
/** Constraints of the test main, pinned: a change to the template shows up here. */
const CONSTRAINTS = 18;
let t: WitnessTester;
const input = (sendTick: bigint, tick: bigint, enabled = 1n) => circuitInput({ enabled, sendTick, tick });

beforeAll(async () => {
  t = await templateTester("DeliveryWindow", "lib/message.circom", "DeliveryWindow", [DELTA, TICK_BITS]);
}, 300_000);

describe("DeliveryWindow(2, 8): deliveries within the bound pass the R1CS", () => {
  it.each([
    [10n, 10n],
    [10n, 11n],
    [10n, 12n],
  ])("sent at %i, delivered at %i", async (sendTick, tick) => {
    await t.expectPass(input(sendTick, tick));
  });

  it("disabled (an empty lane): any ticks", async () => {
    await t.expectPass(input(10n, 3n, 0n));
    await t.expectPass(input(10n, 200n, 0n));
  });

  it("constraints are pinned", () => {
    t.expectConstraintCount(CONSTRAINTS);
  });
});

describe("DeliveryWindow(2, 8): each bound refuses its attack", () => {
  it("a delivery DELTA + 1 ticks after the send (late)", async () => {
    t.expectConstraintFail(await t.attackWitness(input(10n, 13n)), /^main\.slackBits\./);
  });

  it("a delivery one tick before the send (early)", async () => {
    t.expectConstraintFail(await t.attackWitness(input(10n, 9n)), /^main\.lagBits\./);
  });

  it("an edited slack (a late delivery's remainder claimed in range) fails a constraint on it", async () => {
    const w = await t.expectPass(input(10n, 12n));
    t.expectConstraintFail(bumped(t, w, "main.slack"), exactly("main.slack"));
  });

  it("an edited lag fails a constraint on it", async () => {
    const w = await t.expectPass(input(10n, 11n));
    t.expectConstraintFail(bumped(t, w, "main.lag"), exactly("main.lag"));
  });
});
