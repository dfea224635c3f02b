#!/usr/bin/env python3
# Licensed under the MIT license. See LICENSE in the repository root.
"""Exploration harness for bench/text: configurable recurrent/conv text classifiers (PyTorch, 1 thread).
Trains on an 85% hash split of train, early-stops on the 15% validation split, reports test at the best-val epoch.
--full: train on the whole train set for a fixed number of epochs (--epochs) and report test at the end.
Appends one JSON line per run to results.jsonl next to this file."""
import argparse, collections, json, math, os, re, time, zlib
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
p = argparse.ArgumentParser()
a = p.add_argument
a("--name", default="")
a("--len", type=int, default=96)
a("--enc", default="lstm")          # lstm | gru | cnn | cnnlstm | none
a("--pool", default="max")          # max | mean | meanmax | meanmaxlast | attn | attnmax
a("--emb", type=int, default=64)
a("--hid", type=int, default=64)
a("--filters", type=int, default=100)
a("--kernels", default="3,4,5")
a("--drop", type=float, default=0.3)
a("--edrop", type=float, default=0.0)   # token (word) dropout: zero whole token embeddings
a("--sdrop", type=float, default=0.0)   # spatial dropout: drop embedding channels for whole sequence
a("--lr", type=float, default=2e-3)
a("--wd", type=float, default=0.0)      # AdamW decoupled weight decay
a("--sched", default="none")        # none | cosine | onecycle
a("--epochs", type=int, default=10)
a("--patience", type=int, default=100)
a("--batch", type=int, default=32)
a("--clip", type=float, default=5.0)
a("--case", action="store_true")    # keep case
a("--vocab", type=int, default=20000)
a("--sub", type=int, default=0)         # hashed char n-gram buckets per word (fastText subwords), 0 = off
a("--subn", default="3,4,5")
a("--wide", type=int, default=0)        # hashed bigram buckets for the wide bag path, 0 = off
a("--widedim", type=int, default=64)
a("--widefull", type=int, default=1)    # wide path sees the whole text (1) or only the first --len tokens (0)
a("--smooth", type=float, default=0.0)
a("--seed", type=int, default=1)
a("--full", action="store_true")
args = p.parse_args()
torch.set_num_threads(1)
torch.manual_seed(args.seed)

TOKEN = re.compile(r"[^\W_]+")
def read(path):
    with open(path, encoding="utf-8") as f:
        next(f)
        return [l.rstrip("\n").split("\t", 1) for l in f]
def toks(t):
    return TOKEN.findall(t if args.case else t.lower())

train, test = read(os.path.join(DATA, "train.tsv")), read(os.path.join(DATA, "test.tsv"))
if args.full:
    fit, val = train, []
else:
    fit = [r for r in train if zlib.crc32(r[1].encode()) % 100 >= 15]
    val = [r for r in train if zlib.crc32(r[1].encode()) % 100 < 15]
labels = {}
for l, _ in train:
    labels.setdefault(l, len(labels))

counts, first = collections.Counter(), {}
for _, t in fit:
    for w in toks(t):
        counts[w] += 1; first.setdefault(w, len(first))
kept = sorted([w for w in counts if counts[w] >= 2], key=lambda w: (-counts[w], first[w]))[:args.vocab]
wid = {w: i + 2 for i, w in enumerate(sorted(kept, key=first.get))}
NW = len(wid) + 2

# word types (all words seen anywhere) -> word id + subword ids
types = {"<pad>": 0}
def tid(w):
    if w not in types: types[w] = len(types)
    return types[w]
def encode(rows):
    seqs = [[tid(w) for w in toks(t)] for _, t in rows]
    x = torch.zeros(len(rows), args.len, dtype=torch.int64)
    for r, s in enumerate(seqs):
        s = s[:args.len]; x[r, :len(s)] = torch.tensor(s, dtype=torch.int64)
    y = torch.tensor([labels[l] for l, _ in rows])
    return x, y, seqs
