#!/usr/bin/env python3
"""Feature crops of identity-verification archives, as an integrator would script them.

    python3 crops_peer.py CORPUS OUT PROCESSES

The peer that BENCHMARKS.md measures `eid-audit report CORPUS --out OUT --crops`
against: the minimal script an integrator would write, with zipfile and
Pillow, in as many processes as eid-audit has threads. For each
*.zip under CORPUS: find the OCR JSON by content (an object with `features`, or a
process record's `providerSpecific.ocr`), decode each side image that a found
feature needs once (front.* / back.* by base name, else base64 `document.front` /
`document.back` in the JSON), cut each found feature's box clipped to the image
and save it with Pillow's PNG defaults as OUT/<archive stem>/<side>-<feature>.png.
"""
import base64
import io
import json
import re
import sys
import zipfile
from multiprocessing import Pool
from pathlib import Path

from PIL import Image

SIDES = {"data": "front", "front": "front", "back": "back"}


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def find_ocr(zf):
    for name in zf.namelist():
        if name.lower().endswith(".json"):
            try:
                doc = json.loads(zf.read(name))
            except ValueError:
                continue
            if isinstance(doc, dict) and "features" in doc:
                return doc
            ocr = isinstance(doc, dict) and (doc.get("providerSpecific") or {}).get("ocr")
            if isinstance(ocr, dict) and "features" in ocr:
                return ocr
    return None


def side_image(zf, ocr, side):
    """The decoded image of `side` ("front" or "back"), or None."""
    data = None
    for name in zf.namelist():
        base = name.rsplit("/", 1)[-1].lower()
        if base in (f"{side}.jpeg", f"{side}.jpg", f"{side}.png"):
            data = zf.read(name)
            break
    else:
        embedded = (ocr.get("document") or {}).get(side)
        if isinstance(embedded, str) and embedded:
            data = base64.b64decode(embedded.split(";base64,", 1)[-1])
    if not data:
        return None
    image = Image.open(io.BytesIO(data))
    image.load()  # decode once; every crop of this side cuts from it
    return image if image.mode == "RGB" else image.convert("RGB")


def crop_archive(path, out_dir):
    """Writes the crops of one archive; returns how many."""
    written, images, names = 0, {}, set()
    try:
        with zipfile.ZipFile(path) as zf:
            ocr = find_ocr(zf)
            features = (ocr or {}).get("features") or []
            entries = features.items() if isinstance(features, dict) else enumerate(features)
            for key, f in entries:
                if not isinstance(f, dict) or f.get("found") is not True:
                    continue
                word = str(f.get("side", "")).strip().lower()
                try:
                    x, y, w, h = (int(f["bbox"][k]) for k in ("x", "y", "width", "height"))
                except (KeyError, TypeError, ValueError):
                    continue
                side = SIDES.get(word)
                if side is None or w <= 0 or h <= 0:
                    continue
                if side not in images:  # each side is decoded once
                    images[side] = side_image(zf, ocr, side)
                image = images[side]
                if image is None:
                    continue
                box = (max(0, x), max(0, y), min(image.width, x + w), min(image.height, y + h))
                if box[2] <= box[0] or box[3] <= box[1]:
                    continue
                base = f"{slug(word)}-{slug(str(f.get('name') or key)) or 'feature'}"
                name, n = f"{base}.png", 2
                while name in names:
                    name, n = f"{base}-{n}.png", n + 1
                names.add(name)
                folder = Path(out_dir) / Path(path).stem
                folder.mkdir(parents=True, exist_ok=True)
                image.crop(box).save(folder / name, "PNG")
                written += 1
    except Exception as e:  # a broken archive or image: say so and go on
        print(f"{path}: {e}", file=sys.stderr)
    return written


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: crops_peer.py CORPUS OUT PROCESSES")
    corpus, out_dir, processes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    archives = sorted(str(p) for p in Path(corpus).rglob("*.zip"))
    with Pool(processes) as pool:
        counts = pool.starmap(crop_archive, [(a, out_dir) for a in archives], chunksize=16)
    print(f"{len(archives)} archives, {sum(counts)} crops", file=sys.stderr)


if __name__ == "__main__":
    main()
