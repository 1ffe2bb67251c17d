"""The NumPy sentence encoder against the model's own library, and its edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from reader.recommend import minilm

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())


def test_the_encoder_gives_the_embeddings_of_sentence_transformers() -> None:
    # The reference rows were computed by sentence-transformers with PyTorch (see the file);
    # the shipped weights are int8, so a cosine of 0.999, not equality. A wrong layer order,
    # a missing LayerNorm or GELU, or attention to padding each fall far below it.
    got = minilm.encode(REFERENCE["texts"])
    want = np.array(REFERENCE["embeddings"], dtype=np.float32)
    cosines = (got * want).sum(axis=1)
    assert got.shape == (len(REFERENCE["texts"]), minilm.DIM)
    assert cosines.min() > 0.998, cosines


def test_rows_do_not_depend_on_their_batch_or_order() -> None:
    texts = REFERENCE["texts"]
    alone = np.vstack([minilm.encode([t]) for t in texts])
    together = minilm.encode(texts[::-1])[::-1]
    np.testing.assert_allclose(alone, together, atol=2e-5)


def test_blank_texts_give_zero_rows_and_others_unit_rows() -> None:
    rows = minilm.encode(["", "  \n", "Attention is all you need"])
    assert not rows[:2].any()
    assert abs(float(np.linalg.norm(rows[2])) - 1) < 1e-5


def test_a_paper_is_closer_to_its_topic_than_to_another() -> None:
    rows = minilm.encode(
        [
            "Deep residual learning for image recognition",
            "Very deep convolutional networks for large-scale image classification",
            "The phylogeny of marine gastropods from mitochondrial DNA",
        ]
    )
    assert rows[0] @ rows[1] > rows[0] @ rows[2] + 0.2


def test_progress_is_reported_up_to_the_whole() -> None:
    seen: list[tuple[int, int]] = []
    texts = [f"paper number {i} on graphs" for i in range(minilm.BATCH + 5)]
    minilm.encode(texts, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(texts), len(texts))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_paper_text_joins_title_and_abstract() -> None:
    assert minilm.paper_text("A title", "An abstract.") == "A title. An abstract."
    assert minilm.paper_text(" A title ", "") == "A title"
    assert minilm.paper_text("", "Only words.") == "Only words."
