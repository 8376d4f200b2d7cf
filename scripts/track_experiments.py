#!/usr/bin/python3
"""Runs `edgesight track` + `edgesight eval` for tracker variants on MOTChallenge sets and prints
one markdown table row per variant and set (combined HOTA / MOTA / IDF1 / AssA / IDSW).

  scripts/track_experiments.py [--bin build/edgesight] [--data ../shared/data/mot]
      [--per-seq] [--variant 'name=--set tracker.k=v --set ...' ...]

Sets (ground truth from ../shared/data/mot, see its PROVENANCE.md):
  mot15: TUD-Campus, TUD-Stadtmitte (25 fps), KITTI-13, KITTI-17 (10 fps)
  mot17: MOT17-02, -04, -05, -09 FRCNN (frame rates from seqinfo.ini)
  extra sets: --set-dir NAME=DIR (a folder of <seq>/{det,gt}/ with optional seqinfo.ini)
Without --variant it runs 'plain' (ByteTrack settings) and 'defaults'.

Leave-one-sequence-out tuning of one or more thresholds:
  scripts/track_experiments.py --loso 'tracker.recover_buffer=0,0.15,0.3' [--base 'FLAGS']
For every sequence of every set, the grid point with the best mean per-sequence HOTA on all the
OTHER sequences is chosen, and that sequence is scored with it; the table gives the held-out
choice per sequence and the combined metrics of the held-out outputs per set.
"""
import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile

# Plain ByteTrack through edgesight's tracker (every extension off).
PLAIN = ("--set tracker.nsa_kalman=false --set tracker.recover_buffer=0 --set tracker.track_buffer_s=1 "
         "--set tracker.static_suppress_s=0 --set tracker.duplicate_only_respawn=false "
         "--set tracker.height_iou=false --set tracker.momentum_weight=0 "
         "--set tracker.observation_reupdate=false --set tracker.adaptive_noise=false "
         "--set tracker.camera_motion=false --set tracker.appearance_weight=0")


def make_sets(data, root):
    sets = {}
    spec = {"mot15": [("TUD-Campus", 25), ("TUD-Stadtmitte", 25), ("KITTI-13", 10), ("KITTI-17", 10)],
            "mot17": [("MOT17-%s-FRCNN-boxmot" % s, None) for s in ("02", "04", "05", "09")]}
    for name, seqs in spec.items():
        d = os.path.join(root, name)
        for seq, fps in seqs:
            src = os.path.join(data, seq)
            dst = os.path.join(d, seq)
            os.makedirs(dst, exist_ok=True)
            for sub in ("det", "gt"):
                os.symlink(os.path.abspath(os.path.join(src, sub)), os.path.join(dst, sub))
            ini = os.path.join(src, "seqinfo.ini")
            with open(os.path.join(dst, "seqinfo.ini"), "w") as f:
                if fps is None:
                    f.write(open(ini).read())
                else:
                    f.write("[Sequence]\nframeRate=%d\n" % fps)
        sets[name] = d
    return sets


def run(binary, set_dir, out_dir, flags):
    subprocess.run([binary, "track", "--mot-dir", set_dir, "--out-dir", out_dir] + flags.split(),
                   check=True, stdout=subprocess.DEVNULL)
    r = subprocess.run([binary, "eval", "--gt-dir", set_dir, "--res-dir", out_dir], check=True,
                       stdout=subprocess.PIPE, text=True)
    return json.loads(r.stdout)


