import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { buildBn128 } from "ffjavascript";

/**
 * Reader of the parts of a snarkjs Groth16 `.zkey` that say who made its phase 2: the Groth16
 * header (section 2: γ and δ in G2) and the MPC parameters (section 10: the circuit hash and every
 * contribution). Format: snarkjs 0.7 `src/zkey_utils.js` in the binary container of
 * @iden3/binfileutils (magic "zkey", u32 version, u32 section count, then per section u32 id,
 * u64 size, data; integers little-endian; points as little-endian Montgomery coordinates).
 */

const MAGIC = "zkey";
const GROTH16_PROTOCOL = 1;
const SECTION_PROTOCOL = 1;
const SECTION_GROTH_HEADER = 2;
const SECTION_MPC = 10;
/** BN254 base field modulus q: the only curve this project uses. */
const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const G1_BYTES = 64;
const G2_BYTES = 128;

/** One phase-2 contribution as snarkjs stores it. */
export interface ZkeyContribution {
  /** 1-based position in the chain, as `snarkjs zkey verify` numbers it. */
  index: number;
  /** 0 in the file: a contribution from a secret key; 1: a beacon, its key derived from public data. */
  type: "contribution" | "beacon";
  /** The contributor's name ("" when none was given). */
  name: string;
  /** Contribution hash: BLAKE2b-512 of the public key and transcript, 128 hex digits (what snarkjs prints in 4×4 groups). */
  hash: string;
  /** Beacons only: the public beacon value (hex) and the exponent of its SHA-256 iteration count. */
  beaconHash?: string;
  iterationsExp?: number;
}

/** What a zkey holds of its phase 2. */
export interface ZkeyPhase2 {
  nVars: number;
  nPublic: number;
  domainSize: number;
  /** True when δ (vk_delta_2) equals γ (vk_gamma_2): snarkjs' initial zkey, no contribution applied. */
  deltaEqualsGamma: boolean;
  /** Circuit hash of the MPC parameters (BLAKE2b-512, 128 hex digits), fixed by `zkey new`. */
  circuitHash: string;
  contributions: ZkeyContribution[];
}

interface Section {
  pos: number;
  size: number;
}

/** A cursor over a section's bytes; every read is bounds-checked and names the section. */
class Reader {
  private at = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}
  bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new Error(`${this.what}: truncated (needs ${this.at + n} bytes, has ${this.buf.length})`);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  u32(): number {
    return this.bytes(4).readUInt32LE(0);
  }
  u8(): number {
    return this.bytes(1)[0];
  }
  get offset(): number {
    return this.at;
  }
  get done(): boolean {
    return this.at === this.buf.length;
  }
}

const littleEndian = (b: Buffer): bigint => BigInt(`0x${Buffer.from(b).reverse().toString("hex") || "0"}`);

/**
 * Reads the phase-2 record of a zkey: sizes, whether δ = γ, the circuit hash and each contribution
 * with its hash (computed as snarkjs `hashPubKey` does: BLAKE2b-512 over deltaAfter, g1_s, g1_sx,
 * g2_spx in uncompressed form, then the transcript), so it can be compared with what each
 * contributor published. Reads only the header and MPC sections (a few kB), not the proving key.
 * Uses ffjavascript's cached BN254 curve (release it with releaseSnarkjsCurve).
 * @param path a .zkey file.
 * @throws Error `zkey: <path>: ...` when the file is missing, is not a Groth16 zkey over BN254,
 *   or a section is truncated or malformed.
 */