Xf, Yf, Sf = encode(fit); Xt, Yt, St = encode(test)
if val: Xv, Yv, Sv = encode(val)
tlist = sorted(types, key=types.get)
type2word = torch.tensor([0] + [wid.get(w, 1) for w in tlist[1:]])
def h(s, m): return zlib.crc32(s.encode()) % m
if args.sub:
    ns = [int(n) for n in args.subn.split(",")]
    grams = [[]]
    for w in tlist[1:]:
        b = "<" + w + ">"
        g = sorted({h(b[i:i + n], args.sub) + 1 for n in ns for i in range(len(b) - n + 1)})
        grams.append(g)
    K = min(32, max(len(g) for g in grams))
    type2sub = torch.zeros(len(tlist), K, dtype=torch.int64)
    for i, g in enumerate(grams):
        g = g[:K]; type2sub[i, :len(g)] = torch.tensor(g, dtype=torch.int64) if g else 0
def bag(seqs):
    # unigram word ids + hashed bigrams (offset NW), as flat list + offsets for EmbeddingBag
    out = []
    for s in seqs:
        s = s if args.widefull else s[:args.len]
        ws = [tlist[t] for t in s]
        ids = [wid.get(w, 1) for w in ws] + [NW + h(ws[i] + " " + ws[i + 1], args.wide) for i in range(len(ws) - 1)]
        out.append(ids or [1])
    return out
if args.wide:
    Bf, Bt = bag(Sf), bag(St)
    if val: Bv = bag(Sv)

