// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title BabyJubjub
/// @notice EdDSA-Poseidon signature verification on L1 over Baby Jubjub (EIP-2494), the check of circomlib's
///         EdDSAPoseidonVerifier: S < l, S * B8 == R8 + h * (8 * A) with h = Poseidon(R8x, R8y, Ax, Ay, M).
///         Exodus exits use it: an account's owner is a Baby Jubjub key, and only it may say where its balance goes.
/// @dev Twisted Edwards curve a x^2 + y^2 = 1 + d x^2 y^2 over the BN254 scalar field (a = 168700, d = 168696);
///      its addition law is complete (a is a square, d is not), so addition needs no special cases. Scalar
///      multiplication runs in projective coordinates with one inversion (modexp precompile, EIP-198) at the end.
///      Poseidon is circomlibjs' contract, called by address.
library BabyJubjub {
    uint256 internal constant Q = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;
    /// @dev Order l of the prime-order subgroup that Base8 generates.
    uint256 internal constant SUB_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041;
    uint256 internal constant BASE8_X = 5299619240641551281634865583518297030282874472190772894086521144482721001553;
    uint256 internal constant BASE8_Y = 16950150798460657717958625567821834550301663161624707787222815936182638968203;

    /// @notice Whether (x, y) is a point of the curve (coordinates below Q).
    function onCurve(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= Q || y >= Q) return false;
        uint256 x2 = mulmod(x, x, Q);
        uint256 y2 = mulmod(y, y, Q);
        return addmod(mulmod(A, x2, Q), y2, Q) == addmod(1, mulmod(D, mulmod(x2, y2, Q), Q), Q);
    }

    /// @notice P1 + P2: x3 = (x1 y2 + y1 x2) / (1 + d x1 x2 y1 y2), y3 = (y1 y2 - a x1 x2) / (1 - d x1 x2 y1 y2).
    function add(uint256 x1, uint256 y1, uint256 x2, uint256 y2) internal view returns (uint256 x3, uint256 y3) {
        uint256 x1x2 = mulmod(x1, x2, Q);
        uint256 y1y2 = mulmod(y1, y2, Q);
        uint256 t = mulmod(D, mulmod(x1x2, y1y2, Q), Q);
        uint256 nx = addmod(mulmod(x1, y2, Q), mulmod(y1, x2, Q), Q);
        uint256 ny = addmod(y1y2, Q - mulmod(A, x1x2, Q), Q);
        uint256 dx = addmod(1, t, Q);
        uint256 dy = addmod(1, Q - t, Q);
        uint256 inv = _inverse(mulmod(dx, dy, Q)); // 1 / (dx dy): one inversion for both coordinates
        x3 = mulmod(nx, mulmod(inv, dy, Q), Q);
        y3 = mulmod(ny, mulmod(inv, dx, Q), Q);
    }

    /// @notice k * P by double-and-add over the bits of k (least significant first), in projective coordinates
    ///         (X : Y : Z) with one inversion at the end; k = 0 gives the identity (0, 1).
    function mul(uint256 x, uint256 y, uint256 k) internal view returns (uint256 rx, uint256 ry) {
        uint256[3] memory r = [uint256(0), 1, 1];
        uint256[3] memory p = [x, y, 1];
        while (k != 0) {
            if (k & 1 == 1) r = _addProjective(r, p);
            p = _addProjective(p, p);
            k >>= 1;
        }
        uint256 inv = _inverse(r[2]);
        (rx, ry) = (mulmod(r[0], inv, Q), mulmod(r[1], inv, Q));
    }

    /// @dev Projective twisted Edwards addition (Bernstein, Birkner, Joye, Lange, Peters 2008, "add-2008-bbjlp";
    ///      complete here, as the affine law): A = Z1 Z2, B = A^2, C = X1 X2, D = Y1 Y2, E = d C D, F = B - E, G = B + E,
    ///      X3 = A F ((X1 + Y1)(X2 + Y2) - C - D), Y3 = A G (D - a C), Z3 = F G.
    function _addProjective(uint256[3] memory p1, uint256[3] memory p2) private pure returns (uint256[3] memory p3) {
        uint256 a = mulmod(p1[2], p2[2], Q);
        uint256 b = mulmod(a, a, Q);
        uint256 c = mulmod(p1[0], p2[0], Q);
        uint256 d = mulmod(p1[1], p2[1], Q);
        uint256 e = mulmod(D, mulmod(c, d, Q), Q);
        uint256 f = addmod(b, Q - e, Q);
        uint256 g = addmod(b, e, Q);
        uint256 cross = mulmod(addmod(p1[0], p1[1], Q), addmod(p2[0], p2[1], Q), Q);
        p3[0] = mulmod(mulmod(a, f, Q), addmod(cross, Q - addmod(c, d, Q), Q), Q);
        p3[1] = mulmod(mulmod(a, g, Q), addmod(d, Q - mulmod(A, c, Q), Q), Q);
        p3[2] = mulmod(f, g, Q);
    }

    /// @notice Verifies an EdDSA-Poseidon signature (R8, S) of message `m` by public key A, as circomlib's
    ///         EdDSAPoseidonVerifier does (and circomlibjs' signPoseidon signs).
    /// @param poseidon5 circomlibjs' Poseidon contract of 5 inputs.
    function verify(address poseidon5, uint256 ax, uint256 ay, uint256 r8x, uint256 r8y, uint256 s, uint256 m) internal view returns (bool) {
        if (s >= SUB_ORDER || !onCurve(ax, ay) || !onCurve(r8x, r8y)) return false;
        (bool ok, bytes memory ret) = poseidon5.staticcall(
            abi.encodeWithSelector(bytes4(keccak256("poseidon(uint256[5])")), [r8x, r8y, ax, ay, m]));
        if (!ok || ret.length != 32) return false;
        return _holds(ax, ay, r8x, r8y, s, abi.decode(ret, (uint256)));
    }

    /// @dev S * B8 == R8 + h * (8 * A), with 8 * A of full order (its x not 0).
    function _holds(uint256 ax, uint256 ay, uint256 r8x, uint256 r8y, uint256 s, uint256 h) private view returns (bool) {
        (uint256 a8x, uint256 a8y) = add(ax, ay, ax, ay);
        (a8x, a8y) = add(a8x, a8y, a8x, a8y);
        (a8x, a8y) = add(a8x, a8y, a8x, a8y); // 8 * A
        if (a8x == 0) return false; // A of small order
        (uint256 hx, uint256 hy) = mul(a8x, a8y, h);
        (hx, hy) = add(r8x, r8y, hx, hy);
        (uint256 lx, uint256 ly) = mul(BASE8_X, BASE8_Y, s);
        return lx == hx && ly == hy;
    }

    /// @dev 1 / v mod Q by Fermat (v^(Q-2)) with the modexp precompile (EIP-198).
    function _inverse(uint256 v) private view returns (uint256 out) {
        (bool ok, bytes memory ret) = address(5).staticcall(abi.encode(32, 32, 32, v, Q - 2, Q));
        require(ok && ret.length == 32 && v != 0, "BabyJubjub: no inverse");
        out = abi.decode(ret, (uint256));
    }
}