export async function readZkeyPhase2(path: string): Promise<ZkeyPhase2> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (e) {
    throw new Error(`zkey: ${path}: cannot open: ${(e as Error).message}`);
  }
  try {
    const { size } = await fh.stat();
    const read = async (pos: number, n: number, what: string): Promise<Buffer> => {
      if (pos + n > size) throw new Error(`zkey: ${path}: ${what}: truncated (ends at byte ${pos + n} of ${size})`);
      const buf = Buffer.alloc(n);
      await fh.read(buf, 0, n, pos);
      return buf;
    };
    const magic = (await read(0, Math.min(4, size), "magic")).toString("latin1");
    if (magic !== MAGIC) throw new Error(`zkey: ${path}: not a snarkjs zkey file (starts with ${JSON.stringify(magic)}, not "${MAGIC}")`);
    const head = await read(0, 12, "file header");
    const nSections = head.readUInt32LE(8);
    const sections = new Map<number, Section>();
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      const sh = await read(pos, 12, `header of section ${i + 1}`);
      const id = sh.readUInt32LE(0);
      const sectionSize = Number(sh.readBigUInt64LE(4));
      if (pos + 12 + sectionSize > size) throw new Error(`zkey: ${path}: section ${id}: truncated (${sectionSize} bytes declared, file ends first)`);
      if (sections.has(id)) throw new Error(`zkey: ${path}: section ${id} appears twice`);
      sections.set(id, { pos: pos + 12, size: sectionSize });
      pos += 12 + sectionSize;
    }
    const section = async (id: number, name: string): Promise<Reader> => {
      const s = sections.get(id);
      if (!s) throw new Error(`zkey: ${path}: no section ${id} (${name})`);
      return new Reader(await read(s.pos, s.size, `section ${id} (${name})`), `zkey: ${path}: section ${id} (${name})`);
    };
    const protocol = (await section(SECTION_PROTOCOL, "protocol")).u32();
    if (protocol !== GROTH16_PROTOCOL) throw new Error(`zkey: ${path}: protocol ${protocol} is not Groth16 (1)`);

    const h = await section(SECTION_GROTH_HEADER, "Groth16 header");
    const n8q = h.u32();
    const q = littleEndian(h.bytes(n8q));
    if (q !== BN254_Q) throw new Error(`zkey: ${path}: curve with q = ${q} is not BN254`);
    const n8r = h.u32();
    h.bytes(n8r);
    const nVars = h.u32();
    const nPublic = h.u32();
    const domainSize = h.u32();
    h.bytes(G1_BYTES); // alpha1
    h.bytes(G1_BYTES); // beta1
    h.bytes(G2_BYTES); // beta2
    const gamma2 = h.bytes(G2_BYTES);
    h.bytes(G1_BYTES); // delta1
    const delta2 = h.bytes(G2_BYTES);

    const m = await section(SECTION_MPC, "MPC parameters");
    const circuitHash = m.bytes(64).toString("hex");
    const n = m.u32();
    const curve = await buildBn128();
    const contributions: ZkeyContribution[] = [];
    for (let i = 0; i < n; i++) {
      const points = [m.bytes(G1_BYTES), m.bytes(G1_BYTES), m.bytes(G1_BYTES)]; // deltaAfter, g1_s, g1_sx
      const g2spx = m.bytes(G2_BYTES);
      const transcript = m.bytes(64);
      const type = m.u32();
      if (type !== 0 && type !== 1) throw new Error(`zkey: ${path}: contribution ${i + 1}: unknown type ${type}`);
      const paramLength = m.u32();
      const paramsEnd = m.offset + paramLength;
      const c: ZkeyContribution = { index: i + 1, type: type === 1 ? "beacon" : "contribution", name: "", hash: "" };
      let lastParam = 0;
      while (m.offset < paramsEnd) {
        const param = m.u8();
        if (param <= lastParam) throw new Error(`zkey: ${path}: contribution ${i + 1}: parameters out of order`);
        lastParam = param;
        if (param === 1) c.name = new TextDecoder().decode(m.bytes(m.u8()));
        else if (param === 2) c.iterationsExp = m.u8();
        else if (param === 3) c.beaconHash = m.bytes(m.u8()).toString("hex");
        else throw new Error(`zkey: ${path}: contribution ${i + 1}: unknown parameter ${param}`);
      }
      if (m.offset !== paramsEnd) throw new Error(`zkey: ${path}: contribution ${i + 1}: parameters overrun their length`);
      const hasher = createHash("blake2b512");
      for (const p of points) hasher.update(uncompressed(curve.G1, p));
      hasher.update(uncompressed(curve.G2, g2spx));
      hasher.update(transcript);
      c.hash = hasher.digest("hex");
      contributions.push(c);
    }
    if (!m.done) throw new Error(`zkey: ${path}: section ${SECTION_MPC} (MPC parameters): bytes after the last contribution`);
    return { nVars, nPublic, domainSize, deltaEqualsGamma: gamma2.equals(delta2), circuitHash, contributions };
  } finally {
    await fh.close();
  }
}

function uncompressed(group: { F: { n8: number }; toRprUncompressed(b: Uint8Array, o: number, p: Uint8Array): void }, lem: Buffer): Uint8Array {
  const out = new Uint8Array(group.F.n8 * 2);
  group.toRprUncompressed(out, 0, new Uint8Array(lem));
  return out;
}
