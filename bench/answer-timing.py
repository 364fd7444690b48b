#!/usr/bin/env python3
"""When each answer leaves a real UDF process (issue 12, finding 1; BENCHMARKS.md "Agent core, second generation").

block  FAULTY_CMD...   four points in one write; the handler answers points 0 and 1, then blocks in the call for
                       point 2 for 3 s (released by this script creating SIGNALS/release) while point 3 waits queued;
                       no keepalive is sent (a KeepaliveResponse printed is the agent's own heartbeat).
slow   STAMP_CMD...    forty points in one write to a handler that takes 50 ms per point (kapacitor-udf-load
                       stamp-udf 50); prints each answer's arrival time.
Times are milliseconds from the write of the points to each answer read (time.monotonic).
"""
import os, shutil, subprocess, sys, tempfile, threading, time


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def string(num, s):
    return field(num, 2, s.encode())


def option(name, value):
    if isinstance(value, int):
        v = field(1, 0, varint(1)) + field(3, 0, varint(value))  # type INT, intValue
    else:
        v = field(1, 0, varint(3)) + string(5, value)  # type STRING, stringValue
    return field(1, 2, string(1, name) + field(2, 2, v))


def frame(request):
    return varint(len(request)) + request


def init(options):
    body = b"".join(option(k, v) for k, v in options.items()) + string(2, "answer-timing") + string(3, "n1")
    return frame(field(2, 2, body))


def point(t):
    body = field(1, 0, varint(t)) + string(2, "m") + field(9, 2, string(1, "v") + field(2, 0, varint(t)))
    return frame(field(17, 2, body))


def read_exact(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            raise EOFError("output ended")
        data += chunk
    return data


def read_varint(stream):
    shift = value = 0
    while True:
        b = read_exact(stream, 1)[0]
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value
        shift += 7


def parse(buf):
    """(field number, payload) pairs of one protobuf message, length-delimited and varint fields only."""
    i, fields = 0, []
    while i < len(buf):
        key, i = decode_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, i = decode_varint(buf, i)
        elif wire == 2:
            n, i = decode_varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        else:
            raise ValueError(f"wire type {wire}")
        fields.append((num, value))
    return fields


def decode_varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def read_response(stream):
    payload = read_exact(stream, read_varint(stream))
    (kind, body), = parse(payload)
    if kind == 17:
        times = [v for n, v in parse(body) if n == 1]
        return "point", times[0] if times else 0
    return {1: "info", 2: "init", 3: "keepalive", 6: "error"}.get(kind, str(kind)), None


def main():
    case, cmd = sys.argv[1], sys.argv[2:]
    signals = tempfile.mkdtemp(prefix="answer-timing-")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    if case == "block":
        proc.stdin.write(init({"fault": "block", "faultAfter": 2, "signals": signals}))
        count = 4
    else:
        proc.stdin.write(init({}))
        count = 40
    assert read_response(proc.stdout)[0] == "init"
    t0 = time.monotonic()
    released = []
    if case == "block":
        def release():
            time.sleep(3)
            released.append((time.monotonic() - t0) * 1000)
            open(os.path.join(signals, "release"), "w").close()
        threading.Thread(target=release, daemon=True).start()
    proc.stdin.write(b"".join(point(i) for i in range(count)))
    arrivals = []
    while sum(1 for a in arrivals if a[1] == "point") < count:
        kind, t = read_response(proc.stdout)
        arrivals.append(((time.monotonic() - t0) * 1000, kind, t))
    proc.stdin.close()
    code = proc.wait(10)
    for ms, kind, t in arrivals:
        print(f"{kind} {t}: {ms:8.1f} ms")
    if released:
        print(f"released the blocked call at {released[0]:.1f} ms")
    if case != "block":
        points = [a for a in arrivals if a[1] == "point"]
        gaps = [b[0] - a[0] for a, b in zip(points, points[1:])]
        gaps.sort()
        print(f"gaps between answers: min {gaps[0]:.1f} median {gaps[len(gaps) // 2]:.1f} max {gaps[-1]:.1f} ms")
    print(f"exit code {code}")
    shutil.rmtree(signals)


main()
