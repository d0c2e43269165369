"""Tracker side of the interop tests: run an opentracker binary on loopback and talk to it.

Used by tests/interop/*_test.py. Everything here is the Python standard library, so it works with
/usr/bin/python3 (Debian's, the one that has python3-libtorrent). It starts the tracker from a config
file, waits until it answers, reads /stats counters, scrapes over HTTP and UDP (BEP 15), and stops the
tracker with SIGINT (its documented orderly shutdown) checking that it exits 0.
"""
import errno
import http.client
import os
import random
import signal
import socket
import struct
import subprocess
import time
import urllib.parse

HOST4 = "127.0.0.1"
HOST6 = "::1"


def ipv6_loopback_available():
    """True when a TCP and a UDP socket can be bound to [::1] (no IPv6 on lo makes this fail)."""
    if not socket.has_ipv6:
        return False
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        try:
            with socket.socket(socket.AF_INET6, kind) as s:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind((HOST6, 0))
        except OSError:
            return False
    return True


def _family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(hosts, exclude=()):
    """A port that is free for TCP and UDP on every address in `hosts` right now.

    The kernel picks a TCP port on the first address; it is kept only if the other (address, protocol)
    pairs can bind it too. There is an unavoidable race with other processes until the caller binds it.
    """
    for _ in range(200):
        with socket.socket(_family(hosts[0]), socket.SOCK_STREAM) as s:
            s.bind((hosts[0], 0))
            port = s.getsockname()[1]
        if port in exclude:
            continue
        ok = True
        for host in hosts:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(_family(host), kind)
                try:
                    if _family(host) == socket.AF_INET6:
                        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    s.bind((host, port))
                except OSError:
                    ok = False
                finally:
                    s.close()
        if ok:
            return port
    raise RuntimeError("no port free for TCP and UDP on %s" % ", ".join(hosts))


def url_host(host):
    """`host` as it appears in a URL authority (IPv6 literals in brackets)."""
    return "[%s]" % host if ":" in host else host


