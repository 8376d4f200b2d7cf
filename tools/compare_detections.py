#!/usr/bin/python3
"""Agreement of two detectors' detections on the same frames, from `edgesight run --events-out`.

Reads two JSON-lines files (one object per frame with "frame" and "detections": [{"class",
"score", "box": [x, y, w, h]}]), takes the first as the reference, and matches the candidate's
detections to the reference's frame by frame: same class, IoU >= --iou, greedy in descending
candidate score, each reference detection used once.  Prints per class (the classes of interest
and "all") the matched count, precision = matched / candidate, recall = matched / reference and
F1, as JSON, and "any_class": the same matching with the class ignored (a box found by both
under different labels, e.g. car / truck, counts there).  This measures how closely the
candidate reproduces the reference detector's output (e.g. INT8 against FP32), not accuracy
against ground truth.

Usage:
  compare_detections.py REF.jsonl CAND.jsonl [--iou 0.5] [--min-score S] [--classes a,b,...]
Only the Python standard library.
"""

import argparse
import json
import sys

DEFAULT_CLASSES = "person,bicycle,car,motorcycle,bus,truck"


def load(path, min_score):
    frames = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            if o.get("frame") is None or "detections" not in o:   # end-of-stream records
                continue
            key = (o.get("stream", ""), o["frame"])
            frames[key] = [d for d in o.get("detections", []) if d["score"] >= min_score]
    return frames


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def match(ref, cand, thr, same_class=True):
    """Returns the list of matched (ref, cand) pairs."""
    used = set()
    pairs = []
    for c in sorted(cand, key=lambda d: -d["score"]):
        best, best_iou = None, thr
        for k, r in enumerate(ref):
            if k in used or (same_class and r["class"] != c["class"]):
                continue
            v = iou(r["box"], c["box"])
            if v >= best_iou:
                best, best_iou = k, v
        if best is not None:
            used.add(best)
            pairs.append((ref[best], c))
    return pairs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ref")
    ap.add_argument("cand")
    ap.add_argument("--iou", type=float, default=0.5)
    ap.add_argument("--min-score", type=float, default=0.0,
                    help="drop detections below this score in both files first")
    ap.add_argument("--classes", default=DEFAULT_CLASSES)
    args = ap.parse_args()
    ref = load(args.ref, args.min_score)
    cand = load(args.cand, args.min_score)
    common = sorted(ref.keys() & cand.keys())
    if not common:
        print("compare_detections: error: no frames in common", file=sys.stderr)
        return 1
    classes = args.classes.split(",")
    stats = {c: [0, 0, 0] for c in classes + ["all"]}   # matched, reference, candidate
    score_diff = []
    agnostic = 0
    for key in common:
        agnostic += len(match(ref[key], cand[key], args.iou, same_class=False))
        pairs = match(ref[key], cand[key], args.iou)
        for cls in classes + ["all"]:
            def sel(ds):
                return [d for d in ds if cls == "all" or d["class"] == cls]
            stats[cls][0] += len(sel([c for _, c in pairs]))
            stats[cls][1] += len(sel(ref[key]))
            stats[cls][2] += len(sel(cand[key]))
        score_diff += [abs(r["score"] - c["score"]) for r, c in pairs]
    out = {"frames": len(common), "iou": args.iou, "min_score": args.min_score, "classes": {}}
    for cls, (m, nr, nc) in stats.items():
        if nr == 0 and nc == 0:
            continue
        p = m / nc if nc else 1.0
        r = m / nr if nr else 1.0
        out["classes"][cls] = {"ref": nr, "cand": nc, "matched": m, "precision": round(p, 4),
                               "recall": round(r, 4),
                               "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    nr, nc = stats["all"][1], stats["all"][2]
    p, r = agnostic / max(nc, 1), agnostic / max(nr, 1)
    out["any_class"] = {"matched": agnostic, "precision": round(p, 4), "recall": round(r, 4),
                        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    if score_diff:
        score_diff.sort()
        out["matched_score_abs_diff"] = {
            "mean": round(sum(score_diff) / len(score_diff), 4),
            "p95": round(score_diff[int(0.95 * (len(score_diff) - 1))], 4)}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
