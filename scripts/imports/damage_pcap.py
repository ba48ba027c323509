#!/usr/bin/env python3
"""Makes a damaged copy of a loopback capture, for the reassembly tests.

Usage: damage_pcap.py IN.pcap SERVER_PORT OUT.pcapng

From a tcpdump capture (pcap, Ethernet) of one IMAP connection, writes a pcapng
file in which the server's data comes
  - reordered: the segment answering SELECT is cut in two and the halves sent in
    reverse order (no acknowledgment between them, so only the order changed);
  - lost inside a literal: the segment carrying the FETCH BODY[] literal is cut in
    three and the middle third dropped;
  - lost at a line: the segment answering NOOP is dropped whole;
and a retransmission: the segment answering LOGIN is sent twice.
The client's acknowledgments are kept, so a reader can tell lost from late.
Checksums are not recomputed (readers of captures do not check them).
"""
import struct
import sys

src, server_port, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(src, "rb").read()
magic = data[:4]
assert magic == b"\xd4\xc3\xb2\xa1", "a little-endian microsecond pcap, as tcpdump writes"
linktype = struct.unpack("<I", data[20:24])[0]
assert linktype == 1, "Ethernet (tcpdump -i lo)"
frames = []
at = 24
while at < len(data):
    sec, usec, caplen, wirelen = struct.unpack("<IIII", data[at:at + 16])
    frames.append([sec * 1_000_000 + usec, data[at + 16:at + 16 + caplen]])
    at += 16 + caplen


def parts(frame):
    eth, ip = frame[:14], frame[14:]
    ihl = (ip[0] & 15) * 4
    tcp = ip[ihl:]
    off = (tcp[12] >> 4) * 4
    return eth, ip[:ihl], tcp[:off], tcp[off:]


def build(eth, iph, tcph, payload, seq):
    iph = bytearray(iph)
    struct.pack_into(">H", iph, 2, len(iph) + len(tcph) + len(payload))
    tcph = bytearray(tcph)
    struct.pack_into(">I", tcph, 4, seq)
    return bytes(eth) + bytes(iph) + bytes(tcph) + payload


def cut(frame, sizes):
    eth, iph, tcph, payload = parts(frame)
    seq = struct.unpack(">I", tcph[4:8])[0]
    pieces, start = [], 0
    for size in sizes + [len(payload)]:
        end = min(start + size, len(payload)) if size != len(payload) else len(payload)
        if end > start:
            pieces.append(build(eth, iph, tcph, payload[start:end], (seq + start) & 0xffffffff))
        start = end
    return pieces


out = []
done = set()
for time, frame in frames:
    eth, iph, tcph, payload = parts(frame)
    sport = struct.unpack(">H", tcph[:2])[0]
    if sport != server_port or not payload:
        out.append((time, frame))
        continue
    if b"Select completed" in payload and "reorder" not in done:
        a, b = cut(frame, [len(payload) // 2])
        out += [(time, b), (time + 1, a)]
        done.add("reorder")
    elif b"BODY[] {" in payload and "literal" not in done:
        third = len(payload) // 3
        a, _, c = cut(frame, [third, third])
        out += [(time, a), (time + 1, c)]
        done.add("literal")
    elif b"NOOP completed" in payload and "line" not in done:
        done.add("line")
    elif b"Logged in" in payload and "again" not in done:
        out += [(time, frame), (time + 2, frame)]
        done.add("again")
    else:
        out.append((time, frame))
assert done == {"reorder", "literal", "line", "again"}, done


def block(kind, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", kind, n) + body + struct.pack("<I", n)


shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
idb = block(1, struct.pack("<HHI", 1, 0, 0))
epbs = b"".join(
    block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xffffffff, len(f), len(f)) + f)
    for t, f in out)
open(dst, "wb").write(shb + idb + epbs)
print(f"wrote {dst}: {len(out)} packets from {len(frames)}")
