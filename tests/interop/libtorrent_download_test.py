#!/usr/bin/python3
"""Interop test: two real BitTorrent clients (libtorrent 2.0) find each other through the tracker.

    /usr/bin/python3 libtorrent_download_test.py --tracker <opentracker binary> [--reference]

For each of http://127.0.0.1, udp://127.0.0.1, http://[::1] and udp://[::1] a seeding and a
downloading libtorrent session are started on loopback with every other peer source disabled. The
downloader must complete, its bytes must equal the original, and the tracker must show the swarm:
a scrape (HTTP or UDP, matching the case) lists the seeder(s) and downloaded >= 1, and the tcp4 or
udp4 /stats counters have grown. One line per case; exit 0 if all ran and passed, 77 if nothing
could run (printed reason), 1 otherwise. Failures print both sessions' alert logs and the tracker's
output.

--reference runs Debian's IPv4-only whitelist build (/usr/bin/opentracker): it gets an
access.whitelist with the torrents' info hashes and access.stats 127.0.0.1, and only the v4 cases run.
"""
import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

SKIP = 77
SCRIPT_BUDGET = 170.0  # seconds for the whole script (ctest allows 300)
DOWNLOAD_BUDGET = 55.0  # seconds from adding the torrent to the downloader until it is complete
SEED_BUDGET = 20.0  # seconds for the seeder to check its data and get a tracker reply
PIECE_SIZE = 32 * 1024
DOWNLOAD_RATE = 1024 * 1024  # bytes/s
PAYLOAD_SIZES = (1024 * 1024, 512 * 1024 + 7, 300001)  # ~1.8 MiB, last pieces partial

try:
    import libtorrent as lt  # noqa: E402  (Debian's python3-libtorrent)
except ImportError as exc:
    print("SKIP: python3-libtorrent is not importable by %s (%s)" % (sys.executable, exc))
    sys.exit(SKIP)

import bt_peers  # noqa: E402
import tracker_harness as th  # noqa: E402


class Case:
    def __init__(self, name, scheme, host):
        self.name = name
        self.scheme = scheme
        self.host = host
        self.url = None
        self.ti = None
        self.info_hash = None
        self.digests = None
        self.dir = None
        self.skip_reason = None

    def tracker_url(self, port):
        if self.scheme == "http":
            return "http://%s:%d/announce" % (th.url_host(self.host), port)
        return "udp://%s:%d" % (th.url_host(self.host), port)


class CaseFailure(Exception):
    pass