def http_get(host, port, target, timeout=5.0):
    """GET `target` from host:port; returns (status, body bytes). Never uses proxy settings."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", target, headers={"Connection": "close"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def bdecode(data):
    """Minimal bencode decoder for tracker replies (dict keys stay bytes). Raises ValueError."""
    def dec(i):
        c = data[i:i + 1]
        if c == b"i":
            j = data.index(b"e", i)
            return int(data[i + 1:j]), j + 1
        if c in (b"l", b"d"):
            i += 1
            items = []
            while data[i:i + 1] != b"e":
                if i >= len(data):
                    raise ValueError("unterminated container")
                v, i = dec(i)
                items.append(v)
            if c == b"l":
                return items, i + 1
            return dict(zip(items[0::2], items[1::2])), i + 1
        if c.isdigit():
            j = data.index(b":", i)
            n = int(data[i:j])
            if j + 1 + n > len(data):
                raise ValueError("string runs past the end")
            return data[j + 1:j + 1 + n], j + 1 + n
        raise ValueError("bad bencode at offset %d" % i)
    value, end = dec(0)
    if end != len(data):
        raise ValueError("%d trailing bytes" % (len(data) - end))
    return value


def http_scrape(host, port, info_hash):
    """Scrape one torrent over HTTP. Returns dict(complete=, downloaded=, incomplete=) or raises."""
    target = "/scrape?info_hash=" + urllib.parse.quote_from_bytes(info_hash, safe="")
    status, body = http_get(host, port, target)
    if status != 200:
        raise RuntimeError("scrape answered HTTP %d: %r" % (status, body[:200]))
    files = bdecode(body).get(b"files", {})
    if info_hash not in files:
        raise RuntimeError("scrape reply does not list the torrent: %r" % body[:300])
    entry = files[info_hash]
    return {k: entry.get(k.encode()) for k in ("complete", "downloaded", "incomplete")}


def udp_scrape(host, port, info_hash, timeout=3.0, tries=3):
    """Scrape one torrent over UDP (BEP 15 connect + scrape). Same result as http_scrape."""
    with socket.socket(_family(host), socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect((host, port))

        def exchange(packet, action, tid):
            last = None
            for _ in range(tries):
                s.send(packet)
                try:
                    reply = s.recv(2048)
                except socket.timeout as exc:
                    last = exc
                    continue
                if len(reply) >= 8:
                    r_action, r_tid = struct.unpack_from("!II", reply)
                    if r_tid == tid and r_action == 3:
                        raise RuntimeError("UDP tracker error: %r" % reply[8:])
                    if r_tid == tid and r_action == action:
                        return reply
                last = RuntimeError("unexpected UDP reply %r" % reply[:64])
            raise RuntimeError("no UDP reply from %s:%d (%s)" % (host, port, last))

        tid = random.getrandbits(32)
        reply = exchange(struct.pack("!QII", 0x41727101980, 0, tid), 0, tid)
        if len(reply) < 16:
            raise RuntimeError("short UDP connect reply %r" % reply)
        (connection_id,) = struct.unpack_from("!Q", reply, 8)
        tid = random.getrandbits(32)
        reply = exchange(struct.pack("!QII", connection_id, 2, tid) + info_hash, 2, tid)
        if len(reply) < 20:
            raise RuntimeError("short UDP scrape reply %r" % reply)
        seeders, completed, leechers = struct.unpack_from("!III", reply, 8)
        return {"complete": seeders, "downloaded": completed, "incomplete": leechers}


def write_file(path, data, mode=0o644):
    """Write a file the tracker can read after it dropped root to `nobody`."""
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.chmod(path, mode)


class Tracker:
    """One tracker process started with `-f <conf>`; stats queries go to 127.0.0.1:port."""

    def __init__(self, binary, workdir, port, hosts, extra_config=()):
        self.binary = binary
        self.workdir = workdir
        self.port = port
        self.hosts = hosts
        self.conf = os.path.join(workdir, "opentracker.conf")
        lines = ["listen.tcp_udp %s:%d" % (url_host(h), port) for h in hosts]
        lines += list(extra_config)
        write_file(self.conf, "\n".join(lines) + "\n")
        self.stdout_path = os.path.join(workdir, "tracker.stdout")
        self.stderr_path = os.path.join(workdir, "tracker.stderr")
        self.proc = None
        self.exit_status = None

    def start(self, ready_timeout=10.0):
        """Start the process and poll /stats?mode=version until it answers 200. Raises on failure."""
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([self.binary, "-f", self.conf], stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, cwd=self.workdir)
        deadline = time.monotonic() + ready_timeout
        last = "no attempt"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.exit_status = self.proc.returncode
                raise RuntimeError("tracker exited with status %d during start-up" % self.proc.returncode)
            try:
                status, body = http_get(HOST4 if HOST4 in self.hosts else self.hosts[0], self.port,
                                        "/stats?mode=version", timeout=1.0)
                if status == 200:
                    return
                last = "HTTP %d %r" % (status, body[:100])
            except OSError as exc:
                last = str(exc)
            time.sleep(0.1)
        raise RuntimeError("tracker not ready after %.0f s (last: %s)" % (ready_timeout, last))

    def stats_lines(self, mode):
        """The integer first two lines of an MRTG-style /stats mode (tcp4, udp4, ...)."""
        status, body = http_get(HOST4 if HOST4 in self.hosts else self.hosts[0], self.port,
                                "/stats?mode=" + mode)
        if status != 200:
            raise RuntimeError("/stats?mode=%s answered HTTP %d: %r" % (mode, status, body[:200]))
        lines = body.decode("ascii", "replace").split("\n")
        try:
            return int(lines[0]), int(lines[1])
        except (IndexError, ValueError):
            raise RuntimeError("/stats?mode=%s body not MRTG-style: %r" % (mode, body[:200]))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10.0):
        """SIGINT, wait; returns the exit status (SIGKILLs and returns None if it does not exit)."""
        if self.proc is None:
            return self.exit_status
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGINT)
            except OSError as exc:
                if exc.errno != errno.ESRCH:
                    raise
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.exit_status = None
                self.proc = None
                return None
        self.exit_status = self.proc.returncode
        self.proc = None
        return self.exit_status

    def output(self):
        """The tracker's captured stdout and stderr, for failure reports."""
        parts = []
        for name, path in (("stdout", self.stdout_path), ("stderr", self.stderr_path)):
            try:
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
            except OSError:
                continue
            if text:
                parts.append("--- tracker %s ---\n%s" % (name, text.rstrip("\n")))
        return "\n".join(parts)
