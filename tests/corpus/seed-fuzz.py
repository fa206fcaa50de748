import tomllib, json, os, re, glob
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
C = root + "/fuzz/corpus"
for t in ["expr", "pack", "filing", "csv_row"]:
    os.makedirs(f"{C}/{t}", exist_ok=True)
# filing: TOML (even first byte) and JSON (odd first byte)
for p in sorted(glob.glob(root + "/samples/*.toml")):
    b = open(p, "rb").read()
    n = os.path.basename(p)
    open(f"{C}/filing/{n}", "wb").write(b"0" + b)
    d = tomllib.loads(b.decode())
    def conv(x):
        if isinstance(x, dict): return {k: conv(v) for k, v in x.items()}
        if isinstance(x, list): return [conv(v) for v in x]
        if hasattr(x, "isoformat"): return x.isoformat()
        return x
    open(f"{C}/filing/{n}.json", "wb").write(b"1" + json.dumps(conv(d), ensure_ascii=False, indent=1).encode())
# pack
for p in sorted(glob.glob(root + "/rules/*.toml")):
    open(f"{C}/pack/{os.path.basename(p)}", "wb").write(open(p, "rb").read())
# a small child pack
child = '''[pack]
id = "child"
title = { zh = "子", en = "child" }
document = "x"
issuer = "x"
jurisdiction = "x"
extends = "national-2018"
effective_from = 2020-01-01

[params]
restricted_share = "80%"
'''
open(f"{C}/pack/child.toml", "w").write(child)
# expr: expressions from the packs (names mostly unresolvable here), plus hand-written ones
exprs = set()
for p in glob.glob(root + "/rules/*.toml"):
    for m in re.finditer(r'(?:expr|when|require|bound|review_when|to|if)\s*=\s*"((?:[^"\\]|\\.)*)"', open(p).read()):
        exprs.add(m.group(1))
exprs |= {
  "a + b * 2 - 3 / 4", "min(a, b, 1) + max(xs) + abs(-a)", "sum(xs) / count(xs)",
  "dot(xs, ws)", "growth(a, b)", "all_in(names, ['roe', 'profit_total'])",
  "any_between(xs, 2021, 2023)", "date(2025, 7, 31) < d", "round_down(a, 2)",
  "if flag then a else b", "not flag or a >= 7% and s == 'filing'", "t[budget.wage_total - 1]",
  "flags[2023] and exists(u)", "s in ['filing', 'approval']", "a in [1, 2, 3.5]",
  "(a - b) * (a + b) / 0", "1e28 * 1e28", "-(-(-a))", "budget.wage_total / u - 1",
}
for i, e in enumerate(sorted(exprs)):
    for sel in (0, 1, 2, 0x55):
        open(f"{C}/expr/{i:03}-{sel}", "wb").write(bytes([sel]) + e.encode())
# csv: the header and one row each
lines = open(root + "/samples/batch-2024.csv", "rb").read().split(b"\n")
for i, row in enumerate(l for l in lines[1:] if l.strip()):
    open(f"{C}/csv_row/row{i:02}.csv", "wb").write(lines[0] + b"\n" + row + b"\n")
print({t: len(os.listdir(f"{C}/{t}")) for t in os.listdir(C)})
