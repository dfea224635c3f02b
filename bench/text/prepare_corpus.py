#!/usr/bin/env python3
# Licensed under the MIT license. See LICENSE in the repository root.
"""Prepares the Debian package-description corpus for text classification.

Text: a package's English description (apt's Translation-en: the short line, then the long text). Label: the package's
Section (from `apt-cache dumpavail`, without an area prefix such as contrib/), restricted to topical sections.
Descriptions with the same long text (a package and its -data/-doc/-common siblings, or identical descriptions) fall on
the same side of the train/test split, which is decided by a hash of that text, so the split is stable over time.

Writes data/train.tsv and data/test.tsv (columns Label, Text; tab-separated, with a header) and prints the counts per
section and a SHA-256 of each file, so results can be compared across machines and days.

Usage: python3 bench/text/prepare_corpus.py [--no-update] [--out DIR]
Needs apt (Debian or Ubuntu); the first run fetches the English translations with
`apt-get -o Acquire::Languages=en update` (as root, or with sudo).
"""

import argparse
import collections
import glob
import hashlib
import os
import subprocess
import sys

SECTIONS = ["admin", "database", "editors", "electronics", "games", "graphics", "hamradio", "mail", "math", "net",
            "science", "sound", "text", "video", "web", "x11"]
TEST_SHARE = 5  # one group in five goes to the test side


def stanzas(text):
    """Yields the deb822 paragraphs of text as dicts; continuation lines are joined to their field with newlines."""
    fields, name = {}, None
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
            fields, name = {}, None
        elif line[0] in " \t" and name:
            fields[name] += "\n" + line
        else:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    if fields:
        yield fields


def run(command):
    return subprocess.run(command, check=True, capture_output=True, text=True, errors="replace").stdout


def translation_files():
    return sorted(glob.glob("/var/lib/apt/lists/*_i18n_Translation-en*"))


def read_translations():
    descriptions = {}
    for path in translation_files():
        for fields in stanzas(run(["/usr/lib/apt/apt-helper", "cat-file", path])):
            if "Description-md5" in fields and "Description-en" in fields:
                descriptions[fields["Description-md5"]] = fields["Description-en"]
    return descriptions


def clean(description):
    """The short line and the long text as one line: paragraph marks (' .') and line breaks become spaces."""
    short, _, long = description.partition("\n")
    lines = [line.strip() for line in long.splitlines()]
    body = " ".join(line for line in lines if line != ".")
    return " ".join(short.split()), " ".join(body.replace("\t", " ").split())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-update", action="store_true", help="do not run apt-get update, use the lists as they are")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    args = parser.parse_args()

    if not args.no_update and not translation_files():
        command = ["apt-get", "-o", "Acquire::Languages=en", "update"]
        if os.geteuid() != 0:
            command.insert(0, "sudo")
        print("fetching the English package descriptions:", " ".join(command), file=sys.stderr)
        subprocess.run(command, check=True)
    translations = read_translations()
    if not translations:
        sys.exit("No Translation-en list found under /var/lib/apt/lists. Run: sudo apt-get -o Acquire::Languages=en update")

    rows = {}
    for fields in stanzas(run(["apt-cache", "dumpavail"])):
        package = fields.get("Package")
        section = fields.get("Section", "").split("/")[-1]
        md5 = fields.get("Description-md5")
        if package and section in SECTIONS and md5 in translations and package not in rows:
            short, body = clean(translations[md5])
            if body:
                rows[package] = (section, short, body)

    split = {"train": [], "test": []}
    for package in sorted(rows):
        section, short, body = rows[package]
        group = hashlib.sha256(body.lower().encode("utf-8")).hexdigest()
        side = "test" if int(group[:8], 16) % TEST_SHARE == 0 else "train"
        split[side].append((section, f"{short}. {body}"))

    os.makedirs(args.out, exist_ok=True)
    print(f"{len(rows)} packages in {len(SECTIONS)} sections, from {len(translations)} English descriptions")
    print(f"{'section':<12} {'train':>6} {'test':>6}")
    counts = {side: collections.Counter(section for section, _ in split[side]) for side in split}
    for section in SECTIONS:
        print(f"{section:<12} {counts['train'][section]:>6} {counts['test'][section]:>6}")
    print(f"{'total':<12} {len(split['train']):>6} {len(split['test']):>6}")
    for side in ("train", "test"):
        path = os.path.join(args.out, f"{side}.tsv")
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            file.write("Label\tText\n")
            for section, text in split[side]:
                file.write(f"{section}\t{text}\n")
        with open(path, "rb") as file:
            digest = hashlib.sha256(file.read()).hexdigest()
        print(f"sha256 {digest}  {path}")


if __name__ == "__main__":
    main()
