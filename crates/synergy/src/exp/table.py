"""Prints the table of crates/synergy/src/exp.rs from first principles.

Per j in 0..128, with v = 2^(j/128) to 60 significant digits: H is the
double nearest v and T the double nearest v/H - 1; the row holds the bits
of T and the bits of H less j * 2^45. Run: python3 table.py
"""
from decimal import Decimal, getcontext
import struct

getcontext().prec = 60


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


LN2 = Decimal(2).ln()
for j in range(128):
    v = (LN2 * j / 128).exp()
    h = float(v)  # float(Decimal) rounds to nearest
    t = float(v / Decimal(h) - 1)
    print("    0x%016x, 0x%016x," % (bits(t), (bits(h) - (j << 45)) % 2**64))