def row(m):
    return "%.1f | %.1f | %.1f | %.1f | %d" % (m["HOTA"], m["MOTA"], m["IDF1"], m["AssA"], m["IDSW"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/edgesight")
    ap.add_argument("--data", default="../shared/data/mot")
    ap.add_argument("--per-seq", action="store_true")
    ap.add_argument("--variant", action="append", default=[])
    ap.add_argument("--set-dir", action="append", default=[])
    ap.add_argument("--only", default="", help="comma-separated set names")
    ap.add_argument("--loso", action="append", default=[], help="KEY=v1,v2,... (grid)")
    ap.add_argument("--base", default="", help="flags under --loso (PLAIN expands)")
    a = ap.parse_args()
    if a.loso:
        return loso(a)
    variants = [v.split("=", 1) for v in a.variant] or [["plain", PLAIN], ["defaults", ""]]
    with tempfile.TemporaryDirectory() as tmp:
        sets = make_sets(a.data, os.path.join(tmp, "sets"))
        for s in a.set_dir:
            k, v = s.split("=", 1)
            sets[k] = v
        if a.only:
            sets = {k: v for k, v in sets.items() if k in a.only.split(",")}
        print("| variant | set | HOTA | MOTA | IDF1 | AssA | IDSW |")
        print("|---|---|---|---|---|---|---|")
        for name, flags in variants:
            flags = flags.replace("PLAIN", PLAIN)
            for set_name, set_dir in sets.items():
                out = os.path.join(tmp, "res", name, set_name)
                res = run(a.bin, set_dir, out, flags)
                seqs = {q["name"]: q for q in res["sequences"]}
                print("| %s | %s | %s |" % (name, set_name, row(seqs.pop("COMBINED"))))
                if a.per_seq:
                    for q in seqs.values():
                        print("| %s | %s | %s |" % (name, q["name"], row(q)))
                sys.stdout.flush()


def loso(a):
    keys = [g.split("=", 1)[0] for g in a.loso]
    values = [g.split("=", 1)[1].split(",") for g in a.loso]
    grid = list(itertools.product(*values))
    base = a.base.replace("PLAIN", PLAIN)
    with tempfile.TemporaryDirectory() as tmp:
        sets = make_sets(a.data, os.path.join(tmp, "sets"))
        for s in a.set_dir:
            k, v = s.split("=", 1)
            sets[k] = v
        scores = {}  # (set, seq) -> [HOTA per grid point]
        for gi, point in enumerate(grid):
            flags = base + "".join(" --set %s=%s" % kv for kv in zip(keys, point))
            for set_name, set_dir in sets.items():
                out = os.path.join(tmp, "res", str(gi), set_name)
                res = run(a.bin, set_dir, out, flags)
                for q in res["sequences"]:
                    if q["name"] != "COMBINED":
                        scores.setdefault((set_name, q["name"]), []).append(q["HOTA"])
        print("| held-out sequence | chosen %s | held-out HOTA | best HOTA on it (grid) |" % ", ".join(keys))
        print("|---|---|---|---|")
        for (set_name, seq), own in scores.items():
            others = [v for k, v in scores.items() if k != (set_name, seq)]
            mean = [sum(v[g] for v in others) / len(others) for g in range(len(grid))]
            g = max(range(len(grid)), key=lambda i: mean[i])
            print("| %s | %s | %.1f | %.1f |" % (seq, ", ".join(grid[g]), own[g], max(own)))
            dst = os.path.join(tmp, "loso", set_name)
            os.makedirs(dst, exist_ok=True)
            shutil.copy(os.path.join(tmp, "res", str(g), set_name, seq + ".txt"), dst)
        print()
        print("| set | held-out HOTA | MOTA | IDF1 | AssA | IDSW |")
        print("|---|---|---|---|---|---|")
        for set_name, set_dir in sets.items():
            r = subprocess.run([a.bin, "eval", "--gt-dir", set_dir, "--res-dir",
                                os.path.join(tmp, "loso", set_name)], check=True,
                               stdout=subprocess.PIPE, text=True)
            seqs = {q["name"]: q for q in json.loads(r.stdout)["sequences"]}
            print("| %s | %s |" % (set_name, row(seqs["COMBINED"])))
        mean_all = [sum(v[g] for v in scores.values()) / len(scores) for g in range(len(grid))]
        print()
        print("mean per-sequence HOTA per grid point: " +
              ", ".join("%s: %.2f" % ("/".join(p), m) for p, m in zip(grid, mean_all)))


if __name__ == "__main__":
    main()
