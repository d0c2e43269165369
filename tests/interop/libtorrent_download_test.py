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
import traceback

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

SKIP = 77
CASES_BUDGET = 150.0  # seconds for all cases; a case is not started after that
HARD_LIMIT = 172  # seconds: SIGALRM ends the script with a report (ctest's own limit is 300)
DOWNLOAD_BUDGET = 55.0  # seconds from adding the torrent to the downloader until it is complete
SEED_BUDGET = 20.0  # seconds for the seeder to check its data and get a tracker reply
PIECE_SIZE = 32 * 1024
DOWNLOAD_RATE = 1536 * 1024  # bytes/s, see run_case
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
        self.payload = None
        self.peers = []  # bt_peers.Peer sessions of this case, for the report and for closing

    def tracker_url(self, port):
        if self.scheme == "http":
            return "http://%s:%d/announce" % (th.url_host(self.host), port)
        return "udp://%s:%d" % (th.url_host(self.host), port)


class CaseFailure(Exception):
    pass


def wait_for(peers, predicate, timeout, what):
    """Pump alerts of all peers every 20 ms until predicate() is true.

    Raises CaseFailure on timeout or as soon as libtorrent reports a tracker error.
    """
    deadline = time.monotonic() + timeout
    while True:
        for p in peers:
            p.pump()
        if predicate():
            return
        # Any tracker error fails the case; libtorrent's retry would come too late to matter.
        errors = [e.message for p in peers for e in p.events if issubclass(e.kind, lt.tracker_error_alert)]
        if errors:
            raise CaseFailure("libtorrent reported tracker errors while waiting for %s: %s"
                              % (what, " | ".join(errors)))
        if time.monotonic() >= deadline:
            raise CaseFailure("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(0.02)


def run_case(case, tracker, script_deadline):
    """Run one seeder/downloader pair through the tracker; returns the result text or raises.

    The peers are left in case.peers (for the report and for closing).
    """
    t0 = time.monotonic()
    counter_mode = "tcp4" if case.scheme == "http" else "udp4"
    before = tracker.stats_lines(counter_mode)

    def remaining(budget):
        return max(1.0, min(budget, script_deadline - time.monotonic()))

    used_ports = {tracker.port}
    seed_port = th.free_port([case.host], exclude=used_ports)
    used_ports.add(seed_port)
    seeder = bt_peers.Peer("seed", case.host, seed_port, t0)
    case.peers.append(seeder)
    seeder.add(case.ti, os.path.join(case.dir, "src"), seed=True)
    # The seeder checks its files, then announces `started` as a seed; its reply lists only itself.
    wait_for(case.peers, lambda: seeder.status().is_seeding and seeder.count(lt.tracker_reply_alert) > 0,
             remaining(SEED_BUDGET), "the seeder to be seeding and get a tracker reply")

    leech_port = th.free_port([case.host], exclude=used_ports)
    leech = bt_peers.Peer("leech", case.host, leech_port, t0)
    case.peers.append(leech)
    dst = os.path.join(case.dir, "dst")
    os.makedirs(dst)
    t_add = time.monotonic()
    leech.add(case.ti, dst, seed=False)
    # Slow enough (~1-2 s) that the peer list is sampled while the transfer runs, which shows where
    # the downloader got the seeder from. (A torrent limit applies to loopback peers too.)
    leech.handle.set_download_limit(DOWNLOAD_RATE)
    wait_for(case.peers, lambda: leech.count(lt.torrent_finished_alert) > 0,
             remaining(DOWNLOAD_BUDGET), "the download to finish")
    elapsed = time.monotonic() - t_add
    finished_at = leech.index(lt.torrent_finished_alert)
    # libtorrent announces `completed` as soon as it finishes; the scrape below must count it.
    wait_for(case.peers, lambda: leech.count(lt.tracker_reply_alert, finished_at) > 0,
             remaining(15.0), "the tracker to answer the downloader's `completed` announce")
    after = tracker.stats_lines(counter_mode)  # before our own scrape, so it counts libtorrent only

    got = bt_peers.file_digests(dst, case.digests)
    bad = sorted(rel for rel, digest in case.digests.items() if got[rel] != digest)
    if bad:
        raise CaseFailure("downloaded data differs from the original in %s" % ", ".join(bad))

    errors = [e.message for p in case.peers for e in p.events if issubclass(e.kind, lt.tracker_error_alert)]
    if errors:
        raise CaseFailure("libtorrent reported tracker errors: %s" % " | ".join(errors))

    # The tracker was the peer source: the downloader reached the seeder's listen address, which only
    # the tracker could have told it, and no peer came from DHT, PEX, LSD or resume data.
    seed_addr = "%s:%d" % (case.host, seed_port)
    forbidden = bt_peers.SOURCE_DHT | bt_peers.SOURCE_PEX | bt_peers.SOURCE_LSD | bt_peers.SOURCE_RESUME
    for addr, source in sorted(leech.sources_seen.items()):
        if source & forbidden:
            raise CaseFailure("downloader got peer %s from a non-tracker source (0x%02x)" % (addr, source))
    if not leech.sources_seen.get(seed_addr, 0) & bt_peers.SOURCE_TRACKER:
        raise CaseFailure("downloader never had the seeder %s as a tracker peer (peers seen: %r)"
                          % (seed_addr, leech.sources_seen))
    replies = [e for e in leech.events[:finished_at] if issubclass(e.kind, lt.tracker_reply_alert)]
    if not any(e.num_peers >= 1 for e in replies):
        raise CaseFailure("downloader finished without a tracker reply that listed peers")

    if case.scheme == "http":
        scrape = th.http_scrape(case.host, tracker.port, case.info_hash)
    else:
        scrape = th.udp_scrape(case.host, tracker.port, case.info_hash)
    if not (scrape["complete"] or 0) >= 1 or not (scrape["downloaded"] or 0) >= 1:
        raise CaseFailure("scrape does not show the swarm (want complete >= 1, downloaded >= 1): %r" % scrape)

    # Three announces reached the tracker: seeder started, downloader started and completed.
    grew = (after[0] - before[0], after[1] - before[1])
    if grew[0] < 3 or grew[1] < 3:
        raise CaseFailure("/stats?mode=%s did not grow by the 3 announces: %r -> %r"
                          % (counter_mode, before, after))

    return ("%.1f MiB in %.1f s; scrape complete=%s downloaded=%s incomplete=%s; %s +%d/+%d"
            % (sum(PAYLOAD_SIZES) / 1048576.0, elapsed, scrape["complete"], scrape["downloaded"],
               scrape["incomplete"], counter_mode, grew[0], grew[1]))


def print_report(case, tracker):
    """Both sessions' alert logs merged in time order, their current state, and the tracker's output."""
    print("--- case %s: alert log (seconds since the case started) ---" % case.name)
    for line in sorted((line for p in case.peers for line in p.log),
                       key=lambda line: float(line.split("[", 1)[0])):
        print("    " + line)
    for p in case.peers:
        try:
            print("    now: " + p.summary())
        except Exception as exc:  # noqa: BLE001  (the report matters more than a second error)
            print("    now: [%s] status unavailable: %s" % (p.label, exc))
    out = tracker.output()
    if out:
        print(out)
    print("--- end of case %s ---" % case.name)
    sys.stdout.flush()


def close_peers(case):
    for p in case.peers:
        try:
            p.close()
        except Exception as exc:  # noqa: BLE001
            print("warning: closing the %s session failed: %s" % (p.label, exc))


def prepare_torrents(cases, port, piece_size):
    for c in cases:
        if not c.skip_reason:
            c.url = c.tracker_url(port)
            c.ti, c.info_hash = bt_peers.make_torrent(os.path.join(c.dir, "src"), c.payload, c.url,
                                                      piece_size)


def start_tracker(args, workdir, hosts, cases):
    """Pick a port, make the torrents for it and start the tracker; retried if the port got taken."""
    last = None
    for _ in range(3):
        port = th.free_port(hosts)
        prepare_torrents(cases, port, PIECE_SIZE)
        extra = []
        if args.reference:
            whitelist = os.path.join(workdir, "whitelist.txt")
            th.write_file(whitelist, "".join(c.info_hash.hex() + "\n" for c in cases if c.info_hash))
            extra = ["access.whitelist %s" % whitelist, "access.stats 127.0.0.1"]
        tracker = th.Tracker(args.tracker, workdir, port, hosts, extra)
        try:
            tracker.start()
            return tracker
        except RuntimeError as exc:
            last = exc
            status = tracker.stop()
            print("tracker did not start on port %d: %s (exit status %s)" % (port, exc, status))
            print(tracker.output())
            if "in use" not in tracker.output():  # only a port taken meanwhile is worth a retry
                break
    raise RuntimeError("tracker %s did not start: %s" % (args.tracker, last))


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

    # Last resort against a hang: stop before ctest would (300 s), with logs and a stopped tracker.
    def on_alarm(signum, frame):
        raise TimeoutError("script time limit of %d s reached" % HARD_LIMIT)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(HARD_LIMIT)
    script_deadline = time.monotonic() + CASES_BUDGET

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
        seed = random.SystemRandom().getrandbits(64)
        for i, c in enumerate(cases):
            if not c.skip_reason:
                c.dir = os.path.join(workdir, c.name)
                c.payload = "payload-%s" % c.name  # a distinct torrent (info hash) per case
                c.digests = bt_peers.make_payload(os.path.join(c.dir, "src"), c.payload, PAYLOAD_SIZES,
                                                  seed + i)
        try:
            tracker = start_tracker(args, workdir, hosts, cases)
        except RuntimeError as exc:
            print("FAIL: %s" % exc)
            return 1
        print("tracker %s listening on %s, port %d (TCP+UDP); libtorrent %s"
              % (args.tracker, " and ".join(hosts), tracker.port, lt.__version__))
        sys.stdout.flush()

        for c in cases:
            if c.skip_reason:
                print("SKIP %-5s %s: %s" % (c.name, c.tracker_url(tracker.port), c.skip_reason))
                continue
            if not tracker.alive() or time.monotonic() >= script_deadline:
                failures += 1
                print("FAIL %-5s %s: not run (%s)" % (c.name, c.url, "the tracker is gone"
                                                     if not tracker.alive() else "time budget used up"))
                continue
            ran += 1
            try:
                text = run_case(c, tracker, script_deadline)
                print("PASS %-5s %s: %s" % (c.name, c.url, text))
                if args.verbose:
                    print_report(c, tracker)
            except Exception as exc:  # noqa: BLE001  (any error fails this case, the others still run)
                failures += 1
                print("FAIL %-5s %s: %s" % (c.name, c.url, exc))
                if not isinstance(exc, CaseFailure):
                    traceback.print_exc(file=sys.stdout)
                for p in c.peers:
                    try:
                        p.pump()
                    except Exception:  # noqa: BLE001
                        pass
                print_report(c, tracker)
            finally:
                close_peers(c)
            if not tracker.alive():
                failures += 1
                print("FAIL: the tracker process died (exit status %s)" % tracker.proc.returncode)
                print(tracker.output())
            sys.stdout.flush()
    except TimeoutError as exc:
        failures += 1
        print("FAIL: %s" % exc)
    finally:
        signal.alarm(0)
        if tracker is not None:
            was_alive = tracker.alive()
            status = tracker.stop()
            if was_alive:
                print("tracker stopped with SIGINT: %s" % ("exit status %d" % status if status is not None
                                                           else "did not exit within 10 s, killed"))
            if was_alive and status != 0:
                failures += 1
                print("FAIL: the tracker did not exit 0 on SIGINT")
                print(tracker.output())
        if args.keep:
            print("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    if failures:
        print("RESULT: FAIL (%d failure(s))" % failures)
        return 1
    if ran == 0:
        print("RESULT: SKIP, no case could run")
        return SKIP
    print("RESULT: PASS (%d case(s) ran, %d skipped)" % (ran, len(cases) - ran))
    return 0


if __name__ == "__main__":
    sys.exit(main())