class Net(nn.Module):
    def __init__(s):
        super().__init__()
        E, H = args.emb, args.hid
        s.emb = nn.Embedding(NW, E, padding_idx=0)
        if args.sub:
            s.subemb = nn.Embedding(args.sub + 1, E, padding_idx=0)
        feat = 0
        if args.enc in ("lstm", "gru", "cnnlstm"):
            inp = E
            if args.enc == "cnnlstm":
                s.conv0 = nn.Conv1d(E, args.filters, 3, padding=1); inp = args.filters
            R = nn.LSTM if args.enc != "gru" else nn.GRU
            s.rnn = R(inp, H, batch_first=True, bidirectional=True)
            D = 2 * H
            mult = {"max": 1, "mean": 1, "meanmax": 2, "meanmaxlast": 3, "attn": 1, "attnmax": 2}[args.pool]
            feat += D * mult
            if "attn" in args.pool:
                s.att = nn.Linear(D, D); s.attv = nn.Linear(D, 1, bias=False)
        elif args.enc == "cnn":
            ks = [int(k) for k in args.kernels.split(",")]
            s.convs = nn.ModuleList([nn.Conv1d(E, args.filters, k, padding=k // 2) for k in ks])
            feat += args.filters * len(ks)
        if args.wide:
            s.wemb = nn.EmbeddingBag(NW + args.wide, args.widedim, mode="mean")
            feat += args.widedim
        s.drop = nn.Dropout(args.drop)
        s.out = nn.Linear(feat, len(labels))

    def embed(s, t):
        x = s.emb(type2word[t])
        if args.sub:
            g = type2sub[t]
            e = s.subemb(g).sum(2)
            x = (x + e) / (1 + g.ne(0).sum(2, keepdim=True).float())
        return x

    def forward(s, t, bags=None):
        feats = []
        if args.enc != "none":
            lengths = t.ne(0).sum(1).clamp(min=1)
            L = int(lengths.max()); t = t[:, :L]
            valid = t.ne(0); valid[:, 0] = True
            x = s.embed(t)
            if s.training and args.edrop > 0:
                x = x * (torch.rand(x.shape[:2]) > args.edrop).unsqueeze(-1).float()
            if s.training and args.sdrop > 0:
                x = x * (torch.rand(x.shape[0], 1, x.shape[2]) > args.sdrop).float() / (1 - args.sdrop)
            x = x * valid.unsqueeze(-1).float()
            if args.enc == "cnn":
                for c in s.convs:
                    o = F.relu(c(x.transpose(1, 2)))[:, :, :L].transpose(1, 2)
                    feats.append(o.masked_fill(~valid.unsqueeze(-1), -1e4).amax(1))
            else:
                if args.enc == "cnnlstm":
                    x = F.relu(s.conv0(x.transpose(1, 2))).transpose(1, 2) * valid.unsqueeze(-1).float()
                pk = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
                o, _ = s.rnn(pk)
                o, _ = nn.utils.rnn.pad_packed_sequence(o, batch_first=True, total_length=L)
                m = valid.unsqueeze(-1)
                if args.pool in ("max", "meanmax", "meanmaxlast", "attnmax"):
                    mx = o.masked_fill(~m, -1e4).amax(1)
                if args.pool in ("mean", "meanmax", "meanmaxlast"):
                    mean = (o * m.float()).sum(1) / lengths.unsqueeze(1).float()
                if args.pool == "max": feats.append(mx)
                elif args.pool == "mean": feats.append(mean)
                elif args.pool == "meanmax": feats += [mean, mx]
                elif args.pool == "meanmaxlast":
                    Hh = o.shape[2] // 2
                    last_f = o[torch.arange(o.shape[0]), lengths - 1, :Hh]
                    feats += [mean, mx, torch.cat([last_f, o[:, 0, Hh:]], 1)]
                else:
                    sc = s.attv(torch.tanh(s.att(o))).squeeze(-1).masked_fill(~valid, -1e9)
                    w = torch.softmax(sc, 1).unsqueeze(-1)
                    feats.append((w * o).sum(1))
                    if args.pool == "attnmax": feats.append(mx)
        if args.wide:
            flat, offs = bags
            feats.append(s.wemb(flat, offs))
        return s.out(s.drop(torch.cat(feats, 1)))

def bagbatch(B, rows):
    sel = [B[i] for i in rows]
    offs = torch.tensor([0] + [len(b) for b in sel[:-1]]).cumsum(0)
    return torch.tensor([i for b in sel for i in b]), offs

net = Net()
opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.wd) if args.wd > 0 else torch.optim.Adam(net.parameters(), lr=args.lr)
steps_per = math.ceil(len(fit) / args.batch); total = steps_per * args.epochs
def lr_at(step):
    f = step / total
    if args.sched == "cosine": return 0.5 * (1 + math.cos(math.pi * f))
    if args.sched == "onecycle":
        w = 0.1
        return f / w if f < w else 0.5 * (1 + math.cos(math.pi * (f - w) / (1 - w)))
    return 1.0

def macro_f1(y, p):
    sc = []
    for c in sorted(set(y)):
        tp = sum(1 for a, b in zip(y, p) if a == c and b == c); pp = sum(1 for b in p if b == c); ap = sum(1 for a in y if a == c)
        pr, rc = (tp / pp if pp else 0), tp / ap
        sc.append(0 if pr + rc == 0 else 2 * pr * rc / (pr + rc))
    return sum(sc) / len(sc)
def evaluate(X, Y, B=None):
    net.eval(); preds = []
    with torch.no_grad():
        for b in range(0, len(X), 256):
            rows = list(range(b, min(b + 256, len(X))))
            preds.append(net(X[rows], bagbatch(B, rows) if args.wide else None).argmax(1))
    p = torch.cat(preds).tolist(); y = Y.tolist()
    return sum(1 for u, v in zip(y, p) if u == v) / len(y), macro_f1(y, p)

hist, best, bad, step, secs = [], None, 0, 0, []
for ep in range(args.epochs):
    t0 = time.time(); net.train()
    order = torch.randperm(len(Xf))
    for b in range(0, len(order), args.batch):
        rows = order[b:b + args.batch]
        for g in opt.param_groups: g["lr"] = args.lr * lr_at(step)
        out = net(Xf[rows], bagbatch(Bf, rows.tolist()) if args.wide else None)
        loss = F.cross_entropy(out, Yf[rows], label_smoothing=args.smooth)
        opt.zero_grad(); loss.backward()
        if args.clip > 0: nn.utils.clip_grad_norm_(net.parameters(), args.clip)
        opt.step(); step += 1
    secs.append(time.time() - t0)
    va = evaluate(Xv, Yv, Bv if args.wide else None) if val else (0, 0)
    te = evaluate(Xt, Yt, Bt if args.wide else None)
    hist.append((ep + 1, round(va[0], 4), round(va[1], 4), round(te[0], 4), round(te[1], 4)))
    print(hist[-1], round(secs[-1], 1), flush=True)
    if val:
        key = va[0] + va[1]
        if best is None or key > best[0]: best, bad = (key, hist[-1]), 0
        else:
            bad += 1
            if bad >= args.patience: break
if not val: best = (0, hist[-1])
r = {"name": args.name, "args": vars(args), "best_epoch": best[1][0], "val_acc": best[1][1], "val_f1": best[1][2],
     "test_acc": best[1][3], "test_f1": best[1][4], "s_per_epoch": round(sum(secs) / len(secs), 1), "hist": hist}
print("RESULT", json.dumps(r), flush=True)
with open(os.path.join(HERE, "results.jsonl"), "a") as f: f.write(json.dumps(r) + "\n")
