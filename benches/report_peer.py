#!/usr/bin/env python3
"""A minimal audit record of identity-verification archives, as an integrator would script it.

    python3 report_peer.py CORPUS OUT PROCESSES

The peer that BENCHMARKS.md measures `eid-audit report CORPUS --out OUT`
against: the least an integrator's script does to list a store, with
zipfile, json and hashlib, in as many processes as eid-audit has threads.
For each *.zip under CORPUS: read its bytes, SHA-256 them, open the zip,
parse every JSON member, read the first 4 KiB of every other member (where
an image's header is), and take the recorded status (the process record's
`status`, else the result's own). One CSV row per archive in OUT/archives.csv:
archive, sha256, bytes, members, status. It judges nothing: eid-audit does
far more per archive, so this is a floor for a scripted audit, not its equal.
"""
import csv
import hashlib
import io
import json
import sys
import zipfile
from multiprocessing import Pool
from pathlib import Path


def row(path):
    try:
        data = Path(path).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        status = ""
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            for info in infos:
                if info.filename.lower().endswith(".json"):
                    doc = json.loads(zf.read(info))
                    if isinstance(doc, dict) and isinstance(doc.get("status"), str):
                        status = status or doc["status"]
                else:
                    with zf.open(info) as member:
                        member.read(4096)
        return [path, digest, len(data), len(infos), status]
    except Exception as e:  # a broken archive: say so and go on
        return [path, "", "", "", f"error: {e}"]


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: report_peer.py CORPUS OUT PROCESSES")
    corpus, out_dir, processes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    archives = sorted(str(p) for p in Path(corpus).rglob("*.zip"))
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with Pool(processes) as pool, open(Path(out_dir) / "archives.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["archive", "sha256", "bytes", "members", "status"])
        for r in pool.imap(row, archives, chunksize=16):
            out.writerow(r)
    print(f"{len(archives)} archives", file=sys.stderr)


if __name__ == "__main__":
    main()
