"""Client side of the interop tests: libtorrent (python3-libtorrent 2.0) peers on loopback.

Used by tests/interop/*_test.py with Debian's /usr/bin/python3. It makes random payloads and v1
torrents with a single tracker, and runs one libtorrent session per peer, configured so that the
tracker is its only source of peers (no DHT, LSD, UPnP, NAT-PMP, no ut_pex/ut_metadata plugins) and so
that loopback peers are not filtered. Every alert of interest is kept in a time-stamped log that the
test prints when a case fails.
"""
import collections
import hashlib
import os
import random
import time

import libtorrent as lt

# peer_info::source bits (libtorrent/peer_info.hpp). The binding exposes all but `incoming`.
SOURCE_TRACKER = 0x01
SOURCE_DHT = 0x02
SOURCE_PEX = 0x04
SOURCE_LSD = 0x08
SOURCE_RESUME = 0x10
SOURCE_INCOMING = 0x20

# What the tests keep of an alert: its class, its text, and tracker_reply_alert's peer count.
Event = collections.namedtuple("Event", "kind message num_peers")

_ALERT_MASK = (lt.alert.category_t.error_notification
               | lt.alert.category_t.status_notification
               | lt.alert.category_t.tracker_notification
               | lt.alert.category_t.peer_notification
               | lt.alert.category_t.connect_notification
               | lt.alert.category_t.storage_notification
               | lt.alert.category_t.ip_block_notification)


def make_payload(root, name, sizes, seed):
    """Write files of random bytes under root/name; returns {relative path: sha256 hex}."""
    rng = random.Random(seed)
    top = os.path.join(root, name)
    os.makedirs(top, exist_ok=True)
    digests = {}
    for index, size in enumerate(sizes):
        rel = os.path.join(name, "part-%d.bin" % index)
        data = rng.randbytes(size)
        with open(os.path.join(root, rel), "wb") as f:
            f.write(data)
        digests[rel] = hashlib.sha256(data).hexdigest()
    return digests


def file_digests(root, rels):
    """{relative path: sha256 hex or None if missing} for files under root."""
    out = {}
    for rel in rels:
        path = os.path.join(root, rel)
        if not os.path.isfile(path):
            out[rel] = None
            continue
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 16), b""):
                h.update(block)
        out[rel] = h.hexdigest()
    return out


def make_torrent(root, name, tracker_url, piece_size):
    """A v1-only torrent of root/name with `tracker_url` as its only tracker.

    v1-only because libtorrent 2.0 makes hybrid torrents by default and announces a hybrid twice (SHA-1
    and truncated SHA-256 info hash), which a whitelisting tracker would half reject.
    Returns (torrent_info, 20-byte info hash).
    """
    fs = lt.file_storage()
    lt.add_files(fs, os.path.join(root, name))
    ct = lt.create_torrent(fs, piece_size, lt.create_torrent.v1_only)
    ct.add_tracker(tracker_url, 0)
    ct.set_creator("opentracker interop test")
    lt.set_piece_hashes(ct, root)
    ti = lt.torrent_info(lt.bencode(ct.generate()))
    info_hash = ti.info_hashes().v1.to_bytes()
    trackers = [t.url for t in ti.trackers()]
    if len(info_hash) != 20 or trackers != [tracker_url]:
        raise RuntimeError("created torrent is not what was asked for")
    return ti, info_hash


def _settings(listen_host, listen_port, peer_tag):
    host = "[%s]" % listen_host if ":" in listen_host else listen_host
    return {
        # Tracker as the only peer source.
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "dht_bootstrap_nodes": "",
        "enable_ip_notifier": False,
        # One loopback address, one port, no fallback to a system-chosen port: the tracker sees the
        # announce come from exactly this address, and peers connect to it.
        "listen_interfaces": "%s:%d" % (host, listen_port),
        "listen_system_port_fallback": False,
        # Both peers share 127.0.0.1 (or ::1); without this, libtorrent's peer list keys peers by IP
        # alone and treats the other peer as a duplicate of itself.
        "allow_multiple_connections_per_ip": True,
        "enable_outgoing_tcp": True,
        "enable_incoming_tcp": True,
        "enable_outgoing_utp": True,
        "enable_incoming_utp": True,
        # Retry sooner than the default 60 s if a first attempt fails, but not so often that the
        # pointless attempts to connect to itself (the tracker lists the announcing peer too) flood
        # the log.
        "min_reconnect_time": 10,
        "peer_connect_timeout": 5,
        "tracker_completion_timeout": 10,
        "tracker_receive_timeout": 5,
        "stop_tracker_timeout": 2,
        # ssrf_mitigation stays on (the default): libtorrent then only announces to a loopback HTTP
        # tracker whose path is exactly /announce ("blocked by SSRF mitigation" otherwise), which is
        # what the test's URLs use. A local tracker needs nothing like announce_ip: it sees the
        # source address of the announce, the address peers must connect to.
        "alert_mask": _ALERT_MASK,
        "alert_queue_size": 10000,
        "user_agent": "ot-interop/%s libtorrent/%s" % (peer_tag, lt.__version__),
    }