def wait_for(peers, predicate, timeout, what):
    """Pump alerts of all peers every 50 ms until predicate() is true; CaseFailure on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        for p in peers:
            p.pump()
        if predicate():
            return
        if time.monotonic() >= deadline:
            raise CaseFailure("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(0.02)


def run_case(case, tracker, script_deadline):
    """Run one seeder/downloader pair through the tracker; returns the result text or raises."""
    t0 = time.monotonic()
    counter_mode = "tcp4" if case.scheme == "http" else "udp4"
    before = tracker.stats_lines(counter_mode)
    used_ports = {tracker.port}
    seed_port = th.free_port([case.host], exclude=used_ports)
    used_ports.add(seed_port)
    seeder = bt_peers.Peer("seed", case.host, seed_port, t0)
    leech = None
    peers = [seeder]
    notes = []
    try:
        seeder.add(case.ti, os.path.join(case.dir, "src"), seed=True)

        def remaining(budget):
            return max(1.0, min(budget, script_deadline - time.monotonic()))

        wait_for(peers, lambda: seeder.status().is_seeding
                 and seeder.count(lt.tracker_reply_alert) > 0,
                 remaining(SEED_BUDGET), "the seeder to be seeding and get a tracker reply")

        leech_port = th.free_port([case.host], exclude=used_ports)
        leech = bt_peers.Peer("leech", case.host, leech_port, t0)
        peers.append(leech)
        os.makedirs(os.path.join(case.dir, "dst"), exist_ok=True)
        t_add = time.monotonic()
        leech.add(case.ti, os.path.join(case.dir, "dst"), seed=False)
        # Slow enough (~2 s) that the peer list is sampled while the transfer runs, which shows
        # where the downloader got the seeder from.
        leech.handle.set_download_limit(DOWNLOAD_RATE)
        wait_for(peers, lambda: leech.count(lt.torrent_finished_alert) > 0,
                 remaining(DOWNLOAD_BUDGET), "the download to finish")
        elapsed = time.monotonic() - t_add
        finished_at = next(i for i, a in enumerate(leech.alerts) if isinstance(a, lt.torrent_finished_alert))

        # libtorrent announces `completed` right after finishing; the scrape should see it.
        try:
            wait_for(peers, lambda: leech.count(lt.tracker_reply_alert, finished_at) > 0,
                     remaining(15.0), "the downloader's `completed` announce to be answered")
        except CaseFailure as exc:
            notes.append(str(exc))

        got = bt_peers.file_digests(os.path.join(case.dir, "dst"), case.digests)
        bad = sorted(rel for rel, digest in case.digests.items() if got[rel] != digest)
        if bad:
            raise CaseFailure("downloaded data differs from the original in %s" % ", ".join(bad))

        # The tracker must have been the peer source: every peer the downloader saw came from it (or
        # connected to the downloader, having learnt its address from the tracker).
        forbidden = bt_peers.SOURCE_DHT | bt_peers.SOURCE_PEX | bt_peers.SOURCE_LSD | bt_peers.SOURCE_RESUME
        for addr, source in sorted(leech.sources_seen.items()):
            if source & forbidden:
                raise CaseFailure("downloader got peer %s from a non-tracker source (0x%02x)" % (addr, source))
        if not any(s & (bt_peers.SOURCE_TRACKER | bt_peers.SOURCE_INCOMING)
                   for s in leech.sources_seen.values()):
            raise CaseFailure("downloader finished without a peer from the tracker (seen: %r)"
                              % leech.sources_seen)
        if not any(isinstance(a, lt.tracker_reply_alert) for a in leech.alerts[:finished_at]):
            raise CaseFailure("downloader finished without any tracker reply")

        if case.scheme == "http":
            scrape = th.http_scrape(case.host, tracker.port, case.info_hash)
        else:
            scrape = th.udp_scrape(case.host, tracker.port, case.info_hash)
        if not (scrape["complete"] or 0) >= 1 or not (scrape["downloaded"] or 0) >= 1:
            raise CaseFailure("scrape does not show the swarm: %r" % scrape)

        after = tracker.stats_lines(counter_mode)
        grew = (after[0] - before[0], after[1] - before[1])
        if grew[0] < 2 or grew[1] < 2:
            raise CaseFailure("/stats?mode=%s did not grow by the announces: %r -> %r"
                              % (counter_mode, before, after))

        mib = sum(PAYLOAD_SIZES) / 1048576.0
        text = ("%.1f MiB in %.1f s; scrape complete=%s downloaded=%s incomplete=%s; %s +%d/+%d"
                % (mib, elapsed, scrape["complete"], scrape["downloaded"], scrape["incomplete"],
                   counter_mode, grew[0], grew[1]))
        if notes:
            text += " (note: %s)" % "; ".join(notes)
        return text, peers
    except BaseException:
        for p in peers:
            try:
                p.pump()
            except Exception:  # noqa: BLE001  (the report matters more than a second error)
                pass
        raise
    finally:
        case.peers_for_report = peers


def print_logs(case, tracker):
    peers = getattr(case, "peers_for_report", [])
    lines = []
    for p in peers:
        lines.extend(p.log)
    lines.sort(key=lambda line: float(line.split("[", 1)[0]))
    print("--- alert log of case %s (seconds since case start) ---" % case.name)
    for line in lines:
        print("    " + line)
    out = tracker.output()
    if out:
        print(out)
    sys.stdout.flush()


def close_peers(case):
    for p in getattr(case, "peers_for_report", []):
        try:
            p.close()
        except Exception as exc:  # noqa: BLE001
            print("warning: closing %s session failed: %s" % (p.label, exc))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracker", required=True, help="path of the opentracker binary")
    parser.add_argument("--reference", action="store_true",
                        help="Debian's IPv4-only whitelist opentracker: whitelist + access.stats, v4 only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--verbose", action="store_true", help="print the alert logs of passing cases too")
    args = parser.parse_args()

    if not (os.path.isfile(args.tracker) and os.access(args.tracker, os.X_OK)):
        print("FAIL: tracker binary %s is missing or not executable" % args.tracker)
        return 1

    # A hard stop a little before ctest's, so a hang still ends with logs and a stopped tracker.
    def on_alarm(signum, frame):
        raise TimeoutError("script time budget of %.0f s exhausted" % SCRIPT_BUDGET)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(SCRIPT_BUDGET) + 10)
    script_deadline = time.monotonic() + SCRIPT_BUDGET

    cases = [Case("http4", "http", th.HOST4), Case("udp4", "udp", th.HOST4),
             Case("http6", "http", th.HOST6), Case("udp6", "udp", th.HOST6)]
    have_v6 = th.ipv6_loopback_available()
    for c in cases:
        if c.host == th.HOST6:
            if args.reference:
                c.skip_reason = "--reference: Debian's opentracker is IPv4-only"
            elif not have_v6:
                c.skip_reason = "IPv6 loopback (::1) cannot be bound on this machine"
    hosts = [th.HOST4] + ([th.HOST6] if have_v6 and not args.reference else [])

    workdir = tempfile.mkdtemp(prefix="ot-interop-")
    os.chmod(workdir, 0o755)  # a root-started tracker drops to `nobody` and must read its files
    tracker = None
    failures = 0
    ran = 0
    try:
        port = th.free_port(hosts)
        seed = random.SystemRandom().getrandbits(64)
        for i, c in enumerate(cases):
            if c.skip_reason:
                continue
            c.dir = os.path.join(workdir, c.name)
            os.makedirs(os.path.join(c.dir, "src"))
            c.url = c.tracker_url(port)
            name = "payload-%s" % c.name  # a distinct torrent (info hash) per case
            c.digests = bt_peers.make_payload(os.path.join(c.dir, "src"), name, PAYLOAD_SIZES, seed + i)
            c.ti, c.info_hash = bt_peers.make_torrent(os.path.join(c.dir, "src"), name, c.url, PIECE_SIZE)

        extra = []
        if args.reference:
            whitelist = os.path.join(workdir, "whitelist.txt")
            th.write_file(whitelist, "".join(c.info_hash.hex() + "\n" for c in cases if c.info_hash))
            extra = ["access.whitelist %s" % whitelist, "access.stats 127.0.0.1"]
        tracker = th.Tracker(args.tracker, workdir, port, hosts, extra)
        try:
            tracker.start()
        except RuntimeError as exc:
            print("FAIL: tracker %s did not start: %s" % (args.tracker, exc))
            print(tracker.output())
            return 1
        print("tracker %s listening on %s, port %d (TCP+UDP); libtorrent %s"
              % (args.tracker, " and ".join(hosts), port, lt.__version__))
        sys.stdout.flush()

        for c in cases:
            if c.skip_reason:
                print("SKIP %-5s %s: %s" % (c.name, c.tracker_url(port), c.skip_reason))
                continue
            ran += 1
            try:
                text, _ = run_case(c, tracker, script_deadline)
                print("PASS %-5s %s: %s" % (c.name, c.url, text))
                if args.verbose:
                    print_logs(c, tracker)
            except (CaseFailure, RuntimeError, OSError, TimeoutError) as exc:
                failures += 1
                print("FAIL %-5s %s: %s" % (c.name, c.url, exc))
                print_logs(c, tracker)
            finally:
                close_peers(c)
            if not tracker.alive():
                print("FAIL: the tracker process died (status %s)" % tracker.proc.returncode)
                print(tracker.output())
                failures += 1
                break
            sys.stdout.flush()
    finally:
        if tracker is not None:
            status = tracker.stop()
            if status != 0:
                print("FAIL: tracker did not exit 0 on SIGINT (status %s)" % status)
                print(tracker.output())
                failures += 1
        signal.alarm(0)
        if args.keep:
            print("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    if failures:
        print("RESULT: %d failure(s)" % failures)
        return 1
    if ran == 0:
        print("SKIP: no case could run")
        return SKIP
    print("RESULT: all %d case(s) that could run passed" % ran)
    return 0


if __name__ == "__main__":
    sys.exit(main())
