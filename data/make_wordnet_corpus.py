"""Rebuild data/wordnet-glosses.txt.gz from Debian's wordnet-base package
(apt-get install wordnet-base)."""
import gzip
import re
import sys
from pathlib import Path

DIGITS = "zero one two three four five six seven eight nine".split()


def synset_lines(wordnet_dir: Path):
    for pos in ("noun", "verb", "adj", "adv"):
        for line in open(wordnet_dir / f"data.{pos}", encoding="latin-1"):
            if line.startswith("  ") or "|" not in line:
                continue  # licence header
            head, gloss = line.split("|", 1)
            fields = head.split()
            lemmas = [re.sub(r"\(.*?\)", "", fields[4 + 2 * i]).replace("_", " ")
                      for i in range(int(fields[3], 16))]
            text = (" ".join(lemmas) + " " + gloss).lower()
            text = re.sub(r"[0-9]", lambda m: " " + DIGITS[int(m.group())] + " ", text)
            text = re.sub(r"[^a-z]+", " ", text).strip()
            if text:
                yield text


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
    target = Path(__file__).with_name("wordnet-glosses.txt.gz")
    data = ("\n".join(synset_lines(source)) + "\n").encode()
    with gzip.GzipFile(target, "wb", mtime=0, compresslevel=9) as f:
        f.write(data)


if __name__ == "__main__":
    main()