class Peer:
    """A libtorrent session holding one torrent, with an alert log."""

    def __init__(self, label, listen_host, listen_port, t0):
        self.label = label
        self.listen_host = listen_host
        self.listen_port = listen_port
        self.t0 = t0
        self.log = []
        self.events = []
        # flags=0: neither the default plugins (ut_pex, ut_metadata, smart_ban) nor the default
        # features (DHT, LSD, UPnP, NAT-PMP) are started.
        self.session = lt.session(_settings(listen_host, listen_port, label), 0)
        self.handle = None
        self.sources_seen = {}

    def add(self, ti, save_path, seed):
        params = lt.add_torrent_params()
        params.ti = ti
        params.save_path = save_path
        # Not auto-managed: the queueing logic must not pause or delay the torrent.
        params.flags &= ~lt.torrent_flags.auto_managed
        params.flags &= ~lt.torrent_flags.paused
        self.handle = self.session.add_torrent(params)
        self._note("added torrent (%s), save_path %s" % ("seeder" if seed else "downloader", save_path))

    def _note(self, text):
        self.log.append("%8.3f [%s] %s" % (time.monotonic() - self.t0, self.label, text))

    def pump(self):
        """Drain pending alerts into the log and self.events; return the new events.

        libtorrent alert objects are only valid until the next pop_alerts(), so what the test needs
        is copied out here.
        """
        new = []
        for a in self.session.pop_alerts():
            event = Event(type(a), a.message(), getattr(a, "num_peers", None))
            self._note("%s: %s" % (event.kind.__name__, event.message))
            new.append(event)
        self.events.extend(new)
        if self.handle is not None:
            try:
                for p in self.handle.get_peer_info():
                    key = "%s:%d" % (p.ip[0], p.ip[1])
                    if key not in self.sources_seen:
                        self._note("peer %s source=0x%02x client=%r" % (key, int(p.source), p.client))
                    self.sources_seen[key] = self.sources_seen.get(key, 0) | int(p.source)
            except RuntimeError:
                pass
        return new

    def summary(self):
        """One line of torrent and tracker state, for failure reports."""
        if self.handle is None:
            return "[%s] no torrent" % self.label
        st = self.handle.status()
        text = ("[%s] listen %s:%d state=%s progress=%.3f peers=%d seeds=%d known=%d error=%r"
                % (self.label, self.listen_host, self.listen_port, st.state, st.progress, st.num_peers,
                   st.num_seeds, st.list_peers, st.errc.message() if st.errc.value() else ""))
        for tr in self.handle.trackers():
            for ep in tr.get("endpoints", []):
                v1 = ep["info_hashes"][0]
                text += ("; tracker %s from %s: fails=%d last_error=%s message=%r start_sent=%s "
                         "complete_sent=%s" % (tr["url"], ep["local_address"], v1["fails"],
                                               v1["last_error"], v1["message"], v1["start_sent"],
                                               v1["complete_sent"]))
        return text

    def count(self, alert_type, since=0):
        """How many alerts of `alert_type` (a libtorrent alert class) arrived, from index `since`."""
        return sum(1 for e in self.events[since:] if issubclass(e.kind, alert_type))

    def index(self, alert_type):
        """Index in self.events of the first alert of `alert_type`, or None."""
        return next((i for i, e in enumerate(self.events) if issubclass(e.kind, alert_type)), None)

    def status(self):
        return self.handle.status()

    def close(self):
        """Abort the session (sends `stopped` announces, bounded by stop_tracker_timeout)."""
        if self.session is not None:
            self._note("closing session")
            self.session.pause()
            self.pump()
            del self.session
            self.session = None
            self.handle = None
